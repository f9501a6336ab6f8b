import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import { parseStackName } from "../../config/tenancy";
import { elasticacheId } from "../../components/redis";
import { PlatformNamespace } from "../../components/kubernetes/namespace";
import { DatabaseOpsCredentials } from "../../components/database/ops-credentials";
import { DatabaseBackups, backupDatabaseNames, tenantExports } from "../../components/backups/database-backups";
import { tenantAlertRule } from "../../components/alerts";
import { backupJobSettings, shardOpsNamespace, tenantDataLayouts } from "./backups";
import {
  ALERTS_NAME,
  RUNNING,
  TenantPlatformContext,
  buildTenants,
  tenantAlerting,
  tenantMoveJobs,
  tenantOutputs,
  tenantWorkerPools,
} from "./tenants";
import type { Tenants } from "./tenants";
import { shardMonitoring } from "./monitoring";

/** Stack outputs a platform (or single) stack exports for its tenant shards: `tenantPlatform` (plain) and the admin password (secret). */
export const TENANT_PLATFORM_OUTPUT = "tenantPlatform";
export const TENANT_PLATFORM_PASSWORD_OUTPUT = "tenantPlatformAdminPassword";
/** The operations role's password (secret): shards grant it their tenants and run their backups as it. */
export const TENANT_PLATFORM_OPERATIONS_PASSWORD_OUTPUT = "tenantPlatformOperationsPassword";

/** The plain part of what a platform stack exports for shards (`tenantPlatform`). */
export interface TenantPlatformExport {
  environment: string;
  region: string;
  postgres: {
    host: string;
    port: number;
    adminHost: string;
    adminPort: number;
    adminUser: string;
    /** The operations role (docs/data-tier.md, "Roles"). */
    operationsUser: string;
    applicationDatabase: string;
    engineVersion: string;
    /** The instance's storage ceiling: sizes the shard's backup work volumes. */
    storageCeilingGb: number;
  };
  redis: { userGroupId: string; host: string; port: number; userIdPrefix: string };
  kubernetes: { platformNamespace: string };
  backups: { bucket: string; bucketArn: string; kmsKeyArn: string; prefix: string };
  alertsTopicArn: string;
}

/**
 * A tenant shard (`platform:tenancy.role: shard`): reads the platform stack's `tenantPlatform` outputs through a
 * StackReference and creates only its tenants — its own PostgreSQL admin provider on the platform's database, Redis
 * users joined to the platform's user group by UserGroupAssociation (the platform stack is never touched), tenant
 * namespaces and Secrets, per-tenant alert rules, and backups of its dedicated tenant databases.
 *
 * A DR shard (`tenancy.drOf`, on a DR platform) mirrors a shard of the primary fleet: as a standby (`drRole:
 * standby`) it holds no tenant objects (they arrive by replication on the DR platform's replica) and its backup jobs
 * are suspended; promoted (`drRole: primary`) it adopts the replicated tenant objects (`import`) as the DR platform
 * adopts its own, and runs the tenants' namespaces, workers and alerts.
 */
