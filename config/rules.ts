import type { PlatformConfig } from "./sections";
import { Environment } from "./common";
import { effectiveMaxConnections } from "./capacity";
import { ConfigProblem, keyName, showValue } from "./errors";
import type { TenancyRole } from "./tenancy";
import { hasRedisUser, holdsGuaranteedConnections, tenantConnectionLimit } from "./tenants";
import { restoreKey } from "./restore";
import { toolImageProblems } from "./workloads";

type Partial_ = Partial<PlatformConfig> & { environment: Environment };
const key = (...path: (string | number)[]) => keyName("platform", path);

/** ElastiCache allows 100 users per user group; the disabled `default` user and the platform user take two. */
export const MAX_TENANT_REDIS_USERS = 98;

/** Rules that involve more than one field. Each runs only when the sections it reads parsed cleanly. */
export function crossFieldProblems(
  config: Partial_,
  role: TenancyRole = config.tenancy?.role ?? "single",
): ConfigProblem[] {
  const shard = role === "shard";
  return [
    ...tenancyProblems(config),
    ...tenantProblems(config),
    ...workerProblems(config, shard),
    ...dataProblems(config),
    ...alertProblems(config),
    ...capacityProblems(config),
    ...backupProblems(config, shard),
    ...toolImageProblems(config),
    ...operationsProblems(config),
  ];
}

function tenantProblems({ tenants, redis, workers }: Partial_): ConfigProblem[] {
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
function tenancyProblems({ tenancy, tenants }: Partial_): ConfigProblem[] {
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

function workerProblems({ workers, environment }: Partial_, shard: boolean): ConfigProblem[] {
  if (!workers) return [];
  const problems: ConfigProblem[] = [];
  if (environment === "production" && Object.keys(workers).length === 0 && !shard) {
    problems.push({ key: key("workers"), value: "{}", message: "production needs at least one worker pool" });
  }
  for (const [name, pool] of Object.entries(workers)) {
    if (pool.minReplicas > pool.maxReplicas) {
      problems.push({
        key: key("workers", name, "minReplicas"),
        value: String(pool.minReplicas),
        message: `must be ≤ maxReplicas (${pool.maxReplicas})`,
      });
    }
    if (pool.minReplicas < 1) {
      problems.push({
        key: key("workers", name, "minReplicas"),
        value: String(pool.minReplicas),
        message:
          "must be at least 1: the HPA cannot scale a pool up from 0 (stop a pool with maintenance mode instead)",
      });
    } else if (environment === "production" && pool.minReplicas < 2) {
      problems.push({
        key: key("workers", name, "minReplicas"),
        value: String(pool.minReplicas),
        message: "production keeps at least 2 replicas so one node loss or rollout does not stop the pool",
      });
    }
  }
  return problems;
}

function dataProblems({ database, redis, dr, environment, region }: Partial_): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (database) {
    if (database.maxAllocatedStorageGb !== undefined && database.maxAllocatedStorageGb < database.allocatedStorageGb) {
      problems.push({
        key: key("database", "maxAllocatedStorageGb"),
        value: String(database.maxAllocatedStorageGb),
        message: `must be ≥ allocatedStorageGb (${database.allocatedStorageGb}) — it is the ceiling storage autoscaling may grow to`,
      });
    }
    if (database.allowSingleAz && !database.singleAzReason) {
      problems.push({
        key: key("database", "singleAzReason"),
        message: "required when allowSingleAz is true: say why this stack may run without a standby",
      });
    }
    if (environment === "production" && !database.multiAz && !database.allowSingleAz) {
      problems.push({
        key: key("database", "multiAz"),
        value: "false",
        message: "production requires Multi-AZ; set allowSingleAz: true with a singleAzReason to accept the risk",
      });
    }
    if (database.adminPort !== undefined && database.adminHost === undefined) {
      problems.push({
        key: key("database", "adminPort"),
        value: String(database.adminPort),
        message: "only together with adminHost (the tunnel address)",
      });
    }
    if (environment === "production" && database.skipFinalSnapshot) {
      problems.push({
        key: key("database", "skipFinalSnapshot"),
        value: "true",
        message: "production always takes a final snapshot before the instance is deleted; remove this key",
      });
    }
    if (database.replicateBackupsToDr && !dr) {
      problems.push({
        key: key("database", "replicateBackupsToDr"),
        value: "true",
        message: 'needs a "platform:dr" section naming the region to replicate automated backups to',
      });
    }
    problems.push(...parameterProblems(database.parameters));
    const pit = database.restore && "pointInTime" in database.restore ? database.restore.pointInTime : undefined;
    if (pit && (pit.time === undefined) === (pit.useLatestRestorableTime !== true)) {
      problems.push({
        key: key("database", "restore", "pointInTime"),
        value: showValue(pit),
        message: "give exactly one of time or useLatestRestorableTime: true",
      });
    }
  }
  if (redis && environment === "production" && redis.replicasPerShard < 1) {
    problems.push({
      key: key("redis", "replicasPerShard"),
      value: String(redis.replicasPerShard),
      message: "production needs at least 1 replica for automatic failover and Multi-AZ",
    });
  }
  if (redis && environment === "production" && redis.snapshotRetentionDays < 1) {
    problems.push({
      key: key("redis", "snapshotRetentionDays"),
      value: String(redis.snapshotRetentionDays),
      message: "production keeps at least 1 daily snapshot of the job queues; allowed: 1–35",
    });
  }
  if (dr && region && dr.region === region) {
    problems.push({
      key: key("dr", "region"),
      value: showValue(dr.region),
      message: `must differ from the stack's region aws:region (${region}): a disaster takes out the whole region`,
    });
  }
  return problems;
}

/** Config-given PostgreSQL parameters may add to the guarantees of the parameter group, never weaken them. */
function parameterProblems(parameters: Record<string, string | number>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const forceSsl = parameters["rds.force_ssl"];
  if (forceSsl !== undefined && String(forceSsl) !== "1") {
    problems.push({
      key: key("database", "parameters", "rds.force_ssl"),
      value: showValue(forceSsl),
      message: "the platform requires TLS for every connection; remove this parameter (it is always 1)",
    });
  }
  const preload = parameters.shared_preload_libraries;
  if (
    preload !== undefined &&
    !String(preload)
      .split(",")
      .map((s) => s.trim())
      .includes("pg_stat_statements")
  ) {
    problems.push({
      key: key("database", "parameters", "shared_preload_libraries"),
      value: showValue(preload),
      message:
        'must include "pg_stat_statements" (slow-query analysis depends on it), e.g. "pg_stat_statements,auto_explain"',
    });
  }
  return problems;
}

function alertProblems({ alerts }: Partial_): ConfigProblem[] {
  if (!alerts) return [];
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(alerts)) {
    if (value && typeof value === "object" && "warning" in value && "critical" in value) {
      const { warning, critical } = value as { warning: number; critical: number };
      if (warning >= critical) {
        problems.push({
          key: key("alerts", name, "warning"),
          value: String(warning),
          message: `must be below critical (${critical})`,
        });
      }
    }
  }
  return problems;
}

