// The one tenant path: a single stack and a tenant shard build a tenant's components, its dedicated worker pool and
// its alert rules through these functions, keyed by tenant id, so a tenant's URNs are the same in either and
// `pulumi state move` carries it from one to the other unchanged (test/program/tenant-path.test.ts).
import * as pulumi from "@pulumi/pulumi";
import type * as postgresql from "@pulumi/postgresql";
import type * as k8s from "../../components/sdk/kubernetes";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import type { OperatingMode } from "./operations";
import { scaledPool } from "./operations";
import type { AlertContext } from "../../components/alerts";
import { longestIntervalMinutes } from "../../config/common";
import { tenantLabels, tenantNamespaceName } from "../../components/kubernetes/labels";
import { Tenant } from "../../components/tenant";
import { WorkerPool, dedicatedWorkerPool } from "../../components/workers/worker-pool";
import type { DatabaseAccess } from "../../components/jobs/database-access";
import { tenantMoveJob } from "../../components/backups/tenant-move-job";
import { postgresImageFor } from "../../config/workloads";

/**
 * What tenants need from the platform's data tier and cluster. A single stack fills it from its own components; a
 * tenant shard from the platform stack's `tenantPlatform` outputs (program/wiring/shard.ts).
 */
export interface TenantPlatformContext {
  /** The PostgreSQL admin connection tenant roles, schemas and databases are created with, and where tenants connect. */
  postgres: {
    provider: postgresql.Provider;
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    applicationDatabase: pulumi.Input<string>;
    adoptFrom?: { applicationDatabase: string };
    /** The operations role and its connection (`Database.roles`): member of every tenant role. */
    operations: { role: pulumi.Input<string>; ownerProvider: postgresql.Provider };
    /** The login of `provider` (the RDS master). */
    adminRole: pulumi.Input<string>;
  };
  /** The platform's ElastiCache RBAC user group tenant users join, its endpoint, and the account-unique user id prefix. */
  redis: {
    userGroupId: pulumi.Input<string>;
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    userIdPrefix: string;
    /**
     * What the first tenant membership waits for: the replication group, whose creation modifies the user group.
     * Defaults to none (a shard: the group lives in the platform stack).
     */
    membershipAfter?: pulumi.Resource[];
  };
  /** The platform namespace (tenant network policies admit it). */
  platformNamespace: string;
}

/** The stack's Tenant components by tenant id, in `platform:tenants` order. */
export type Tenants = ReadonlyMap<string, Tenant>;

/** Name of the stack's alerts (the AlertRules component, and the prefix of each tenant's PrometheusRule). */
export const ALERTS_NAME = "alerts";

/** The stack's tenants on a platform context: one Tenant component each (its database objects, Redis user, namespace). */
export function buildTenants(
  config: PlatformConfig,
  context: TenantPlatformContext,
  providers: Pick<Providers, "aws" | "kubernetes">,
): Tenants {
  const tenantArgs = {
    environment: config.environment,
    postgres: context.postgres,
    redis: {
      provider: providers.aws,
      userGroupId: context.redis.userGroupId,
      host: context.redis.host,
      port: context.redis.port,
      idPrefix: context.redis.userIdPrefix,
      keyPatterns: config.redis.tenantKeyPatterns,
      userTiers: config.redis.tenantUserTiers,
    },
    kubernetes: {
      provider: providers.kubernetes,
      platformNamespace: context.platformNamespace,
      monitoringNamespace: config.kubernetes.monitoringNamespace,
      metricsPort: config.kubernetes.tenantMetricsPort,
      tierEgress: config.kubernetes.tierEgress,
    },
  };
  const template = config.workers.default ?? Object.values(config.workers)[0];
  // The dedicated pool at full size (not a standby's fraction): the tenant's quota is sized for it.
  const dedicatedPool = (tenant: PlatformConfig["tenants"][number]) =>
    tenant.dedicatedWorkers && template && tenant.state !== "offboarded" && tenant.state !== "deleted"
      ? dedicatedWorkerPool(template, tenant.id)
      : undefined;
  // Tenant memberships in the Redis user group form a chain (components/tenant/redis.ts, `tenantRedisUser`).
  let membershipAfter = context.redis.membershipAfter ?? [];
  return new Map(
    config.tenants.map((tenant) => {
      const built = new Tenant(`tenant-${tenant.id}`, {
        tenant,
        ...tenantArgs,
        redis: { ...tenantArgs.redis, membershipAfter },
        kubernetes: { ...tenantArgs.kubernetes, dedicatedPool: dedicatedPool(tenant) },
      });
      if (built.redisMembership) membershipAfter = [built.redisMembership];
      return [tenant.id, built];
    }),
  );
}

/**
 * The last modifier of the Redis user group in the chain `buildTenants` builds: the last tenant membership, or
 * `start` (the replication group) when no tenant has one. Whatever else joins the group (the redis_exporter's user)
 * follows it, so no two ModifyUserGroup calls are ever in flight together.
 */
export function membershipChainTail(tenants: Tenants, start: pulumi.Resource): pulumi.Resource[] {
  const memberships = [...tenants.values()].flatMap((t) => (t.redisMembership ? [t.redisMembership] : []));
  return [memberships.at(-1) ?? start];
}

/**
 * Enterprise tenants' dedicated worker pools (`dedicatedWorkers: true`), each a child of its Tenant: a copy of the
 * `default` pool (or the first) in the tenant's namespace. Tenants not in `tenants` (a DR standby builds none) get
 * none; offboarded and deleted tenants none; a suspended tenant's pool is stopped. The mode scales or stops every
 * pool (maintenance, DR standby); a shard has no operating mode of its own and passes RUNNING.
 */
