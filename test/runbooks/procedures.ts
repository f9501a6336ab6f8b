// Every runbook procedure of docs/operations.md, docs/tenants.md and docs/shards.md as a walk: a scripted sequence of
// reviewed stack-file edits, each with the plan's exit code, what its preview must classify, and the state the runbook
// promises after it. The walk tests (test/runbooks/*.test.ts) run them; `npm run docs:previews`
// (tools/operations-previews.ts) prints the docs' previews from the same steps, so docs and behaviour cannot drift.
import type { Step, Walk } from "./steps";
import { TENANT_WALKS } from "./walks-tenants";
import { DATA_WALKS } from "./walks-data";
import { DR_WALKS } from "./walks-dr";
import { TIER_MOVE } from "./walks-tiers";

export const WALKS: readonly Walk[] = [...TENANT_WALKS, ...DATA_WALKS, ...DR_WALKS, TIER_MOVE];

/** Every step by name (the docs' previews). */
export const STEPS: ReadonlyMap<string, { walk: Walk; step: Step }> = new Map(
  WALKS.flatMap((walk) => walk.steps.map((step) => [step.name, { walk, step }] as const)),
);
