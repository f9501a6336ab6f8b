// Cross-field rules for tenants and the tenancy role: unique ids, state/tier combinations, the ElastiCache
// user-group limit, and what a shard or platform stack holds.
import { ConfigProblem, showValue } from "./errors";
import { hasRedisUser } from "./tenants";
import { ParsedSections, key, showList } from "./rules-common";

/** ElastiCache allows 100 users per user group; the disabled `default` user and the platform user take two. */
export const MAX_TENANT_REDIS_USERS = 98;

export function tenantProblems({ tenants, redis, workers }: ParsedSections): ConfigProblem[] {
  if (!tenants) return [];
  const problems: ConfigProblem[] = [];
  const firstIndex = new Map<string, number>();
  tenants.forEach((tenant, i) => {
    const seen = firstIndex.get(tenant.id);
    if (seen !== undefined) {
      problems.push({
        key: key("tenants", i, "id"),
        value: showValue(tenant.id),
        message: `duplicate tenant id: already used by platform:tenants[${seen}]; tenant ids must be unique`,
      });
    } else firstIndex.set(tenant.id, i);
    if (tenant.deleteData && tenant.state !== "deleted") {
      problems.push({
        key: key("tenants", i, "deleteData"),
        value: "true",
        message: `allowed only with state "deleted" (the state is "${tenant.state}")`,
      });
    }
    if (tenant.dedicatedWorkers && tenant.tier !== "enterprise") {
      problems.push({
        key: key("tenants", i, "dedicatedWorkers"),
        value: "true",
        message: `allowed only for tier "enterprise" (the tier is "${tenant.tier}")`,
      });
    } else if (tenant.dedicatedWorkers && workers && Object.keys(workers).length === 0) {
      problems.push({
        key: key("tenants", i, "dedicatedWorkers"),
        value: "true",
        message: 'needs a worker pool in platform:workers to copy (the pool named "default", else the first)',
      });
    }
  });
  if (redis) {
    const users = tenants.filter((t) => hasRedisUser(t, redis.tenantUserTiers));
    if (users.length > MAX_TENANT_REDIS_USERS) {
      const excess = users.slice(MAX_TENANT_REDIS_USERS).map((t) => t.id);
      problems.push({
        key: key("tenants"),
        value: `${users.length} tenants with Redis users`,
        message:
          `an ElastiCache user group holds at most 100 users, ${MAX_TENANT_REDIS_USERS} of them for tenants (the disabled "default" user and the platform user take two); ` +
          `${excess.length} too many (${showList(excess)}). Split tenants across stacks, narrow platform:redis.tenantUserTiers (now ${JSON.stringify(redis.tenantUserTiers)}) or set redisUser: false on some entries`,
      });
    }
  }
  return problems;
}

/** What each `platform:tenancy.role` needs and refuses (docs/shards.md). */
export function tenancyProblems({ tenancy, tenants }: ParsedSections): ConfigProblem[] {
  if (!tenancy) return [];
  const problems: ConfigProblem[] = [];
  if (tenancy.role === "shard") {
    if (!tenancy.platformStack)
      problems.push({
        key: key("tenancy", "platformStack"),
        message:
          'required for a tenant shard: the platform stack whose data tier its tenants use, e.g. "acme-org/platform/prod"',
      });
    if (!tenancy.shard)
      problems.push({
        key: key("tenancy", "shard"),
        message:
          'required for a tenant shard: its name, a DNS label such as "a" (the stack file is Pulumi.<platform>-tenants-<shard>.yaml)',
      });
    if (tenants && tenants.length === 0)
      problems.push({
        key: key("tenants"),
        value: "[]",
        message:
          "a tenant shard holds at least one tenant; delete the stack (after moving its tenants) instead of keeping an empty shard",
      });
    if (tenants && tenants.length > tenancy.maxTenantsPerShard) {
      problems.push({
        key: key("tenants"),
        value: `${tenants.length} tenants`,
        message: `a shard holds at most platform:tenancy.maxTenantsPerShard = ${tenancy.maxTenantsPerShard} tenants (${tenants.length - tenancy.maxTenantsPerShard} too many: ${showList(tenants.slice(tenancy.maxTenantsPerShard).map((t) => t.id))}); add them to another shard or start a new one (docs/shards.md)`,
      });
    }
    return problems;
  }
  for (const field of ["platformStack", "shard"] as const) {
    if (tenancy[field] !== undefined)
      problems.push({
        key: key("tenancy", field),
        value: showValue(tenancy[field]),
        message: `only for role "shard" (the role is "${tenancy.role}")`,
      });
  }
  if (tenancy.role === "platform" && tenants && tenants.length > 0) {
    problems.push({
      key: key("tenants"),
      value: `${tenants.length} tenants`,
      message:
        'a platform stack (platform:tenancy.role "platform") holds no tenants: move them to tenant shards (docs/shards.md), or use role "single"',
    });
  }
  return problems;
}
