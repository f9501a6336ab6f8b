// The shape of a runbook walk (a scripted sequence of reviewed stack-file edits) and how a planned step is checked
// against what the runbook promises. The walks themselves: test/runbooks/procedures.ts.
import type { PlanResource, StepOp } from "@platform/offline-plan";
import type { StackConfig } from "../fixtures/stacks";
import type { Classification } from "@platform/offline-plan";

/** Stacks a walk may hold: fixtures named like the repo's stack files, or the repo's files themselves. */
export type StackName = "prod" | "prod-dr" | "prod-tenants-a" | "prod-dr-tenants-a" | "prod-tenants-b";

export interface Expectation {
  /** The plan's exit code: 0 planned, 1 a mandatory violation or a step `pulumi up` refuses, 2 invalid config. */
  exit: 0 | 1 | 2;
  /** Resource name → how the preview must classify it (`same`: not touched; `absent`: not in the plan at all). */
  ops?: Record<string, StepOp | "absent">;
  /** The only kinds of step the preview may hold (e.g. a rollback is updates only). */
  only?: StepOp[];
  /** Resources the preview must list as refused (protected, deleted or replaced). */
  refused?: string[];
  /** What stderr must say (a config error names the key). */
  error?: RegExp;
  /** The state the runbook promises after the step, checked on the plan: each broken promise as a sentence. */
  promise?: (plan: PlanDocumentLike, result: StepResult) => string[];
}

export interface Step {
  /** Unique across walks: the docs' `<!-- preview:NAME -->` markers name steps. */
  name: string;
  /** What the runbook says to do, in its words. */
  does: string;
  stack: StackName;
  /** The reviewed diff of the stack file (`all`: every stack file of the walk; a step edits its own). None: plan only. */
  edit?: (config: StackConfig, all: Record<string, StackConfig>) => void;
  /** A manual state operation the runbook documents before this step (`pulumi state delete …`), on the base state. */
  state?: (resources: PlanResource[]) => PlanResource[];
  /** False: a variant the docs show (e.g. a refused shortcut), planned but not merged. Default: merged if exit 0. */
  apply?: boolean;
  expect: Expectation;
}

export interface Walk {
  name: string;
  /** The runbook procedures the walk proves, as the docs' map names them. */
  proves: string[];
  /** The stack files the walk starts from (fixtures, or the repo's files where the procedure is about them). */
  stacks: () => Record<string, StackConfig>;
  steps: Step[];
}

/** A step's broken expectations, as sentences (none: the step does what the runbook says). */
export function checkStep(result: StepResult): string[] {
  const { step } = result;
  const expect = step.expect;
  const problems: string[] = [];
  if (result.code !== expect.exit)
    problems.push(`exited ${result.code}, expected ${expect.exit}: ${result.stderr.trim().slice(0, 1500)}`);
  if (expect.error && !expect.error.test(result.stderr)) problems.push(`stderr does not match ${expect.error}`);
  const steps = result.changes?.steps ?? [];
  const opOf = (name: string) => {
    if (!result.plan) return undefined;
    const found = steps.filter((s) => s.name === name);
    if (found.length > 0) return found.map((s) => s.op).join("/");
    return result.plan.resources.some((r) => r.name === name) ? "same" : "absent";
  };
  for (const [name, op] of Object.entries(expect.ops ?? {})) {
    const actual = opOf(name);
    if (actual !== op) problems.push(`${name}: ${actual ?? "no plan"}, expected ${op}`);
  }
  if (expect.only) {
    const other = steps.filter((s) => !expect.only!.includes(s.op));
    if (other.length > 0)
      problems.push(`steps other than ${expect.only.join("/")}: ${other.map((s) => `${s.op} ${s.name}`).join(", ")}`);
  }
  const refused = (result.changes?.refused ?? []).map((s) => s.name).sort();
  if (!sameList(refused, [...(expect.refused ?? [])].sort()))
    problems.push(`refused ${JSON.stringify(refused)}, expected ${JSON.stringify(expect.refused ?? [])}`);
  if (expect.promise && result.plan) problems.push(...expect.promise(result.plan, result));
  return problems.map((p) => `${step.name} (${step.stack}): ${p}`);
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Promise helpers for the walks: each returns broken promises as sentences. */
export const promises = {
  /** Resources of the plan by name. */
  byName: (plan: PlanDocumentLike, name: string) => plan.resources.find((r) => r.name === name),
  /** No mandatory policy violation (the pack accepts the state). */
  packAccepts: (plan: PlanDocumentLike) =>
    plan.policy.violations
      .filter((v) => v.enforcementLevel === "mandatory")
      .map((v) => `policy ${v.policy}: ${v.message}`),
  /** A note of the plan mentions `text`. */
  noted: (plan: PlanDocumentLike, text: string) =>
    plan.summary.notes.some((n) => n.includes(text)) ? [] : [`no plan note mentions "${text}"`],
};

/** What a planned step produced (test/runbooks/walker.ts). */
export interface StepResult {
  step: Step;
  code: number | null;
  stdout: string;
  stderr: string;
  /** plan.json of this step (absent when the config was refused: exit 2). */
  planJson?: string;
  plan?: PlanDocumentLike;
  /** The preview's classification against the stack's previous plan. */
  changes?: Classification;
  /** The `--diff` Markdown as the plan prints it (from `### Changes`). */
  markdown: string;
  /** Every stack's config as the step left it (a step not merged leaves the previous configs). */
  configs: Record<string, StackConfig>;
  /** The step's plan is the stack's plan before the walk touched it (resources and inputs): back where it started. */
  backToStart: boolean;
}

/** The parts of plan.json the walks read. */
export interface PlanDocumentLike {
  stack: string;
  resources: Array<PlanResource & { provider?: string }>;
  outputs: Record<string, unknown>;
  policy: { violations: Array<{ policy: string; enforcementLevel: string; urn?: string; message: string }> };
  summary: { notes: string[]; tenants: Record<string, { resourceCount: number }>; resourceCount: number };
}
