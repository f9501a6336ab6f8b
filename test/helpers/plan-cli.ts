import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { PROJECT_ROOT } from "./render";

export interface PlanRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outDir: string;
}

/** Runs `npm run plan`'s entry point (tools/plan.ts under tsx) as a user would, in a separate process. */
export function runPlan(args: string[], outDir = mkdtempSync(join(tmpdir(), "plan-out-"))): PlanRun {
  const result = spawnSync(
    process.execPath,
    [
      join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"),
      join(PROJECT_ROOT, "tools/plan.ts"),
      ...args,
      "--out",
      outDir,
    ],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, outDir };
}

/** As runPlan, without blocking: several plans can run at once (`it.concurrent`). */
export function runPlanAsync(args: string[], outDir = mkdtempSync(join(tmpdir(), "plan-out-"))): Promise<PlanRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"),
        join(PROJECT_ROOT, "tools/plan.ts"),
        ...args,
        "--out",
        outDir,
      ],
      { cwd: PROJECT_ROOT },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, outDir }));
  });
}

/** Writes a stack `config:` mapping to a temporary Pulumi.<stack>.yaml-format file and returns its path. */
export function writeStackFile(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), "stack-")), "Pulumi.test.yaml");
  writeFileSync(file, stringify({ config }));
  return file;
}
