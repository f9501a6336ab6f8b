// The tier move walk (test/runbooks/walks-tier-move.ts: pooled → dedicated in prod, dedicated → pooled in shard a) in
// the runbook walks' harness: its steps edit the repo's stack files into each step's state (from the file as it is),
// and no step but a drop deletes or replaces tenant data, never a protected resource.
import { type StackConfig, type StackName, stackFixture } from "../fixtures/stacks";
import type { StepResult, Walk } from "./steps";
import { TIER_MOVE_STEPS } from "./walks-tier-move";

const TENANT_DATA = /^postgresql:index\/(schema|database|role):/;

/** Tenant data a step deletes or replaces, when it may not: protected, or in a step other than a drop. */
function dataLoss(name: string, result: StepResult): string[] {
  const lost = (result.changes?.steps ?? []).filter(
    (s) => TENANT_DATA.test(s.type) && (s.op === "delete" || s.op === "replace"),
  );
  return lost.some((s) => s.protect.old) || (!name.endsWith("-drop") && lost.length > 0)
    ? [`deletes or replaces tenant data: ${lost.map((s) => `${s.op} ${s.name}`).join(", ")}`]
    : [];
}

export const TIER_MOVE: Walk = {
  name: "tier move",
  proves: ["Changing tier"],
  stacks: () => ({
    prod: stackFixture("prod"),
    "prod-tenants-a": stackFixture("prod-tenants-a"),
  }),
  steps: TIER_MOVE_STEPS.map((step) => ({
    name: step.name,
    does: step.does,
    stack: step.stack,
    apply: step.apply,
    // Each step states the whole entry at that step, from the stack file as it is (its fixture).
    edit: (config: StackConfig) => {
      for (const key of Object.keys(config)) delete config[key];
      Object.assign(config, stackFixture(step.stack as StackName));
      step.edit(config);
    },
    expect: { ...step.expect, refused: [], promise: (_plan, result) => dataLoss(step.name, result) },
  })),
};
