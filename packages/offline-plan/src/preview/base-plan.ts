// Reads the base plan a `--diff` compares against, and refuses one that cannot be this stack's earlier plan: a diff
// against another project's or stack's plan would show every resource replaced (all URNs differ) and mean nothing.
import { readFileSync } from "node:fs";
import type { PlanResource } from "./classify";

export interface BasePlan {
  project: string;
  stack: string;
  resources: PlanResource[];
}

/** A base that is missing, unreadable, or not a plan of this project and stack: a usage error (exit 2). */
export class BasePlanError extends Error {}

export function readBasePlan(file: string, project: string, stack: string): BasePlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BasePlanError(
      code === "ENOENT"
        ? `--diff ${file}: no such plan.json (run the plan of the base revision first)`
        : `--diff ${file}: cannot read it (${code ?? (error as Error).message})`,
    );
  }
  let plan: Partial<BasePlan>;
  try {
    plan = JSON.parse(text) as Partial<BasePlan>;
  } catch (error) {
    throw new BasePlanError(`--diff ${file}: not a plan.json (invalid JSON: ${(error as Error).message})`);
  }
  if (typeof plan !== "object" || plan === null || !Array.isArray(plan.resources) || !plan.project || !plan.stack)
    throw new BasePlanError(`--diff ${file}: not a plan.json (no project, stack and resources)`);
  if (plan.project !== project || plan.stack !== stack)
    throw new BasePlanError(
      `--diff ${file} is the plan of ${plan.project}/${plan.stack}, not of ${project}/${stack}: ` +
        "a diff compares two revisions of the same stack (plan the base revision of this stack)",
    );
  return plan as BasePlan;
}
