// The nightly drift filter: `npx tsx tools/drift-check.ts --stack <stack> <preview.json>` reads the JSON of
// `pulumi preview --refresh --json` and exits 0 when the only changes are the deferred ones the stack's config
// explains (RDS instance modifications waiting for the maintenance window), 1 otherwise, printing what drifted;
// 2 on bad usage or an unreadable file.
//
// The input is Pulumi's PreviewDigest (pulumi/pulumi pkg/display/json.go, written by pkg/backend/display/json.go):
// `{ config, steps: [{ op, urn, provider, oldState, newState, diffReasons, replaceReasons, detailedDiff }],
// diagnostics, duration, changeSummary }`; `op` is a StepOp of pkg/resource/deploy/step.go ("same", "create",
// "update", "delete", "replace", "create-replacement", "delete-replaced", "read", "refresh", "import", …); old and new
// states are apitype.ResourceV3 (`type`, `inputs`, `outputs`, …); `detailedDiff` maps property paths to
// `{ kind, inputDiff }` with kind one of "add", "add-replace", "delete", "delete-replace", "update", "update-replace"
// (sdk/go/common/resource/plugin/provider.go DiffKind.String).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, PlatformConfig, parsePlatformConfig, rawPlatformConfig } from "../config";
import { DEFERRED_INSTANCE_FIELDS } from "../components/database/deferred";
import { readStackFile } from "@platform/offline-plan";

export interface PreviewStep {
  op: string;
  urn: string;
  oldState?: { type?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  newState?: { type?: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff?: Record<string, { kind: string; inputDiff: boolean }> | null;
}
export interface PreviewDigest {
  steps?: PreviewStep[];
}

/** Steps that change nothing in the cloud. */
const NO_CHANGE = new Set(["same", "read", "refresh", "discard"]);
const RDS_INSTANCE = "aws:rds/instance:Instance";

export interface DriftVerdict {
  /** Deferred changes the config explains, one line each. */
  tolerated: string[];
  /** Everything else that would change, one line each. */
  drifted: string[];
}

/** Top-level property names a step changes (`detailedDiff` paths like `tags.a` or `parameters[0].value`). */
function changedProperties(step: PreviewStep): string[] {
  const paths = [...Object.keys(step.detailedDiff ?? {}), ...(step.diffReasons ?? [])];
  return [...new Set(paths.map((p) => p.split(/[.[]/)[0]))];
}

/**
 * A step is a tolerated deferred change when the stack defers instance modifications to the window, it is an update
 * (not a replacement) of an RDS instance, and every property it changes is one RDS holds for the window, changing
 * to exactly the configured value (the program's input equals what the last `up` sent, `oldState.inputs`).
 */
function deferredChange(step: PreviewStep, database: PlatformConfig["database"] | undefined): string | undefined {
  if (!database || database.applyChanges !== "maintenanceWindow") return undefined;
  if (step.op !== "update" || step.newState?.type !== RDS_INSTANCE) return undefined;
  if (Object.values(step.detailedDiff ?? {}).some((d) => d.kind.endsWith("replace"))) return undefined;
  const changed = changedProperties(step);
  if (changed.length === 0) return undefined;
  const deferred: readonly string[] = DEFERRED_INSTANCE_FIELDS;
  const lines: string[] = [];
  for (const field of changed) {
    if (!deferred.includes(field)) return undefined;
    const wanted = step.newState?.inputs?.[field];
    if (JSON.stringify(wanted) !== JSON.stringify(step.oldState?.inputs?.[field])) return undefined;
    lines.push(`${field} ${JSON.stringify(step.oldState?.outputs?.[field])} → ${JSON.stringify(wanted)}`);
  }
  return `${step.urn}: ${lines.join(", ")} (pending until the maintenance window ${database.maintenanceWindow})`;
}

/** Sorts the steps of a preview into tolerated deferred changes and drift. */
export function checkDrift(preview: PreviewDigest, config: Pick<PlatformConfig, "database">): DriftVerdict {
  const verdict: DriftVerdict = { tolerated: [], drifted: [] };
  for (const step of preview.steps ?? []) {
    if (NO_CHANGE.has(step.op)) continue;
    const deferred = deferredChange(step, config.database);
    if (deferred) verdict.tolerated.push(deferred);
    else {
      const properties = changedProperties(step);
      verdict.drifted.push(`${step.op} ${step.urn}${properties.length > 0 ? `: ${properties.join(", ")}` : ""}`);
    }
  }
  return verdict;
}

/** The stack's parsed config, from Pulumi.<stack>.yaml in `root`. */
export function stackConfig(stack: string, root: string): PlatformConfig {
  const file = readStackFile(join(root, `Pulumi.${stack}.yaml`), "platform");
  const { raw, awsRegion } = rawPlatformConfig(file.config);
  return parsePlatformConfig(raw, awsRegion, { secretKeys: file.secretKeys });
}

export function main(argv: string[], root = join(__dirname, "..")): number {
  let stack: string | undefined;
  let file: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { stack: { type: "string" } },
      allowPositionals: true,
    });
    stack = values.stack;
    file = positionals[0];
  } catch (error) {
    console.error(`drift-check: ${(error as Error).message}`);
  }
  if (!stack || !file) {
    console.error("usage: tsx tools/drift-check.ts --stack <stack> <preview.json>");
    return 2;
  }
  let preview: PreviewDigest;
  let config: PlatformConfig;
  try {
    preview = JSON.parse(readFileSync(file, "utf8")) as PreviewDigest;
    config = stackConfig(stack, root);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : (error as Error).message;
    console.error(`drift-check: ${message}`);
    return 2;
  }
  const verdict = checkDrift(preview, config);
  for (const line of verdict.tolerated) console.log(`deferred (tolerated): ${line}`);
  for (const line of verdict.drifted) console.log(`drift: ${line}`);
  if (verdict.drifted.length > 0) {
    console.log(`${verdict.drifted.length} change(s) the stack's config does not explain: drift`);
    return 1;
  }
  console.log(`no drift (${verdict.tolerated.length} deferred change(s) tolerated)`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
