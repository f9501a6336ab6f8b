import * as pulumi from "@pulumi/pulumi";
import {
  ALERTS_NAME,
  TenantPlatformContext,
  Tenants,
  buildTenants,
  membershipChainTail,
  tenantAlerting,
  tenantMoveJobs,
  tenantOutputs,
} from "./wiring/tenants";
import {
  TENANT_PLATFORM_OPERATIONS_PASSWORD_OUTPUT,
  TENANT_PLATFORM_OUTPUT,
  TENANT_PLATFORM_PASSWORD_OUTPUT,
  buildShard,
} from "./wiring/shard";
import { OPERATIONS_ROLE } from "../components/database";
import type { PlatformConfig } from "../config";
import { PlatformNamespace } from "../components/kubernetes/namespace";
import { AlertsTopic } from "../components/monitoring/topic";
import { backupDatabaseNames, tenantExports } from "../components/backups/database-backups";
import { AlertReceiverSecrets, AlertRules } from "../components/alerts";
import { MaintenanceSnapshot } from "../components/operations/maintenance-snapshot";
import { dataTier } from "./wiring/data-tier";
import { workloads } from "./wiring/workloads";
import { backupsTier, storageCeilingGb, tenantDataLayouts } from "./wiring/backups";
import { operatingMode } from "./wiring/operations";
import { createProviders } from "./providers";
import { dedicatedPoolNamespaces, stackMonitoring } from "./wiring/monitoring";

/** Secret config values, read by the program as secret Outputs (never part of PlatformConfig). */
export interface PlatformSecrets {
  alertReceivers?: AlertReceiverSecrets;
}

/**
 * Wires every component from the validated config. The one place that knows how the parts fit together. A tenant
 * shard (`platform:tenancy.role: shard`) builds only its tenants on the platform stack's data tier (program/wiring/shard.ts).
 */
export function buildStack(config: PlatformConfig, secrets: PlatformSecrets = {}) {
  if (config.tenancy.role === "shard") return buildShard(config, createProviders(config));
  return buildPlatform(config, secrets);
}