export async function buildShard(config: PlatformConfig, providers: Pick<Providers, "aws" | "kubernetes">) {
  const tenancy = config.tenancy;
  const drStandby = tenancy.drOf !== undefined && tenancy.drRole !== "primary";
  const adopting = tenancy.drOf !== undefined && tenancy.drRole === "primary";
  const platformStack = tenancy.platformStack!;
  const shard = tenancy.shard!;
  const ref = new pulumi.StackReference("platform", { name: platformStack });
  const platform = ref.requireOutput(TENANT_PLATFORM_OUTPUT) as pulumi.Output<TenantPlatformExport>;
  const adminPassword = pulumi.secret(ref.requireOutput(TENANT_PLATFORM_PASSWORD_OUTPUT) as pulumi.Output<string>);
  const operationsPassword = pulumi.secret(
    ref.requireOutput(TENANT_PLATFORM_OPERATIONS_PASSWORD_OUTPUT) as pulumi.Output<string>,
  );

  const postgres = platform.postgres;
  const adminProvider = new postgresql.Provider("tenants-postgres-admin", {
    host: postgres.adminHost,
    port: postgres.adminPort,
    username: postgres.adminUser,
    password: adminPassword,
    database: "postgres",
    sslmode: "require",
    superuser: false,
    connectTimeout: 15,
    expectedVersion: postgres.engineVersion,
  });
  // The operations role's connection: it revokes PUBLIC's privileges on dedicated databases as their owner would.
  const ownerProvider = new postgresql.Provider("tenants-postgres-ops", {
    host: postgres.adminHost,
    port: postgres.adminPort,
    username: postgres.operationsUser,
    password: operationsPassword,
    database: "postgres",
    sslmode: "require",
    superuser: false,
    connectTimeout: 15,
    expectedVersion: postgres.engineVersion,
  });
  const context: TenantPlatformContext = {
    postgres: {
      provider: adminProvider,
      host: postgres.host,
      port: postgres.port,
      applicationDatabase: postgres.applicationDatabase,
      // Adoption needs the application database's name as a plain value (a pooled tenant's schema id is
      // `<database>.<schema>`): read once from the reference.
      adoptFrom: adopting
        ? {
            applicationDatabase: ((await ref.getOutputDetails(TENANT_PLATFORM_OUTPUT)).value as TenantPlatformExport)
              .postgres.applicationDatabase,
          }
        : undefined,
      operations: { role: postgres.operationsUser, ownerProvider },
      adminRole: postgres.adminUser,
    },
    redis: {
      userGroupId: platform.redis.userGroupId,
      host: platform.redis.host,
      port: platform.redis.port,
      userIdPrefix: elasticacheId("platform", parseStackName(platformStack).stack),
    },
    platformNamespace: config.kubernetes.namespace,
  };
  const tenants = drStandby ? new Map() : buildTenants(config, context, providers);
  tenantWorkerPools(config, tenants, RUNNING, providers.kubernetes);

  // The tenant rules AlertRules creates in a single stack, under the same names and parents; the platform-wide
  // groups and the routing stay with the platform stack.
  if (config.alerts.enabled && !drStandby) {
    const alerting = tenantAlerting(config, tenants, RUNNING);
    for (const tenant of alerting.tenants)
      tenantAlertRule(
        ALERTS_NAME,
        tenant,
        {
          alerts: config.alerts,
          namespace: alerting.context.namespace,
          provider: providers.kubernetes,
          context: alerting.context,
        },
        alerting.parents[tenant.id],
      );
  }

  const backupNamespace = shardBackups(config, shard, platform, operationsPassword, providers, tenants, drStandby);
  shardMonitoring(config, {
    shard,
    backupNamespace,
    backupDatabases: backupDatabaseNames("", tenantDataLayouts(config)).slice(1),
    providers,
  });
  return {
    environment: config.environment,
    platformStack,
    shard,
    backupNamespace,
    tenants: tenantOutputs(tenants),
  };
}

/**
 * Backups of the shard's dedicated tenant databases. The platform's backup CronJob lists only its own databases
 * (it cannot read its shards without a reference cycle), so each shard runs the same DatabaseBackups jobs for its
 * dedicated tenants, in a namespace of its own (`<platform namespace>-tenants-<shard>`), into the platform's bucket
 * under the same keys (`<environment>/tenant_<id>/…`). Pooled tenants live in the application database, which the
 * platform backs up. The move Jobs of the shard's tenants (tier changes) run there too, as the operations role.
 */
function shardBackups(
  config: PlatformConfig,
  shard: string,
  platform: pulumi.Output<TenantPlatformExport>,
  operationsPassword: pulumi.Output<string>,
  providers: Pick<Providers, "aws" | "kubernetes">,
  tenants: Tenants,
  /** A DR standby's jobs are suspended, as every CronJob of its DR platform (the database is a read-only replica). */
  suspend: boolean,
) {
  const isolation = tenantDataLayouts(config);
  const databases = backupDatabaseNames("", isolation).slice(1);
  const exports = tenantExports(platform.postgres.applicationDatabase, isolation);
  const backups = (databases.length > 0 || exports.length > 0) && config.kubernetes.oidcProviderArn !== undefined;
  const moving = config.tenants.some((t) => t.move?.step === "copy");
  if (!backups && !moving) return undefined;
  const namespaceName = shardOpsNamespace(config.kubernetes.namespace, shard);
  const namespace = new PlatformNamespace(`tenants-${shard}-ops`, {
    namespace: namespaceName,
    environment: config.environment,
    provider: providers.kubernetes,
  });
  const access = new DatabaseOpsCredentials(`tenants-${shard}-database-ops`, {
    namespace: namespace.name,
    host: platform.postgres.host,
    port: platform.postgres.port,
    username: platform.postgres.operationsUser,
    password: operationsPassword,
    provider: providers.kubernetes,
  }).access;
  tenantMoveJobs(config, tenants, {
    namespace: namespace.name,
    database: access,
    engineVersion: platform.postgres.engineVersion,
    storageCeilingGb: platform.postgres.storageCeilingGb,
    suspend: false,
    provider: providers.kubernetes,
  });
  if (!backups) return namespaceName;
  new DatabaseBackups(`tenants-${shard}-backups`, {
    namespace: namespace.name,
    prefix: config.environment,
    database: access,
    databases,
    exports,
    bucket: { name: platform.backups.bucket, arn: platform.backups.bucketArn, kmsKeyArn: platform.backups.kmsKeyArn },
    bucketRegion: config.region,
    suspend,
    ...backupJobSettings(config, config.kubernetes.oidcProviderArn!, {
      engineVersion: platform.postgres.engineVersion,
      storageCeilingGb: platform.postgres.storageCeilingGb,
    }),
    providers,
  });
  return namespaceName;
}
