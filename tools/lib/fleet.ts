// Fleet-wide validation: every stack file of the repo (or a directory), grouped into fleets (a platform stack and the
// tenant shards that reference it). Per-stack rules live in config/index.ts; these span stacks (docs/shards.md).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, PlatformConfig, parsePlatformConfig, rawPlatformConfig } from "../../config";
import { MAX_TENANT_REDIS_USERS, connectionBudget } from "../../config/rules";
import { parseStackName } from "../../config/tenancy";
import { hasRedisUser } from "../../config/tenants";
import { readStackFile } from "@platform/offline-plan";
import { stackFileReader } from "../../program/stack-files";

export interface FleetProblem {
  /** Stacks involved, by name (`prod`, `prod-tenants-a`). */
  stacks: string[];
  /** Tenant ids involved, when the problem is about tenants. */
  tenants: string[];
  message: string;
}

export interface FleetStack {
  stack: string;
  file: string;
  config: PlatformConfig;
}

export interface Fleet {
  /** The stack that owns the data tier (role single or platform). */
  platform: FleetStack;
  shards: FleetStack[];
}

export interface FleetReport {
  fleets: Fleet[];
  problems: FleetProblem[];
}

/** Stack names of `Pulumi.<stack>.yaml` files in a directory, sorted. */
export function stackFilesIn(dir: string): { stack: string; file: string }[] {
  return readdirSync(dir)
    .map((f) => ({ stack: /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1], file: join(dir, f) }))
    .filter((s): s is { stack: string; file: string } => s.stack !== undefined)
    .sort((a, b) => a.stack.localeCompare(b.stack));
}

const list = (names: readonly string[], max = 20) =>
  names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;

/** Validates every stack file in `dir` one by one, then each fleet as a whole. */
export function validateFleet(dir: string, project: string): FleetReport {
  const problems: FleetProblem[] = [];
  const stacks: FleetStack[] = [];
  for (const { stack, file } of stackFilesIn(dir)) {
    try {
      const { config: flat, secretKeys } = readStackFile(file, project);
      const { raw, awsRegion } = rawPlatformConfig(flat);
      stacks.push({
        stack,
        file,
        config: parsePlatformConfig(raw, awsRegion, { secretKeys, readStack: stackFileReader(dir) }),
      });
    } catch (error) {
      const message =
        error instanceof ConfigError ? error.message : `not a valid stack file: ${(error as Error).message}`;
      problems.push({ stacks: [stack], tenants: [], message: `${stack}: ${message}` });
    }
  }

  const byName = new Map(stacks.map((s) => [s.stack, s]));
  const fleets = new Map<string, Fleet>();
  for (const s of stacks) if (s.config.tenancy.role !== "shard") fleets.set(s.stack, { platform: s, shards: [] });
  for (const s of stacks.filter((x) => x.config.tenancy.role === "shard")) {
    const reference = parseStackName(s.config.tenancy.platformStack!);
    const target = byName.get(reference.stack);
    if (reference.project !== project || !target) {
      problems.push({
        stacks: [s.stack],
        tenants: [],
        message: `${s.stack}: platform:tenancy.platformStack "${s.config.tenancy.platformStack}" names no stack of project ${project} in this repo (no Pulumi.${reference.stack}.yaml)`,
      });
    } else if (target.config.tenancy.role === "shard") {
      problems.push({
        stacks: [s.stack, target.stack],
        tenants: [],
        message: `${s.stack}: platform:tenancy.platformStack "${s.config.tenancy.platformStack}" is itself a tenant shard; reference the platform stack`,
      });
    } else fleets.get(target.stack)!.shards.push(s);
  }
  for (const fleet of fleets.values()) problems.push(...fleetProblems(fleet));
  return { fleets: [...fleets.values()], problems };
}

/**
 * The fleet's guaranteed PostgreSQL connections: every stack's dedicated tenants connect to the platform stack's one
 * instance, so the platform pool and all of their limits must fit its max_connections (each stack alone checks only
 * its own tenants).
 */
export function fleetConnectionBudget(fleet: Fleet) {
  const members = [fleet.platform, ...fleet.shards];
  const budget = connectionBudget({
    database: fleet.platform.config.database,
    tenants: members.flatMap((s) => s.config.tenants),
  });
  const stackOf = new Map(members.flatMap((s) => s.config.tenants.map((t) => [t.id, s.stack] as const)));
  const perStack = members.map((s) => ({
    stack: s.stack,
    connections: budget.guaranteedTenants
      .filter((t) => stackOf.get(t.id) === s.stack)
      .reduce((sum, t) => sum + t.connectionLimit, 0),
  }));
  return { ...budget, perStack, stackOf };
}

