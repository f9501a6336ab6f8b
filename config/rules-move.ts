// Rules of a tier change across isolation models (docs/tenants.md, "Changing tier"): a move is stated in the entry
// (`move: { from, step }`), only an active tenant moves, the target's guaranteed connections fit the instance, and —
// against the stack's previous plan — a tier change across isolation models without a move block is refused, a move
// starts with `copy`, goes one step at a time, and one move per tenant runs at a time.
import type { TenantConfig } from "./sections";
import { ConfigProblem, showValue } from "./errors";
import { MOVE_STEPS, MoveStep, Tier, isolationOf } from "./tenants";
import { connectionBudget } from "./rules-capacity";
import { ParsedSections, key } from "./rules-common";

/** Where the move procedure is documented: every refusal names it. */
export const MOVE_PROCEDURE = 'docs/tenants.md, "Changing tier"';

const model = (tier: Tier) =>
  `${isolationOf(tier) === "dedicated" ? "a database of its own" : "a schema in the shared database"} (${tier})`;

/** Rules a move block obeys within one stack config. */
export function moveProblems({ tenants, database }: ParsedSections): ConfigProblem[] {
  if (!tenants) return [];
  const problems: ConfigProblem[] = [];
  tenants.forEach((tenant, i) => {
    const move = tenant.move;
    if (!move) return;
    if (isolationOf(move.from) === isolationOf(tenant.tier))
      problems.push({
        key: key("tenants", i, "move", "from"),
        value: showValue(move.from),
        message: `"${move.from}" and the tier "${tenant.tier}" keep the data in the same place (${isolationOf(tenant.tier)} isolation): that is no move. A change between pooled tiers only changes limits and quota: remove the move block`,
      });
    if (tenant.state !== "active")
      problems.push({
        key: key("tenants", i, "move"),
        value: showValue(move),
        message: `only an active tenant moves (the state is "${tenant.state}"): a ${tenant.state} tenant's data is on its way out, not to a new home. Reactivate it first, or remove the move block`,
      });
    if (move.step !== "copy" && move.verified === undefined)
      problems.push({
        key: key("tenants", i, "move", "verified"),
        message: `required from step "switch" on: the digest the move Job logged with TENANT_MOVE_OK (kubectl -n <jobs namespace> logs job/tenant-move-${tenant.id} -c report | grep TENANT_MOVE_OK). Without a verified copy the switch would point the tenant at an incomplete home`,
      });
    if (move.step === "copy" && move.verified !== undefined)
      problems.push({
        key: key("tenants", i, "move", "verified"),
        value: showValue(move.verified),
        message: 'recorded once the copy is verified, with step "switch": the copy step has not run yet',
      });
  });
  // The target's guaranteed connections: a tenant moving to a dedicated tier already counts with its new tier.
  const toDedicated = tenants
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => t.move && t.state === "active" && isolationOf(t.tier) === "dedicated");
  if (database && toDedicated.length > 0) {
    const budget = connectionBudget({ database, tenants });
    if (!Number.isNaN(budget.maxConnections) && budget.guaranteed > budget.available)
      for (const { t, i } of toDedicated)
        problems.push({
          key: key("tenants", i, "move"),
          value: showValue(t.move),
          message: `moving ${t.id} to "${t.tier}" guarantees it ${budget.guaranteedTenants.find((g) => g.id === t.id)?.connectionLimit} connections, and the guaranteed total ${budget.guaranteed} would exceed max_connections ${budget.maxConnections} less ${budget.reserved} reserved (${budget.available}). Make room first (a larger platform:database.instanceClass, lower connectionLimit on entries) or set a lower connectionLimit on this entry`,
        });
  }
  return problems;
}

/** What the stack's previous plan says of a tenant (its `tenants` stack output): its tier and move, if any. */
export interface PreviousTenant {
  tier: Tier;
  move?: { from: Tier; step: MoveStep };
}

/** The steps a move may take from one reviewed commit to the next (undefined: no move). */
const NEXT_STEP: Record<MoveStep | "none", readonly (MoveStep | "none")[]> = {
  none: ["none", "copy"],
  copy: ["copy", "switch"],
  switch: ["switch", "retire"],
  retire: ["retire", "none"],
};

/**
 * Rules that compare the config with the stack's previous plan (`npm run plan -- --diff BASE/plan.json` reads it):
 * a tier change across isolation models needs a move block, a move starts with `copy` from where the data is,
 * advances one step per commit, and one move per tenant runs at a time.
 */
