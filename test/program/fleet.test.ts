import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { validateFleet } from "../../tools/lib/fleet";
import { PROJECT_ROOT, loadStackConfig } from "../helpers/render";
import { runPlan } from "../helpers/plan-cli";

type Config = Record<string, any>;

/** A directory holding copies of the repo's stack files, with some replaced or added. */
function fleetDir(changes: Record<string, Config> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "fleet-"));
  for (const stack of ["prod", "staging", "prod-tenants-a", "prod-tenants-b"])
    copyFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), join(dir, `Pulumi.${stack}.yaml`));
  for (const [stack, config] of Object.entries(changes))
    writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  return dir;
}
const shard = (stack = "prod-tenants-a", mutate: (c: Config) => void = () => {}) => {
  const config: Config = loadStackConfig(stack);
  mutate(config);
  return config;
};
const tenants = (n: number, prefix: string, entry: Config = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, name: `${prefix} ${i}`, tier: "standard", ...entry }));

describe("fleet validation", () => {
  it("accepts the repo's stacks: prod with its two shards, staging on its own", () => {
    const report = validateFleet(PROJECT_ROOT, "platform");
    expect(report.problems).toEqual([]);
    const prod = report.fleets.find((f) => f.platform.stack === "prod")!;
    expect(prod.shards.map((s) => s.stack)).toEqual(["prod-tenants-a", "prod-tenants-b"]);
  });

  it("refuses a tenant id in two stacks of a fleet, naming both stacks and entries", () => {
    const dir = fleetDir({
      "prod-tenants-b": shard("prod-tenants-b", (c) =>
        c["platform:tenants"].push({ id: "acme", name: "Acme again", tier: "free" }),
      ),
    });
    const problems = validateFleet(dir, "platform").problems;
    expect(problems).toEqual([
      {
        stacks: ["prod", "prod-tenants-b"],
        tenants: ["acme"],
        message: expect.stringContaining(
          'tenant "acme" is in 2 stacks of fleet prod: prod (platform:tenants[0]), prod-tenants-b (platform:tenants[3])',
        ),
      },
    ]);
  });

  it("allows the same tenant id in different fleets (staging and prod are separate data tiers)", () => {
    const dir = fleetDir({
      "prod-tenants-b": shard("prod-tenants-b", (c) =>
        c["platform:tenants"].push({ id: "demo-free", name: "Demo", tier: "free" }),
      ),
    });
    expect(validateFleet(dir, "platform").problems).toEqual([]);
  });

  it("refuses a shard over its size limit (default 100), naming the stack and the tenants over it", () => {
    const dir = fleetDir({
      "prod-tenants-b": shard("prod-tenants-b", (c) => (c["platform:tenants"] = tenants(102, "t", { tier: "free" }))),
    });
    const [problem] = validateFleet(dir, "platform").problems;
    expect(problem.stacks).toEqual(["prod-tenants-b"]);
    expect(problem.message).toContain("platform:tenants");
    expect(problem.message).toContain(
      "a shard holds at most platform:tenancy.maxTenantsPerShard = 100 tenants (2 too many: t-100, t-101)",
    );
  });

  it("counts Redis users fleet-wide against the platform's one user group, naming the stacks and the excess tenants", () => {
    // prod has 4 tenants with Redis users, shard a 2, shard b 1; 60 + 40 enterprise tenants more in two shards
    // (with small connection limits, so only the user group overflows).
    const dir = fleetDir({
      "prod-tenants-a": shard("prod-tenants-a", (c) =>
        c["platform:tenants"].push(...tenants(60, "big", { tier: "enterprise", connectionLimit: 10 })),
      ),
      "prod-tenants-c": shard("prod-tenants-b", (c) => {
        c["platform:tenancy"].shard = "c";
        c["platform:tenants"] = tenants(40, "huge", { tier: "enterprise", connectionLimit: 10 });
      }),
    });
    const problems = validateFleet(dir, "platform").problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].stacks).toEqual(["prod", "prod-tenants-a", "prod-tenants-b", "prod-tenants-c"]);
    expect(problems[0].message).toContain(
      "fleet prod has 107 tenant Redis users (prod 4, prod-tenants-a 62, prod-tenants-b 1, prod-tenants-c 40)",
    );
    expect(problems[0].tenants).toEqual([
      "huge-31",
      "huge-32",
      "huge-33",
      "huge-34",
      "huge-35",
      "huge-36",
      "huge-37",
      "huge-38",
      "huge-39",
    ]);
    expect(problems[0].message).toContain("9 too many (huge-31 in prod-tenants-c");
  });

  it("counts guaranteed PostgreSQL connections fleet-wide against the platform's instance, naming the stacks and the largest tenants", () => {
    // From the stack files: platform pool 200; prod's dedicated tenants acme 50 + globex 50 + wayne-ent 80; shard a's
    // cyberdyne 50 plus 59 × 50 and one of 200 added here; shard b's massive-dynamic 50. 3,630 against 3,241.
    const dir = fleetDir({
      "prod-tenants-a": shard("prod-tenants-a", (c) =>
        c["platform:tenants"].push(...tenants(59, "big", { tier: "enterprise" }), {
          id: "biggest",
          name: "Biggest",
          tier: "enterprise",
          connectionLimit: 200,
        }),
      ),
    });
    const problems = validateFleet(dir, "platform").problems;
    expect(problems).toHaveLength(1);
    expect(problems[0].stacks).toEqual(["prod", "prod-tenants-a", "prod-tenants-b"]);
    expect(problems[0].tenants[0]).toBe("biggest");
    expect(problems[0].tenants).toContain("big-58");
    expect(problems[0].message).toMatch(
      /^fleet prod guarantees 3630 PostgreSQL connections on prod's instance: platform pool 200 \+ dedicated tenants \(prod 180, prod-tenants-a 3200, prod-tenants-b 50\)/,
    );
    expect(problems[0].message).toContain(
      "max_connections 3244 less 3 reserved (3241): 389 too many (largest: biggest=200 in prod-tenants-a",
    );
    // Each stack alone fits: the shard's own config check cannot see the platform's other tenants.
    expect(problems.some((p) => p.message.startsWith("prod-tenants-a:"))).toBe(false);
  });

  it("refuses a shard whose platform stack is not in the repo, and two shards with one name", () => {
    const dir = fleetDir({
      "prod-tenants-x": shard("prod-tenants-b", (c) => {
        c["platform:tenancy"].platformStack = "acme-org/platform/qa";
        c["platform:tenants"] = tenants(1, "lonely");
      }),
      "prod-tenants-a2": shard("prod-tenants-b", (c) => {
        c["platform:tenancy"].shard = "a";
        c["platform:tenants"] = tenants(1, "twin");
      }),
    });
    const messages = validateFleet(dir, "platform").problems.map((p) => p.message);
    expect(messages).toEqual([
      'prod-tenants-x: platform:tenancy.platformStack "acme-org/platform/qa" names no stack of project platform in this repo (no Pulumi.qa.yaml)',
      expect.stringContaining('shard name "a" is used by prod-tenants-a, prod-tenants-a2 in fleet prod'),
    ]);
  });

  it("npm run plan -- --fleet exits 0 on the repo and 2 on a fleet with problems", () => {
    const ok = runPlan(["--fleet"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(
      "prod (single, 8 tenants) + shards prod-tenants-a 4/100, prod-tenants-b 3/100: 15 tenants",
    );
    const dir = fleetDir({
      "prod-tenants-b": shard("prod-tenants-b", (c) =>
        c["platform:tenants"].push({ id: "cyberdyne", name: "Dup", tier: "free" }),
      ),
    });
    const bad = runPlan(["--fleet-dir", dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'fleet: tenant "cyberdyne" is in 2 stacks of fleet prod: prod-tenants-a (platform:tenants[0]), prod-tenants-b (platform:tenants[3])',
    );
  });
});