/** At most this many names in a message; the rest are counted. */
const showList = (names: readonly string[], max = 20) =>
  names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;

/**
 * The PostgreSQL connection budget. Guaranteed: the platform pool plus the limits of guaranteed-tier (dedicated)
 * tenants whose role may log in (active or suspended). Pooled caps: limits of pooled tiers, which may overcommit
 * (they share what is left). `overcommitRatio` = all limits together / max_connections.
 */
export function connectionBudget(config: Pick<PlatformConfig, "database" | "tenants">) {
  const maxConnections = effectiveMaxConnections(config.database) ?? NaN;
  const live = config.tenants.filter((t) => t.state === "active" || t.state === "suspended");
  const guaranteedTenants = live
    .filter(holdsGuaranteedConnections)
    .map((t) => ({ id: t.id, connectionLimit: tenantConnectionLimit(t) }));
  const guaranteed =
    config.database.platformPoolConnections + guaranteedTenants.reduce((sum, t) => sum + t.connectionLimit, 0);
  const pooledCaps = live
    .filter((t) => !holdsGuaranteedConnections(t))
    .reduce((sum, t) => sum + tenantConnectionLimit(t), 0);
  const reserved = 3; // rds_superuser_reserved_connections
  return {
    maxConnections,
    guaranteed,
    guaranteedTenants,
    pooledCaps,
    reserved,
    available: maxConnections - reserved,
    overcommitRatio: (guaranteed + pooledCaps) / maxConnections,
  };
}

