// Config of a tier move (docs/tenants.md, "Changing tier"): the move block within one stack config, and the rules
// the plan judges against the stack's previous plan (tools/plan.ts with --diff).
import { describe, expect, it } from "vitest";
import { defaultMaxConnections } from "../../config/capacity";
import { PreviousTenant, previousTenants, tierChangeProblems } from "../../config/rules-move";
import { expectProblem, parseStack, problemsOf } from "../helpers/config";
import * as stacks from "../fixtures/stacks";

const DIGEST = "ab".repeat(32);
/** production() with initech (index 2, standard) moving to enterprise at `move`. */
const moving =
  (move: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  (raw: Record<string, any>) =>
    Object.assign(raw.tenants[2], { tier: "enterprise", move, ...extra });

describe("the move block", () => {
  it("accepts each step of a move across isolation models", () => {
    for (const move of [
      { from: "standard", step: "copy" },
      { from: "standard", step: "switch", verified: DIGEST },
      { from: "standard", step: "retire", verified: DIGEST },
    ]) {
      const config = parseStack(stacks.production(), moving(move));
      expect(config.tenants[2].move).toEqual(move);
    }
  });

  it("refuses a typo: an unknown key, step or tier is named, nothing starts", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.tenants[2].mvoe = { from: "standard", step: "copy" }),
      "platform:tenants[2].mvoe",
      'did you mean "move"',
    );
    expectProblem(
      stacks.production(),
      moving({ from: "standard", step: "cpoy" }),
      "platform:tenants[2].move.step",
      'allowed: "copy", "switch", "retire"',
    );
    expectProblem(
      stacks.production(),
      moving({ from: "standrd", step: "copy" }),
      "platform:tenants[2].move.from",
      'allowed: "free", "standard", "enterprise"',
    );
    expectProblem(
      stacks.production(),
      moving({ from: "standard", step: "copy", force: true }),
      "platform:tenants[2].move.force",
      "unknown key",
    );
  });

  it("refuses a move within one isolation model: pooled tiers change limits only", () => {
    expectProblem(
      stacks.production(),
      (raw) => Object.assign(raw.tenants[2], { tier: "free", move: { from: "standard", step: "copy" } }),
      "platform:tenants[2].move.from",
      "that is no move",
    );
  });

  it.each(["suspended", "offboarded", "deleted"])("refuses to move a %s tenant", (state) => {
    expectProblem(
      stacks.production(),
      moving({ from: "standard", step: "copy" }, { state }),
      "platform:tenants[2].move",
      `only an active tenant moves (the state is "${state}")`,
    );
  });

  it("requires the verification digest from the switch on, and refuses it before the copy ran", () => {
    expectProblem(
      stacks.production(),
      moving({ from: "standard", step: "switch" }),
      "platform:tenants[2].move.verified",
      "TENANT_MOVE_OK",
    );
    expectProblem(
      stacks.production(),
      moving({ from: "standard", step: "copy", verified: DIGEST }),
      "platform:tenants[2].move.verified",
      "has not run yet",
    );
    expectProblem(
      stacks.production(),
      moving({ from: "standard", step: "switch", verified: "ok" }),
      "platform:tenants[2].move.verified",
      "64-hex-digit",
    );
  });

  it("refuses a move to a dedicated tier whose guaranteed connections do not fit max_connections", () => {
    // prod fixture: 200 (platform pool) + acme 50 + globex 50 + wayne-ent 80 guaranteed; make initech's target too big.
    const room = defaultMaxConnections("db.r6g.xlarge")! - 3 - 380;
    const error = expectProblem(
      stacks.production(),
      moving({ from: "standard", step: "copy" }, { connectionLimit: room + 1 }),
      "platform:tenants[2].move",
      `moving initech to "enterprise" guarantees it ${room + 1} connections`,
    );
    expect(error.problems.map((p) => p.key)).toContain("platform:tenants"); // the fleet-wide capacity rule agrees
    expect(problemsOf({ ...stacks.production() })).toEqual([]);
  });
});

