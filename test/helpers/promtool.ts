import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { RecordedResource } from "@platform/offline-plan";

/** Runs promtool; a missing binary fails with what to install instead of skipping. */
export function promtool(args: string[], cwd: string): { status: number; output: string } {
  const result = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error(
      "promtool not found on PATH: install the Debian package `prometheus` (apt-get install prometheus); the alert rule tests need it",
    );
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Runs promtool without blocking, so several unit-test files run side by side. */
export function promtoolAsync(args: string[], cwd: string): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("promtool", args, { cwd });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new Error(
              "promtool not found on PATH: install the Debian package `prometheus` (apt-get install prometheus); the alert rule tests need it",
            )
          : error,
      ),
    );
    child.on("close", (status) => resolve({ status: status ?? -1, output }));
  });
}

/** The `spec.groups` of every PrometheusRule, merged into one rule file, as the offline plan writes it. */
export function ruleFileOf(resources: readonly RecordedResource[]): {
  groups: Array<{ name: string; rules: Array<Record<string, any>> }>;
} {
  const groups = resources
    .filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    .flatMap((r) => (r.inputs.spec as { groups?: any[] } | undefined)?.groups ?? []);
  return { groups };
}

/** Writes a rule file as `prometheus-rules.yaml` into a fresh temp dir and returns the dir. */
export function writeRuleFile(ruleFile: unknown, dir = mkdtempSync(join(tmpdir(), "platform-rules-"))): string {
  writeFileSync(join(dir, "prometheus-rules.yaml"), stringify(ruleFile, { lineWidth: 0 }));
  return dir;
}