export function tenantWorkerPools(
  config: Pick<PlatformConfig, "tenants" | "workers">,
  tenants: Tenants,
  mode: Pick<OperatingMode, "workerFraction" | "pauseWorkers">,
  provider: k8s.Provider,
): WorkerPool[] {
  const template = config.workers.default ?? Object.values(config.workers)[0];
  const pools: WorkerPool[] = [];
  for (const tenant of config.tenants) {
    const parent = tenants.get(tenant.id);
    if (!parent || !tenant.dedicatedWorkers || !template || tenant.state === "offboarded" || tenant.state === "deleted")
      continue;
    pools.push(
      new WorkerPool(
        `tenant-${tenant.id}-workers`,
        {
          pool: scaledPool(dedicatedWorkerPool(template, tenant.id), mode.workerFraction),
          objectName: "worker",
          namespace: parent.kubernetesNamespace ?? tenantNamespaceName(tenant.id),
          labels: tenantLabels(tenant.id, tenant.tier),
          // A move's copy holds the tenant's writes (components/tenant/lifecycle.ts, `writesHeld`).
          paused: tenant.state === "suspended" || tenant.move?.step === "copy" || mode.pauseWorkers,
          envFromSecrets: parent.workload?.envFromSecrets,
          serviceAccountName: parent.workload?.serviceAccountName,
          provider,
        },
        { parent },
      ),
    );
  }
  return pools;
}

/**
 * The move Job of each tenant at a move's copy step (docs/tenants.md, "Changing tier"), a child of its Tenant so the
 * preview lists it with the tenant's other changes, created once the role's NOLOGIN and the new home are applied. It
 * runs in the stack's jobs namespace as the operations role; a single stack and a shard call it alike.
 */
export function tenantMoveJobs(
  config: Pick<PlatformConfig, "tenants" | "backups">,
  tenants: Tenants,
  args: {
    namespace: pulumi.Input<string>;
    database: DatabaseAccess;
    engineVersion: pulumi.Input<string>;
    storageCeilingGb: pulumi.Input<number>;
    suspend: boolean;
    provider: k8s.Provider;
  },
) {
  return config.tenants.flatMap((entry) => {
    const tenant = tenants.get(entry.id);
    if (entry.move?.step !== "copy" || !tenant?.moveHomes) return [];
    return [
      tenantMoveJob(
        `tenant-${entry.id}-move`,
        {
          tenantId: entry.id,
          role: tenant.postgres.role,
          schema: tenant.postgres.schema,
          fromDatabase: tenant.moveHomes.from,
          toDatabase: tenant.moveHomes.to,
          namespace: args.namespace,
          database: args.database,
          postgresImage: pulumi
            .output(args.engineVersion)
            .apply((v) => postgresImageFor(v, config.backups.postgresImage)),
          awsCliImage: config.backups.awsCliImage,
          storageCeilingGb: args.storageCeilingGb,
          workStorageClass: config.backups.workStorageClass,
          pushgatewayUrl: config.backups.pushgatewayUrl,
          pushgatewayStack: pulumi.getStack(),
          suspend: args.suspend,
          provider: args.provider,
        },
        { parent: tenant, dependsOn: tenant.moveHomes.dependsOn },
      ),
    ];
  });
}

/**
 * The operating mode of a stack without DR or maintenance of its own (a tenant shard: `platform:dr` and
 * `platform:maintenance` belong to the platform stack): every pool runs as configured.
 */
export const RUNNING: Pick<OperatingMode, "workerFraction" | "pauseWorkers" | "standby"> = {
  workerFraction: 1,
  pauseWorkers: false,
  standby: false,
};

/** Tenants that get per-tenant alert rules: active enterprise tenants. */
export const alertedTenants = (config: Pick<PlatformConfig, "tenants">) =>
  config.tenants.filter((t) => t.tier === "enterprise" && t.state === "active");

/**
 * Which of the stack's tenants get per-tenant alert rules (with `platform:alerts.tenantAlerts`), the Tenant each
 * rule lives under, and the context the rules are built in: one answer for the single stack's AlertRules and the
 * shard's own tenant rules.
 */
export function tenantAlerting(
  config: Pick<PlatformConfig, "tenants" | "alerts" | "kubernetes" | "backups" | "jobs">,
  tenants: Tenants,
  mode: Pick<OperatingMode, "standby">,
) {
  const alerted = config.alerts.tenantAlerts ? alertedTenants(config).filter((t) => tenants.has(t.id)) : [];
  const context: AlertContext = {
    namespace: config.kubernetes.namespace,
    tenants: alerted.map((t) => t.id),
    stuckAfterMinutes: config.jobs?.reconcile.stuckAfterMinutes, // the platform stack's jobs; shards have none
    restoreVerifyIntervalHours: longestIntervalMinutes(config.backups.verifySchedule) / 60,
    standby: mode.standby,
  };
  const parents: Record<string, Tenant> = Object.fromEntries(alerted.map((t) => [t.id, tenants.get(t.id)!]));
  return { tenants: alerted, parents, context };
}

/** The `tenants` stack output: per tenant its names in plain text and its URLs as secrets. */
export const tenantOutputs = (tenants: Tenants) =>
  Object.fromEntries([...tenants.values()].map((t) => [t.tenantId, t.outputs()]));
