// The tier move runbook walked end to end (test/runbooks/walks-tiers.ts, steps in walks-tier-move.ts): each step
// planned with the pack, the fleet rules and the move rules against the stack's previous plan; the docs' previews of
// its steps must be the plans' output.
import { describe, expect, it } from "vitest";
import { checkStep } from "./steps";
import { stalePreviews } from "./docs-previews";
import { runWalk } from "./walker";
import { TIER_MOVE } from "./walks-tiers";

describe("tier move runbook", () => {
  it(`pooled → dedicated in prod, dedicated → pooled in shard a: ${TIER_MOVE.steps.map((s) => s.name).join(" → ")}`, async () => {
    const results = await runWalk(TIER_MOVE);
    expect(results.flatMap(checkStep)).toEqual([]);
    expect(stalePreviews(results)).toEqual([]);
  }, 300_000);
});