/** Rules over one fleet: tenant ids unique across its stacks, shard names unique, the shared Redis user group's and database's capacity. */
export function fleetProblems(fleet: Fleet): FleetProblem[] {
  const problems: FleetProblem[] = [];
  const members = [fleet.platform, ...fleet.shards];
  const where = new Map<string, string[]>();
  for (const s of members) {
    s.config.tenants.forEach((t, i) =>
      where.set(t.id, [...(where.get(t.id) ?? []), `${s.stack} (platform:tenants[${i}])`]),
    );
  }
  for (const [id, places] of where) {
    if (places.length > 1) {
      problems.push({
        stacks: places.map((p) => p.split(" ")[0]),
        tenants: [id],
        message: `tenant "${id}" is in ${places.length} stacks of fleet ${fleet.platform.stack}: ${places.join(", ")}; a tenant lives in exactly one stack (remove it from all but one, or move it with pulumi state move: docs/shards.md)`,
      });
    }
  }
  const shardNames = new Map<string, string[]>();
  for (const s of fleet.shards)
    shardNames.set(s.config.tenancy.shard!, [...(shardNames.get(s.config.tenancy.shard!) ?? []), s.stack]);
  for (const [shard, names] of shardNames) {
    if (names.length > 1)
      problems.push({
        stacks: names,
        tenants: [],
        message: `shard name "${shard}" is used by ${names.join(", ")} in fleet ${fleet.platform.stack}: their backup namespaces and jobs would collide; give each shard its own name`,
      });
  }
  // Every shard's tenant users join the platform stack's one ElastiCache user group.
  const users = members.flatMap((s) =>
    s.config.tenants
      .filter((t) => hasRedisUser(t, s.config.redis.tenantUserTiers))
      .map((t) => ({ stack: s.stack, id: t.id })),
  );
  if (users.length > MAX_TENANT_REDIS_USERS) {
    const perStack = members.map((s) => `${s.stack} ${users.filter((u) => u.stack === s.stack).length}`).join(", ");
    const excess = users.slice(MAX_TENANT_REDIS_USERS);
    problems.push({
      stacks: [...new Set(users.map((u) => u.stack))],
      tenants: excess.map((u) => u.id),
      message:
        `fleet ${fleet.platform.stack} has ${users.length} tenant Redis users (${perStack}); they all join the platform's ElastiCache user group, which holds ${MAX_TENANT_REDIS_USERS} tenants ` +
        `(100 users less the disabled "default" user and the platform user): ${excess.length} too many (${list(excess.map((u) => `${u.id} in ${u.stack}`))}). ` +
        "Narrow platform:redis.tenantUserTiers or set redisUser: false on some entries",
    });
  }
  const budget = fleetConnectionBudget(fleet);
  if (fleet.shards.length > 0 && !Number.isNaN(budget.maxConnections) && budget.guaranteed > budget.available) {
    const largestFirst = [...budget.guaranteedTenants].sort((a, b) => b.connectionLimit - a.connectionLimit);
    problems.push({
      stacks: budget.perStack.filter((s) => s.connections > 0).map((s) => s.stack),
      tenants: largestFirst.map((t) => t.id),
      message:
        `fleet ${fleet.platform.stack} guarantees ${budget.guaranteed} PostgreSQL connections on ${fleet.platform.stack}'s instance: platform pool ${fleet.platform.config.database.platformPoolConnections} + dedicated tenants ` +
        `(${budget.perStack.map((s) => `${s.stack} ${s.connections}`).join(", ")}), against ${fleet.platform.config.database.instanceClass}'s max_connections ${budget.maxConnections} less ${budget.reserved} reserved (${budget.available}): ` +
        `${budget.guaranteed - budget.available} too many (largest: ${list(
          largestFirst.map((t) => `${t.id}=${t.connectionLimit} in ${budget.stackOf.get(t.id)}`),
          10,
        )}). ` +
        `Use a larger platform:database.instanceClass in ${fleet.platform.stack}, lower connectionLimit on entries, or give some dedicated tenants a data tier of their own`,
    });
  }
  return problems;
}

/** A few lines per fleet: its stacks, tenants per stack, Redis users against the user group's capacity. */
export function fleetPreview(report: FleetReport): string {
  const lines = report.fleets.map((fleet) => {
    const members = [fleet.platform, ...fleet.shards];
    const tenants = members.reduce((sum, s) => sum + s.config.tenants.length, 0);
    const redisUsers = members.reduce(
      (sum, s) => sum + s.config.tenants.filter((t) => hasRedisUser(t, s.config.redis.tenantUserTiers)).length,
      0,
    );
    const shards = fleet.shards.map(
      (s) => `${s.stack} ${s.config.tenants.length}/${s.config.tenancy.maxTenantsPerShard}`,
    );
    const budget = fleetConnectionBudget(fleet);
    return `  ${fleet.platform.stack} (${fleet.platform.config.tenancy.role}, ${fleet.platform.config.tenants.length} tenants)${shards.length ? ` + shards ${shards.join(", ")}` : ""}: ${tenants} tenants, ${redisUsers}/${MAX_TENANT_REDIS_USERS} tenant Redis users, ${budget.guaranteed}/${budget.available} guaranteed PostgreSQL connections`;
  });
  return [`Fleet: ${report.fleets.length} fleet(s), ${report.problems.length} problem(s)`, ...lines].join("\n");
}
