import { describe, expect, it } from "vitest";
import { parseStackConfig, problemsOf } from "../helpers/config";
import * as stacks from "../fixtures/stacks";

type Config = Record<string, any>;
const shard = (mutate: (c: Config) => void = () => {}) => {
  const config: Config = stacks.productionShard("a");
  mutate(config);
  return config;
};
const prod = (mutate: (c: Config) => void) => {
  const config: Config = stacks.production();
  mutate(config);
  return config;
};

describe("platform:tenancy", () => {
  it("defaults to a single stack; a production shard needs none of the data-tier sections", () => {
    expect(parseStackConfig(stacks.production()).tenancy).toEqual({ role: "single", maxTenantsPerShard: 100 });
    const config = parseStackConfig(shard());
    expect(config.tenancy).toEqual({
      role: "shard",
      platformStack: "acme-org/platform/prod",
      shard: "a",
      maxTenantsPerShard: 100,
    });
    expect(config.database).toBeUndefined();
    expect(config.network).toBeUndefined();
  });

  it("a shard names its platform stack and itself", () => {
    expect(problemsOf(shard((c) => (c["platform:tenancy"] = { role: "shard" })))).toEqual([
      {
        key: "platform:tenancy.platformStack",
        message: expect.stringContaining(
          'required for a tenant shard: the platform stack whose data tier its tenants use, e.g. "acme-org/platform/prod"',
        ),
      },
      { key: "platform:tenancy.shard", message: expect.stringContaining("required for a tenant shard: its name") },
    ]);
  });

  it("platformStack is fully qualified and the shard name a DNS label", () => {
    const problems = problemsOf(
      shard((c) => Object.assign(c["platform:tenancy"], { platformStack: "prod", shard: "A_1" })),
    );
    expect(problems.map((p) => p.key)).toEqual(["platform:tenancy.platformStack", "platform:tenancy.shard"]);
    expect(problems[0].message).toContain('a fully qualified stack name "<org>/<project>/<stack>"');
  });

  it("a shard holds 1 to maxTenantsPerShard tenants", () => {
    expect(problemsOf(shard((c) => (c["platform:tenants"] = [])))).toEqual([
      {
        key: "platform:tenants",
        value: "[]",
        message: expect.stringContaining("a tenant shard holds at least one tenant"),
      },
    ]);
    const over = problemsOf(shard((c) => (c["platform:tenancy"].maxTenantsPerShard = 3)));
    expect(over).toEqual([
      {
        key: "platform:tenants",
        value: "4 tenants",
        message: expect.stringContaining(
          "at most platform:tenancy.maxTenantsPerShard = 3 tenants (1 too many: oscorp)",
        ),
      },
    ]);
  });

  it("refuses data-tier sections in a shard: they belong to the platform stack", () => {
    const problems = problemsOf(shard((c) => (c["platform:database"] = { instanceClass: "db.r6g.large" })));
    expect(problems).toEqual([
      {
        key: "platform:database",
        message: expect.stringContaining('not used by a tenant shard (platform:tenancy.role "shard")'),
      },
    ]);
  });

  it("a platform stack holds no tenants, and only shards name a platform stack", () => {
    expect(problemsOf(prod((c) => (c["platform:tenancy"] = { role: "platform" })))).toEqual([
      {
        key: "platform:tenants",
        value: "8 tenants",
        message: expect.stringContaining('a platform stack (platform:tenancy.role "platform") holds no tenants'),
      },
    ]);
    expect(problemsOf(prod((c) => (c["platform:tenancy"] = { platformStack: "acme-org/platform/prod" })))).toEqual([
      {
        key: "platform:tenancy.platformStack",
        value: '"acme-org/platform/prod"',
        message: 'only for role "shard" (the role is "single")',
      },
    ]);
  });
});
