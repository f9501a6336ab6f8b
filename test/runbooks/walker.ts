// Walks a runbook procedure the way an on-call engineer does: each step is a reviewed edit of one stack file, planned
// with `npm run plan` (tools/plan.ts: the policy pack, the fleet rules of every stack file of the walk, and `--diff`
// against the plan of that stack's previous step, so the preview's classification and refusals count). A refused step
// (exit ≠ 0) is not applied: the next step starts from the state before it, as after a failed pull-request check.
// The walk definitions (test/runbooks/procedures.ts) are shared with `npm run docs:previews`, so the previews the docs
// show are the output of the steps the walk tests assert.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { classify } from "@platform/offline-plan";
import { runPlanAsync } from "../helpers/plan-cli";
import type { StackConfig } from "../fixtures/stacks";
import type { PlanDocumentLike, StackName, Step, StepResult, Walk } from "./steps";

const memo = new Map<string, Promise<PlannedStack>>();
let root: string | undefined;
const workRoot = () => (root ??= mkdtempSync(join(tmpdir(), "runbook-walks-")));

interface PlannedStack {
  code: number | null;
  stdout: string;
  stderr: string;
  planJson?: string;
}

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);

/**
 * Plans `stack` with every stack file of `configs` beside it (the fleet rules and a DR stack's shared source read
 * them), against `base` (a plan.json), reading a shard's platform outputs from `platformPlan`. Memoised on its
 * inputs, so walks that share steps plan them once per process.
 */
function planStack(
  stack: StackName,
  configs: Record<string, StackConfig>,
  base?: string,
  platformPlan?: string,
): Promise<PlannedStack> {
  const key = hash({ stack, configs, base, platformPlan });
  const known = memo.get(key);
  if (known) return known;
  const run = (async () => {
    const dir = join(workRoot(), key);
    mkdirSync(dir, { recursive: true });
    for (const [name, config] of Object.entries(configs))
      writeFileSync(join(dir, `Pulumi.${name}.yaml`), stringify({ config }));
    const args = ["--stack", stack, "--config", join(dir, `Pulumi.${stack}.yaml`), "--fleet-dir", dir];
    if (base) args.push("--diff", base);
    if (platformPlan) args.push("--platform-plan", platformPlan);
    const out = join(dir, "out");
    const result = await runPlanAsync(args, out);
    const planJson = result.code === 0 || result.code === 1 ? join(out, "plan.json") : undefined;
    return { code: result.code, stdout: result.stdout, stderr: result.stderr, planJson };
  })();
  memo.set(key, run);
  return run;
}

/** The platform stack a shard's plan reads (`platform:tenancy.platformStack` → its short name). */
const platformOf = (config: StackConfig): StackName | undefined =>
  config["platform:tenancy"]?.role === "shard"
    ? (String(config["platform:tenancy"].platformStack).split("/").pop() as StackName)
    : undefined;

/** Runs every step of a walk in order; resolves with each step's result (the caller asserts them). */
export async function runWalk(walk: Walk): Promise<StepResult[]> {
  const configs: Record<string, StackConfig> = structuredClone(walk.stacks());
  /** The stack files before the first step: every stack's starting plan is made from them. */
  const start = structuredClone(configs);
  /** Each stack's last applied plan.json: the base of its next step. */
  const applied = new Map<string, string>();
  /** Each stack's plan before the walk touched it. */
  const initial = new Map<string, PlanDocumentLike>();
  const results: StepResult[] = [];

  const planOf = async (stack: StackName, current: Record<string, StackConfig>, base?: string, first = false) => {
    const platform = platformOf(current[stack]);
    let platformPlan: string | undefined;
    if (platform)
      platformPlan = first ? await establish(platform) : (applied.get(platform) ?? (await establish(platform)));
    return planStack(stack, current, base, platformPlan);
  };
  /** A stack's plan before the walk touches it (the state the first step's preview compares against). */
  const starting = new Map<string, string>();
  const establish = async (stack: StackName): Promise<string> => {
    const known = starting.get(stack);
    if (known) return known;
    const first = await planOf(stack, start, undefined, true);
    if (first.code !== 0 || !first.planJson)
      throw new Error(`walk ${walk.name}: the starting plan of ${stack} exited ${first.code}:\n${first.stderr}`);
    starting.set(stack, first.planJson);
    initial.set(stack, JSON.parse(readFileSync(first.planJson, "utf8")) as PlanDocumentLike);
    return first.planJson;
  };

  for (const step of walk.steps) {
    const base = applied.get(step.stack) ?? (await establish(step.stack));
    applied.set(step.stack, base);
    const next = structuredClone(configs);
    step.edit?.(next[step.stack], next);
    const baseFile = step.state ? editedState(base, step.state) : base;
    const planned = await planOf(step.stack, next, baseFile);
    const plan = planned.planJson
      ? (JSON.parse(readFileSync(planned.planJson, "utf8")) as PlanDocumentLike)
      : undefined;
    const basePlan = JSON.parse(readFileSync(baseFile, "utf8")) as PlanDocumentLike;
    const accepted = planned.code === 0 && step.apply !== false;
    if (accepted) {
      Object.assign(configs, next);
      applied.set(step.stack, planned.planJson!);
      // A platform stack's change reaches its shards at their next plan, which reads its outputs.
    }
    const start = planned.stdout.indexOf("### Changes");
    results.push({
      step,
      code: planned.code,
      stdout: planned.stdout,
      stderr: planned.stderr,
      planJson: planned.planJson,
      plan,
      changes: plan ? classify(basePlan.resources, plan.resources) : undefined,
      markdown: start < 0 ? "" : planned.stdout.slice(start),
      configs: structuredClone(accepted ? configs : next),
      backToStart:
        plan !== undefined && classify(initial.get(step.stack)!.resources, plan.resources).steps.length === 0,
    });
  }
  return results;
}

/** A manual state operation between two commits (`pulumi state delete`, …): the base plan with its edit applied. */
function editedState(base: string, edit: NonNullable<Step["state"]>): string {
  const plan = JSON.parse(readFileSync(base, "utf8")) as PlanDocumentLike;
  plan.resources = edit(plan.resources);
  const file = join(workRoot(), `${hash(plan.resources)}-state.json`);
  writeFileSync(file, JSON.stringify(plan));
  return file;
}
