// The tier move walked end to end (test/runbooks/walks-tier-move.ts): each step planned with `npm run plan` — the
// policy pack, the move rules against the previous plan, the preview's classification — against the plan of the
// stack's previous merged step; a refused step is not merged. Self-contained until the runbook walks' harness
// (issue 18) lands; then it joins it. Also checks the docs' previews of the steps are the plans' output.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { classify } from "@platform/offline-plan";
import type { PlanResource } from "@platform/offline-plan";
import { PROJECT_ROOT } from "../helpers/render";
import { runPlanAsync } from "../helpers/plan-cli";
import { previewBlock } from "../../tools/operations-previews";
import { MoveStep, TIER_MOVE_STEPS } from "./walks-tier-move";

const stackFile = (stack: string) =>
  (parse(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> }).config;
const work = mkdtempSync(join(tmpdir(), "tier-move-walk-"));
let counter = 0;

async function plan(stack: string, config: Record<string, any>, base?: string, platformPlan?: string) {
  const dir = join(work, String(counter++));
  const file = join(work, `${counter}-Pulumi.${stack}.yaml`);
  writeFileSync(file, stringify({ config }));
  const args = ["--stack", stack, "--config", file];
  if (base) args.push("--diff", base);
  if (platformPlan) args.push("--platform-plan", platformPlan);
  const run = await runPlanAsync(args, dir);
  return { ...run, planJson: run.code === 0 || run.code === 1 ? join(dir, "plan.json") : undefined };
}

const resources = (planJson: string) =>
  (JSON.parse(readFileSync(planJson, "utf8")) as { resources: PlanResource[] }).resources;

/** The previews docs/tenants.md shows, by step name (dedented). */
const BLOCK = /^( *)<!-- preview:([a-z0-9-]+)(?::(\d+))? -->\n([\s\S]*?)\n *<!-- \/preview -->/gm;
const shown = new Map(
  [...readFileSync(join(PROJECT_ROOT, "docs/tenants.md"), "utf8").matchAll(BLOCK)].map((m) => [
    m[2],
    {
      keep: Number(m[3] ?? 6),
      text: m[4]
        .split("\n")
        .map((l) => l.slice(m[1].length))
        .join("\n"),
    },
  ]),
);

function problemsOf(step: MoveStep, run: Awaited<ReturnType<typeof plan>>, base: string): string[] {
  const problems: string[] = [];
  if (run.code !== step.expect.exit)
    problems.push(`exited ${run.code}, expected ${step.expect.exit}: ${run.stderr.slice(0, 1500)}`);
  if (step.expect.error && !step.expect.error.test(run.stderr))
    problems.push(`stderr does not match ${step.expect.error}: ${run.stderr}`);
  if (!run.planJson) return problems.map((p) => `${step.name}: ${p}`);
  const head = resources(run.planJson);
  const changes = classify(resources(base), head);
  for (const [name, op] of Object.entries(step.expect.ops ?? {})) {
    const found = changes.steps.filter((s) => s.name === name).map((s) => s.op);
    const actual = found.length > 0 ? found.join("/") : head.some((r) => r.name === name) ? "same" : "absent";
    if (actual !== op) problems.push(`${name}: ${actual}, expected ${op}`);
  }
  const other = changes.steps.filter((s) => step.expect.only && !step.expect.only.includes(s.op));
  if (other.length > 0) problems.push(`steps other than ${step.expect.only}: ${other.map((s) => `${s.op} ${s.name}`)}`);
  if (changes.refused.length > 0) problems.push(`refused: ${changes.refused.map((s) => s.name)}`);
  // Only the drop steps (the block removed after retire) may delete tenant data, and never a protected resource.
  const dataLoss = changes.steps.filter(
    (s) => /^postgresql:index\/(schema|database|role):/.test(s.type) && (s.op === "delete" || s.op === "replace"),
  );
  if (dataLoss.some((s) => s.protect.old) || (!step.name.endsWith("-drop") && dataLoss.length > 0))
    problems.push(`deletes or replaces tenant data: ${dataLoss.map((s) => `${s.op} ${s.name}`)}`);
  const doc = shown.get(step.name);
  if (doc) {
    const markdown = run.stdout.slice(run.stdout.indexOf("### Changes"));
    if (previewBlock(markdown, doc.keep) !== doc.text)
      problems.push("docs/tenants.md preview is stale: run npm run docs:previews");
  }
  return problems.map((p) => `${step.name}: ${p}`);
}

describe("tier move runbook", () => {
  it(`pooled → dedicated in prod, dedicated → pooled in shard a: ${TIER_MOVE_STEPS.map((s) => s.name).join(" → ")}`, async () => {
    const configs = { prod: stackFile("prod"), "prod-tenants-a": stackFile("prod-tenants-a") };
    const prodStart = await plan("prod", configs.prod);
    expect(prodStart.code, prodStart.stderr).toBe(0);
    const applied: Record<string, string> = { prod: prodStart.planJson! };
    const shardStart = await plan("prod-tenants-a", configs["prod-tenants-a"], undefined, applied.prod);
    expect(shardStart.code, shardStart.stderr).toBe(0);
    applied["prod-tenants-a"] = shardStart.planJson!;
    const problems: string[] = [];
    for (const step of TIER_MOVE_STEPS) {
      const config = structuredClone(stackFile(step.stack));
      step.edit(config);
      const base = applied[step.stack];
      const run = await plan(step.stack, config, base, step.stack === "prod" ? undefined : prodStart.planJson);
      problems.push(...problemsOf(step, run, base));
      if (run.code === 0 && step.apply !== false) applied[step.stack] = run.planJson!;
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