export function tierChangeProblems(
  tenants: readonly Pick<TenantConfig, "id" | "tier" | "move">[],
  previous: Readonly<Record<string, PreviousTenant>>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  tenants.forEach((tenant, i) => {
    const before = previous[tenant.id];
    if (!before) return; // onboarding: no data anywhere yet
    const move = tenant.move;
    const wasStep = before.move?.step ?? "none";
    const step = move?.step ?? "none";
    // Where the data lives in the previous state, and where the config now says it lives or goes.
    const dataHome = before.move ? isolationOf(before.move.from) : isolationOf(before.tier);
    if (!move && !before.move && isolationOf(tenant.tier) !== isolationOf(before.tier)) {
      problems.push({
        key: key("tenants", i, "tier"),
        value: showValue(tenant.tier),
        message: `changes where ${tenant.id}'s data lives, from ${model(before.tier)} to ${model(tenant.tier)}: the old home would be replaced, and its rows lost. Move it instead (${MOVE_PROCEDURE}): tier: ${tenant.tier} with move: { from: ${before.tier}, step: copy }, then switch, then retire, each a reviewed commit`,
      });
      return;
    }
    if (before.move && (!move || isolationOf(move.from) !== isolationOf(before.move.from)) && step !== "none") {
      problems.push({
        key: key("tenants", i, "move", "from"),
        value: showValue(move?.from),
        message: `a move of ${tenant.id} from "${before.move.from}" is in progress (step ${before.move.step}): one move per tenant at a time. Finish it (switch, retire, then remove the block) before another`,
      });
      return;
    }
    if (move && !before.move && isolationOf(move.from) !== dataHome) {
      problems.push({
        key: key("tenants", i, "move", "from"),
        value: showValue(move.from),
        message: `${tenant.id}'s data lives in ${model(before.tier)}, not in ${isolationOf(move.from)} isolation: a move starts from where the data is (from: ${before.tier})`,
      });
      return;
    }
    if (before.move && isolationOf(tenant.tier) !== isolationOf(before.tier)) {
      problems.push({
        key: key("tenants", i, "tier"),
        value: showValue(tenant.tier),
        message: `a move of ${tenant.id} to "${before.tier}" is in progress (step ${before.move.step}): its tier stays "${before.tier}" until the move is done; one move per tenant at a time`,
      });
      return;
    }
    if (!NEXT_STEP[wasStep].includes(step)) {
      const allowed = NEXT_STEP[wasStep].filter((s) => s !== wasStep)[0];
      problems.push({
        key: step === "none" ? key("tenants", i, "move") : key("tenants", i, "move", "step"),
        value: step === "none" ? undefined : showValue(step),
        message: `${wasStep === "none" ? `${tenant.id} has no move in progress` : `${tenant.id}'s move is at step "${wasStep}"`}: the next reviewed step is "${allowed}" (${MOVE_STEPS.join(" → ")} → remove the block; ${MOVE_PROCEDURE}). ${skipRisk(wasStep, step)}`,
      });
    }
  });
  return problems;
}

/** What skipping from `was` to `next` would do, for the refusal. */
function skipRisk(was: MoveStep | "none", next: MoveStep | "none"): string {
  if (next === "none")
    return "Removing the block now would drop a home that still holds the only verified copy, or is still protected";
  if (was === "none" || was === "copy")
    return "Skipping a step would point the tenant at a home its data has not been verified in";
  return "Going back would point the tenant at a home that misses the rows written since the switch";
}

/** The previous tenants from a plan's stack outputs (`tenants.<id>.tier` and `.move`), for `tierChangeProblems`. */
export function previousTenants(outputs: unknown): Record<string, PreviousTenant> {
  const tenants = (outputs as { tenants?: Record<string, unknown> } | undefined)?.tenants;
  if (!tenants || typeof tenants !== "object") return {};
  const result: Record<string, PreviousTenant> = {};
  for (const [id, value] of Object.entries(tenants)) {
    const t = value as { tier?: unknown; move?: { from?: unknown; step?: unknown } };
    if (typeof t?.tier !== "string") continue;
    result[id] = {
      tier: t.tier as Tier,
      ...(t.move && typeof t.move.from === "string" && typeof t.move.step === "string"
        ? { move: { from: t.move.from as Tier, step: t.move.step as MoveStep } }
        : {}),
    };
  }
  return result;
}