describe("the move against the previous plan (tools/plan.ts --diff)", () => {
  const tenant = (tier: string, move?: Record<string, string>) => [{ id: "initech", tier, move } as any];
  const before = (tier: string, move?: PreviousTenant["move"]) => ({ initech: { tier, move } as PreviousTenant });
  const keysOf = (problems: ReturnType<typeof tierChangeProblems>) => problems.map((p) => `${p.key}: ${p.message}`);

  it("refuses a tier change across isolation models without a move, naming the procedure", () => {
    const [problem] = tierChangeProblems(tenant("enterprise"), before("standard"));
    expect(problem.key).toBe("platform:tenants[0].tier");
    expect(problem.message).toContain('docs/tenants.md, "Changing tier"');
    expect(problem.message).toContain("move: { from: standard, step: copy }");
    expect(tierChangeProblems(tenant("free"), before("standard"))).toEqual([]); // pooled ↔ pooled: limits only
    expect(tierChangeProblems(tenant("enterprise"), {})).toEqual([]); // onboarding
  });

  it("walks copy → switch → retire → removed, one step per commit", () => {
    const walk: [string, PreviousTenant["move"] | undefined, Record<string, string> | undefined][] = [
      ["standard", undefined, { from: "standard", step: "copy" }],
      ["enterprise", { from: "standard", step: "copy" }, { from: "standard", step: "switch" }],
      ["enterprise", { from: "standard", step: "switch" }, { from: "standard", step: "retire" }],
      ["enterprise", { from: "standard", step: "retire" }, undefined],
      ["enterprise", { from: "standard", step: "copy" }, { from: "standard", step: "copy" }], // re-planned
    ];
    for (const [tier, was, now] of walk)
      expect(tierChangeProblems(tenant("enterprise", now), before(tier, was))).toEqual([]);
  });

  it("refuses a skipped step: switching without a copy, retiring before the switch, dropping before the retire", () => {
    expect(
      keysOf(tierChangeProblems(tenant("enterprise", { from: "standard", step: "switch" }), before("standard"))),
    ).toEqual([
      expect.stringMatching(
        /^platform:tenants\[0\]\.move\.step: initech has no move in progress: the next reviewed step is "copy"/,
      ),
    ]);
    expect(
      keysOf(
        tierChangeProblems(
          tenant("enterprise", { from: "standard", step: "retire" }),
          before("enterprise", { from: "standard", step: "copy" }),
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^platform:tenants\[0\]\.move\.step: initech's move is at step "copy": the next reviewed step is "switch"/,
      ),
    ]);
    expect(
      keysOf(tierChangeProblems(tenant("enterprise"), before("enterprise", { from: "standard", step: "switch" }))),
    ).toEqual([
      expect.stringMatching(
        /^platform:tenants\[0\]\.move: initech's move is at step "switch": the next reviewed step is "retire"/,
      ),
    ]);
  });

  it("refuses a move that does not start where the data is, and a second move while one runs", () => {
    // Data in a schema (standard); a move "from enterprise" would copy from a database that does not exist.
    expect(
      keysOf(
        tierChangeProblems(
          [{ id: "initech", tier: "standard", move: { from: "enterprise", step: "copy" } } as any],
          before("standard"),
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^platform:tenants\[0\]\.move\.from: initech's data lives in a schema in the shared database \(standard\)/,
      ),
    ]);
    // Mid-move back to a pooled tier: the tier stays until the move is done.
    expect(
      keysOf(
        tierChangeProblems(
          tenant("standard", { from: "enterprise", step: "copy" }),
          before("enterprise", { from: "standard", step: "copy" }),
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^platform:tenants\[0\]\.move\.from: a move of initech from "standard" is in progress \(step copy\): one move per tenant at a time/,
      ),
    ]);
  });

  it("reads the previous tenants from a plan's stack outputs", () => {
    expect(
      previousTenants({
        tenants: {
          initech: { tier: "enterprise", state: "active", move: { from: "standard", step: "copy" } },
          acme: { tier: "enterprise", state: "active" },
        },
      }),
    ).toEqual({
      initech: { tier: "enterprise", move: { from: "standard", step: "copy" } },
      acme: { tier: "enterprise" },
    });
    expect(previousTenants(undefined)).toEqual({});
  });
});
