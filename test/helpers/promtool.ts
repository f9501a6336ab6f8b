import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { RecordedResource } from "../../tools/lib/render";

/** Runs promtool; a missing binary fails with what to install instead of skipping. */
export function promtool(args: string[], cwd: string): { status: number; output: string } {
  const result = spawnSync("promtool", args, { cwd, encoding: "utf8" });
  if (result.error && (result.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error("promtool not found on PATH: install the Debian package `prometheus` (apt-get install prometheus); the alert rule tests need it");
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** The `spec.groups` of every PrometheusRule, merged into one rule file, as the offline plan writes it. */
export function ruleFileOf(resources: readonly RecordedResource[]): { groups: Array<{ name: string; rules: Array<Record<string, any>> }> } {
  const groups = resources
    .filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    .flatMap((r) => ((r.inputs.spec as { groups?: any[] } | undefined)?.groups ?? []));
  return { groups };
}

/** Writes a rule file as `prometheus-rules.yaml` into a fresh temp dir and returns the dir. */
export function writeRuleFile(ruleFile: unknown, dir = mkdtempSync(join(tmpdir(), "platform-rules-"))): string {
  writeFileSync(join(dir, "prometheus-rules.yaml"), stringify(ruleFile, { lineWidth: 0 }));
  return dir;
}
