import { describe, expect, it } from "vitest";
import { MAX_TENANT_REDIS_USERS, connectionBudget } from "../../config/rules";
import { defaultMaxConnections } from "../../config/capacity";
import { tenantKeyPatternProblem } from "../../config/data";
import { parsedConfig as parsed, problemsOf } from "../helpers/config";
import * as stacks from "../fixtures/stacks";

type Entry = Record<string, unknown>;
const tenantsOf = (n: number, entry: (i: number) => Entry) =>
  Array.from({ length: n }, (_, i) => ({ name: `Tenant ${i}`, ...entry(i) }));

function prodWith(mutate: (c: Record<string, any>) => void) {
  const config = stacks.production();
  mutate(config);
  return config;
}

describe("tenant connection capacity", () => {
  // prod: db.r6g.xlarge (32 GiB) → RDS default max_connections, 3 reserved, platform pool 200.
  const max = defaultMaxConnections("db.r6g.xlarge")!;

  it("counts the platform pool and enterprise limits as guaranteed, pooled tiers as caps that may overcommit", () => {
    const budget = connectionBudget(parsed(stacks.production()));
    // acme 50 + globex 50 + wayne-ent 80 (override); standard 20 ×3 (hooli suspended still counts), free 5 ×2.
    expect(budget).toMatchObject({ maxConnections: max, guaranteed: 200 + 50 + 50 + 80, pooledCaps: 20 * 3 + 5 * 2 });
    expect(budget.overcommitRatio).toBeCloseTo((380 + 70) / max, 5);
  });

  it("fails when guaranteed connections exceed max_connections, naming the tenants (largest first) and the numbers", () => {
    const room = max - 3 - 200; // what the instance leaves for dedicated tenants
    const count = Math.floor(room / 50) + 1;
    const problems = problemsOf(
      prodWith(
        (c) =>
          (c["platform:tenants"] = tenantsOf(count, (i) => ({
            id: `ent-${i}`,
            tier: "enterprise",
            connectionLimit: i === 3 ? 60 : 50,
          }))),
      ),
    );
    const guaranteed = 200 + count * 50 + 10;
    expect(problems).toEqual([
      {
        key: "platform:tenants",
        value: `"${guaranteed} guaranteed connections"`.slice(1, -1),
        message: expect.stringContaining(
          `guaranteed connections ${guaranteed} exceed db.r6g.xlarge's max_connections ${max} less 3 reserved (${max - 3}) by ${guaranteed - max + 3}: platform pool 200 + ${count} dedicated tenants (ent-3=60, ent-0=50, ent-1=50`,
        ),
      },
    ]);
    expect(problems[0].message).toContain("Use a larger platform:database.instanceClass");
  });

  it("lets pooled tiers overcommit freely", () => {
    const config = prodWith(
      (c) => (c["platform:tenants"] = tenantsOf(400, (i) => ({ id: `std-${i}`, tier: "standard" }))),
    );
    expect(problemsOf(config)).toEqual([]);
    expect(connectionBudget(parsed(config)).overcommitRatio).toBeGreaterThan(2);
  });

  it("does not count offboarded or deleted enterprise tenants (their roles never log in again)", () => {
    const count = Math.floor((max - 3 - 200) / 50) + 1;
    const config = prodWith(
      (c) =>
        (c["platform:tenants"] = tenantsOf(count, (i) => ({
          id: `ent-${i}`,
          tier: "enterprise",
          state: i === 0 ? "offboarded" : "active",
        }))),
    );
    expect(problemsOf(config)).toEqual([]);
    expect(connectionBudget(parsed(config)).guaranteedTenants.map((t) => t.id)).not.toContain("ent-0");
  });

  it("asks for maxConnections when the instance class is unknown", () => {
    const problems = problemsOf(prodWith((c) => (c["platform:database"].instanceClass = "db.z9q.mega")));
    expect(problems).toContainEqual(
      expect.objectContaining({
        key: "platform:database.instanceClass",
        message: expect.stringContaining("set platform:database.maxConnections"),
      }),
    );
  });
});

describe("tenant Redis users", () => {
  const bigDatabase = (c: Record<string, any>) => (c["platform:database"].maxConnections = 262143);
  // The Redis exporter's own user takes one of the 100 places (config/monitoring.ts); these cases count tenants only.
  const noRedisExporter = (c: Record<string, any>) =>
    (c["platform:monitoring"] = { redisExporter: { enabled: false } });

  it(`allows ${MAX_TENANT_REDIS_USERS} tenant users in the platform's user group and refuses one more, naming the excess`, () => {
    const fits = prodWith((c) => {
      bigDatabase(c);
      noRedisExporter(c);
      c["platform:tenants"] = tenantsOf(MAX_TENANT_REDIS_USERS, (i) => ({ id: `ent-${i}`, tier: "enterprise" }));
    });
    expect(problemsOf(fits)).toEqual([]);
    const over = prodWith((c) => {
      bigDatabase(c);
      c["platform:tenants"] = tenantsOf(MAX_TENANT_REDIS_USERS + 2, (i) => ({ id: `ent-${i}`, tier: "enterprise" }));
    });
    const problems = problemsOf(over);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ key: "platform:tenants", value: "100 tenants with Redis users" });
    expect(problems[0].message).toMatch(
      /holds at most 100 users, 98 of them for tenants .*; 2 too many \(ent-98, ent-99\)/,
    );
    expect(problems[0].message).toContain('narrow platform:redis.tenantUserTiers (now ["enterprise"])');
  });

  it("counts redisUser overrides both ways and skips deleted tenants", () => {
    const config = prodWith((c) => {
      bigDatabase(c);
      noRedisExporter(c);
      c["platform:tenants"] = [
        ...tenantsOf(MAX_TENANT_REDIS_USERS, (i) => ({ id: `std-${i}`, tier: "standard", redisUser: true })),
        { id: "big-one", name: "Big", tier: "enterprise", redisUser: false },
        { id: "gone-one", name: "Gone", tier: "enterprise", state: "deleted", exportWaived: "no data to return" },
      ];
    });
    expect(problemsOf(config)).toEqual([]);
  });
});