/** The data tier, the platform's workloads, backups and alerts, and the stack's own tenants (role single). */
export function buildPlatform(config: PlatformConfig, secrets: PlatformSecrets = {}) {
  const providers = createProviders(config);
  const mode = operatingMode(config);
  const namespace = new PlatformNamespace("platform", {
    namespace: config.kubernetes.namespace,
    environment: config.environment,
    provider: providers.kubernetes,
  });

  const alertsTopic = new AlertsTopic("platform-alerts", { provider: providers.aws });
  const { database, redis, opsDatabase, connection } = dataTier(config, providers, namespace.name, alertsTopic.arn);
  // A standby's database is a read-only replica: tenant objects arrive by replication, and the stack manages them
  // only once promoted (docs/operations.md, "Regional failover").
  const tenantContext: TenantPlatformContext = {
    postgres: {
      provider: database.adminProvider,
      applicationDatabase: database.applicationDatabase?.name ?? database.applicationDatabaseName,
      host: database.address,
      port: database.port,
      // A promoted DR replica already holds every tenant object (replicated): adopt them instead of creating them.
      adoptFrom: database.adoptExisting ? { applicationDatabase: database.applicationDatabaseName } : undefined,
      operations: { role: database.roles.operations.name, ownerProvider: database.roles.ownerProvider },
      adminRole: database.masterUsername,
    },
    redis: {
      userGroupId: redis.userGroupId,
      host: redis.primaryEndpoint,
      port: redis.port,
      userIdPrefix: redis.userIdPrefix,
      membershipAfter: [redis.replicationGroup],
    },
    platformNamespace: config.kubernetes.namespace,
  };
  // Their dedicated worker pools follow the operating mode (maintenance, DR standby) with the platform's pools in
  // program/wiring/workloads.ts; a standby builds no tenants, so none.
  const tenants: Tenants = database.writable ? buildTenants(config, tenantContext, providers) : new Map();

  tenantMoveJobs(config, tenants, {
    namespace: namespace.name,
    database: opsDatabase,
    engineVersion: config.database.engineVersion,
    storageCeilingGb: storageCeilingGb(config.database),
    suspend: mode.suspendJobs,
    provider: providers.kubernetes,
  });
  const isolation = tenantDataLayouts(config);
  const databases = backupDatabaseNames(config.database.applicationDatabase, isolation);
  const work = workloads(config, {
    namespace: namespace.name,
    connection,
    tenants,
    mode,
    opsDatabase,
    databases,
    providers,
  });
  const exports = tenantExports(config.database.applicationDatabase, isolation);
  const backups = backupsTier(config, {
    namespace: namespace.name,
    opsDatabase,
    databases,
    exports,
    suspend: mode.suspendJobs,
    providers,
  });

  stackMonitoring(config, {
    namespace: config.kubernetes.namespace,
    workerNamespaces: [config.kubernetes.namespace, ...dedicatedPoolNamespaces(config)],
    backupDatabases: backups.jobs && !mode.standby ? databases : undefined,
    dataTier: { database, redis, redisMembershipAfter: membershipChainTail(tenants, redis.replicationGroup) },
    providers,
  });

  // Pause → snapshot: the snapshot waits until every pool is stopped and every CronJob suspended.
  const snapshot =
    config.maintenance.enabled && config.maintenance.snapshot
      ? new MaintenanceSnapshot(
          "maintenance-snapshot",
          {
            snapshotId: config.maintenance.snapshot,
            dbInstanceIdentifier: database.identifier,
            reason: config.maintenance.reason,
            provider: providers.aws,
          },
          {
            dependsOn: [
              ...work.platformPools,
              ...work.tenantPools,
              ...(work.jobs ? [work.jobs] : []),
              ...(backups.jobs ? [backups.jobs] : []),
            ],
          },
        )
      : undefined;

  const tenantAlerts = tenantAlerting(config, tenants, mode);
  const alertRules = config.alerts.enabled
    ? new AlertRules(
        ALERTS_NAME,
        {
          alerts: config.alerts,
          namespace: tenantAlerts.context.namespace,
          tenants: tenantAlerts.tenants,
          tenantParents: tenantAlerts.parents,
          stuckAfterMinutes: tenantAlerts.context.stuckAfterMinutes,
          restoreVerifyIntervalHours: tenantAlerts.context.restoreVerifyIntervalHours,
          standby: tenantAlerts.context.standby,
          stack: pulumi.getStack(),
          backupDatabases: databases,
          receivers: secrets.alertReceivers,
          provider: providers.kubernetes,
        },
        { dependsOn: [namespace] },
      )
    : undefined;

  return {
    environment: config.environment,
    platformNamespace: namespace.name,
    alertsTopicArn: alertsTopic.arn,
    alertGroups: alertRules?.groupNames ?? [],
    database: {
      address: database.address,
      port: database.port,
      identifier: database.identifier,
      arn: database.arn,
      applicationDatabase: database.applicationDatabaseName,
      masterSecretArn: database.masterSecretArn,
    },
    redis: { primaryEndpoint: redis.primaryEndpoint, port: redis.port, userGroupId: redis.userGroupId },
    workerPools: work.platformPools.map((p) => p.deploymentName),
    backupBucket: backups.bucket.bucketName,
    operations: {
      drRole: config.dr?.role ?? "primary",
      suspended: mode.suspendJobs,
      workersPaused: mode.pauseWorkers,
      maintenanceSnapshotArn: snapshot?.snapshotArn,
    },
    tenants: tenantOutputs(tenants),
    // What tenant shards read through their StackReference (docs/shards.md).
    [TENANT_PLATFORM_OUTPUT]: {
      environment: config.environment,
      region: config.region,
      postgres: {
        host: database.address,
        port: database.port,
        adminHost: config.database.adminHost ?? database.address,
        adminPort: config.database.adminPort ?? database.port,
        adminUser: database.masterUsername,
        operationsUser: OPERATIONS_ROLE,
        applicationDatabase: database.applicationDatabaseName,
        engineVersion: config.database.engineVersion,
        storageCeilingGb: storageCeilingGb(config.database),
      },
      redis: {
        userGroupId: redis.userGroupId,
        host: redis.primaryEndpoint,
        port: redis.port,
        userIdPrefix: redis.userIdPrefix,
      },
      kubernetes: { platformNamespace: config.kubernetes.namespace },
      backups: {
        bucket: backups.bucket.bucketName,
        bucketArn: backups.bucket.bucketArn,
        kmsKeyArn: backups.bucket.kmsKeyArn,
        prefix: config.environment,
      },
      alertsTopicArn: alertsTopic.arn,
    },
    [TENANT_PLATFORM_PASSWORD_OUTPUT]: pulumi.secret(database.masterPassword),
    [TENANT_PLATFORM_OPERATIONS_PASSWORD_OUTPUT]: pulumi.secret(database.roles.operations.password),
  };
}

export type PlatformOutputs = ReturnType<typeof buildPlatform>;