function capacityProblems({ database, tenants }: Partial_): ConfigProblem[] {
  if (!database || !tenants) return [];
  const budget = connectionBudget({ database, tenants });
  if (Number.isNaN(budget.maxConnections)) {
    return [
      {
        key: key("database", "instanceClass"),
        value: showValue(database.instanceClass),
        message: "unknown instance class: set platform:database.maxConnections so tenant capacity can be checked",
      },
    ];
  }
  if (budget.guaranteed > budget.available) {
    const largestFirst = [...budget.guaranteedTenants]
      .sort((a, b) => b.connectionLimit - a.connectionLimit)
      .map((t) => `${t.id}=${t.connectionLimit}`);
    return [
      {
        key: key("tenants"),
        value: `${budget.guaranteed} guaranteed connections`,
        message:
          `guaranteed connections ${budget.guaranteed} exceed ${database.instanceClass}'s max_connections ${budget.maxConnections} less ${budget.reserved} reserved (${budget.available}) by ${budget.guaranteed - budget.available}: ` +
          `platform pool ${database.platformPoolConnections} + ${budget.guaranteedTenants.length} dedicated tenants (${showList(largestFirst)}). ` +
          "Use a larger platform:database.instanceClass (or set max_connections), lower connectionLimit on entries, or move tenants to another stack",
      },
    ];
  }
  return [];
}

function backupProblems({ backups, kubernetes, dr, environment }: Partial_, shard: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (environment === "production" && kubernetes && !kubernetes.oidcProviderArn) {
    problems.push({
      key: key("kubernetes", "oidcProviderArn"),
      message:
        "required in production: the backup jobs reach S3 through IAM roles for service accounts (IRSA) trusted by this OIDC provider",
    });
  }
  if (!backups) return problems;
  if (backups.coldTransitionDays !== undefined && backups.coldTransitionDays >= backups.retentionDays) {
    problems.push({
      key: key("backups", "coldTransitionDays"),
      value: String(backups.coldTransitionDays),
      message: `must be below retentionDays (${backups.retentionDays}): dumps expire before they would move to the colder class`,
    });
  }
  if (backups.objectLock && backups.objectLock.days > backups.retentionDays) {
    problems.push({
      key: key("backups", "objectLock", "days"),
      value: String(backups.objectLock.days),
      message: `must be ≤ retentionDays (${backups.retentionDays}): locked versions cannot expire when the lifecycle rule removes them`,
    });
  }
  // A shard's dumps go to the platform stack's bucket, whose replication is that stack's setting.
  if (backups.replicateToDr && !dr && !shard) {
    problems.push({
      key: key("backups", "replicateToDr"),
      value: "true",
      message: 'needs a "platform:dr" section with the region to replicate to (or set replicateToDr: false)',
    });
  }
  return problems;
}

/** Restore, DR role and maintenance: combinations that would do something other than what the reader expects. */
function operationsProblems({ database, dr, maintenance }: Partial_): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (database) {
    const active = restoreKey(database.restore);
    const seen = new Map<string, number>();
    database.retainedInstances.forEach((retained, i) => {
      const k = restoreKey(retained.restore);
      if (k === active) {
        problems.push({
          key: key("database", "retainedInstances", i),
          value: showValue(retained),
          message: `is the active instance (${k}): list only former instances here, the one platform:database.restore (or its absence) names stays active`,
        });
      } else if (seen.has(k)) {
        problems.push({
          key: key("database", "retainedInstances", i),
          value: showValue(retained),
          message: `names instance ${k} again (already platform:database.retainedInstances[${seen.get(k)}])`,
        });
      } else seen.set(k, i);
    });
  }
  if (dr) {
    if (dr.role === "standby" && !dr.sourceDbArn) {
      problems.push({
        key: key("dr", "sourceDbArn"),
        message:
          'required while role is "standby": the ARN of the primary\'s RDS instance (output database.arn of the primary stack) the standby replicates',
      });
    }
    const arnRegion = dr.sourceDbArn?.split(":")[3];
    if (arnRegion && arnRegion !== dr.region) {
      problems.push({
        key: key("dr", "sourceDbArn"),
        value: showValue(dr.sourceDbArn),
        message: `is in ${arnRegion}, but platform:dr.region (where the primary runs, seen from this stack) is ${dr.region}`,
      });
    }
    if (dr.role === "standby" && database?.restore) {
      problems.push({
        key: key("database", "restore"),
        value: showValue(database.restore),
        message:
          'not while platform:dr.role is "standby": a standby\'s database is a replica of the primary; promote it (role: primary) first',
      });
    }
    if (dr.role === "standby" && database && database.readReplicas > 0) {
      problems.push({
        key: key("database", "readReplicas"),
        value: String(database.readReplicas),
        message:
          'must be 0 while platform:dr.role is "standby" (a replica of a cross-region replica); add them after promotion',
      });
    }
  }
  if (maintenance?.snapshot && !maintenance.enabled) {
    problems.push({
      key: key("maintenance", "snapshot"),
      value: showValue(maintenance.snapshot),
      message:
        "only with enabled: true; when maintenance ends remove it together with enabled: false (the snapshot itself is kept in RDS)",
    });
  }
  return problems;
}