describe("deleting a tenant records its export (config/rules-lifecycle.ts)", () => {
  const EXPORT = "s3://platform-backups-prod/production/offboarding/hooli/app/20261120T020000Z.dump";
  const withHooli = (entry: Record<string, unknown>, environment = "production") =>
    problemsOf(
      prodWith((c) => {
        c["platform:environment"] = environment;
        Object.assign(
          c["platform:tenants"].find((t: { id: string }) => t.id === "hooli"),
          entry,
        );
      }),
    ).filter((p) => p.key.startsWith("platform:tenants[4]"));

  it("refuses suspended → deleted without an export in production, naming both ways out", () => {
    const problems = withHooli({ state: "deleted" });
    expect(problems.map((p) => p.key)).toEqual(["platform:tenants[4].state"]);
    expect(problems[0].message).toMatch(/state: offboarded first .*exportedTo: .*EXPORT_OK.*exportWaived: <reason>/);
  });

  it("accepts a deletion with the export's key, or with a reason it was waived", () => {
    expect(withHooli({ state: "deleted", exportedTo: EXPORT })).toEqual([]);
    expect(withHooli({ state: "deleted", exportWaived: "customer waived the data return in writing" })).toEqual([]);
  });

  it("asks nothing outside production", () => {
    expect(withHooli({ state: "deleted" }, "staging")).toEqual([]);
  });

  it.each([
    ["another tenant's export", { state: "deleted", exportedTo: EXPORT.replace("/hooli/", "/acme/") }, "exportedTo"],
    ["an export before offboarding", { state: "suspended", exportedTo: EXPORT }, "exportedTo"],
    ["a waiver before deletion", { state: "offboarded", exportWaived: "no data to return at all" }, "exportWaived"],
    ["both", { state: "deleted", exportedTo: EXPORT, exportWaived: "no data to return at all" }, "exportWaived"],
    ["a waiver without a reason", { state: "deleted", exportWaived: "no" }, "exportWaived"],
  ])("refuses %s", (_case, entry, field) => {
    expect(withHooli(entry).map((p) => p.key)).toContain(`platform:tenants[4].${field}`);
  });
});

describe("tenant entries and key patterns", () => {
  const patternCases: Array<[string, string[], RegExp]> = [
    ["no placeholder", ["session:*"], /exactly one "\{id\}"/],
    ["two placeholders", ["s:{id}:{id}"], /exactly one "\{id\}"/],
    ["glob before the id", ["*:{id}:*"], /literal ending in a separator/],
    ["no prefix", ["{id}:*"], /literal ending in a separator/],
    ["id not followed by a separator", ["session:{id}*"], /"acme" would match the keys of "acme-labs"/],
    ["prefix overlapping the tenant prefix", ["tenant:x:{id}:*"], /overlap/],
    ["prefixes overlapping each other", ["s:{id}:*", "s:x:{id}:*"], /overlap/],
    ["a space", ["session:{id}:* ~*"], /without spaces/],
  ];
  it.each(patternCases)("refuses a tenant key pattern with %s", (_title, patterns, message) => {
    const problems = problemsOf(prodWith((c) => (c["platform:redis"].tenantKeyPatterns = patterns)));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].key).toMatch(/^platform:redis\.tenantKeyPatterns\[\d\]$/);
    expect(problems.map((p) => p.message).join("\n")).toMatch(message);
  });

  it("accepts the usual layouts", () => {
    for (const pattern of ["session:{id}:*", "queue:{id}", "bull:{id}:*", "cache/{id}/*"])
      expect(tenantKeyPatternProblem(pattern, []), pattern).toBeUndefined();
  });

  it("refuses a tenant id with consecutive hyphens (ElastiCache user ids refuse them)", () => {
    const problems = problemsOf(
      prodWith((c) => c["platform:tenants"].push({ id: "acme--eu", name: "Acme EU", tier: "standard" })),
    );
    expect(problems).toEqual([
      { key: "platform:tenants[8].id", value: '"acme--eu"', message: expect.stringContaining('no "--"') },
    ]);
  });
});
