import * as k8s from "../components/sdk/kubernetes";
import * as aws from "../components/sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { TenantPlatformContext, alertedTenants, buildTenants, tenantOutputs } from "./wiring/tenants";
import { TENANT_PLATFORM_OUTPUT, TENANT_PLATFORM_PASSWORD_OUTPUT, buildShard } from "./wiring/shard";
import type { PlatformConfig } from "./config";
import { PlatformNamespace } from "../components/kubernetes/namespace";
import { AlertsTopic } from "../components/monitoring/topic";
import { Database } from "../components/database";
import { DatabaseOpsCredentials } from "../components/database/ops-credentials";
import { Redis } from "../components/redis";
import { WorkerPool } from "../components/workers/worker-pool";
import { PlatformJobs } from "../components/jobs/platform-jobs";
import { BackupBucket } from "../components/backups/backup-bucket";
import { DatabaseBackups, backupDatabaseNames } from "../components/backups/database-backups";
import { AlertReceiverSecrets, AlertRules } from "../components/alerts";
import { TIER_PROFILES } from "./schema/tenants";
import { longestIntervalMinutes } from "./schema/common";

/** Explicit providers, so every resource states which account, region and cluster it lives in. */
export interface Providers {
  aws: aws.Provider;
  kubernetes: k8s.Provider;
  /** The DR region (`platform:dr.region`), when the stack has one. */
  awsDr?: aws.Provider;
}

function createProviders(config: PlatformConfig): Providers {
  const defaultTags = { tags: { "platform:environment": config.environment, "platform:managed-by": "pulumi" } };
  return {
    aws: new aws.Provider("aws", { region: config.region as aws.Region, defaultTags }),
    kubernetes: new k8s.Provider("kubernetes", { context: config.kubernetes.context, enableServerSideApply: true }),
    awsDr: config.dr ? new aws.Provider("aws-dr", { region: config.dr.region as aws.Region, defaultTags }) : undefined,
  };
}

/** Secret config values, read by the program as secret Outputs (never part of PlatformConfig). */
export interface PlatformSecrets {
  alertReceivers?: AlertReceiverSecrets;
}

/**
 * Wires every component from the validated config. The one place that knows how the parts fit together. A tenant
 * shard (`platform:tenancy.role: shard`) builds only its tenants on the platform stack's data tier (stacks/wiring/shard.ts).
 */
export function buildStack(config: PlatformConfig, secrets: PlatformSecrets = {}) {
  if (config.tenancy.role === "shard") return buildShard(config, createProviders(config));
  return buildPlatform(config, secrets);
}

/** The data tier, the platform's workloads, backups and alerts, and the stack's own tenants (role single). */
export function buildPlatform(config: PlatformConfig, secrets: PlatformSecrets = {}) {
  const providers = createProviders(config);
  const production = config.environment === "production";
  const namespace = new PlatformNamespace("platform", {
    namespace: config.kubernetes.namespace,
    environment: config.environment,
    provider: providers.kubernetes,
  });

  const alertsTopic = new AlertsTopic("platform-alerts", { provider: providers.aws });
  const data = { environment: config.environment, network: config.network, alerts: config.alerts, alertsTopicArn: alertsTopic.arn, provider: providers.aws };
  const database = new Database("platform-db", { ...data, config: config.database, drProvider: providers.awsDr });
  const redis = new Redis("platform-redis", { ...data, config: config.redis });
  const opsDatabase = new DatabaseOpsCredentials("database-ops", {
    namespace: namespace.name,
    host: database.address,
    port: database.port,
    username: database.masterUsername,
    password: database.masterPassword,
    provider: providers.kubernetes,
  }).access;

  const tenantContext: TenantPlatformContext = {
    postgres: { provider: database.adminProvider, applicationDatabase: database.applicationDatabase.name, host: database.address, port: database.port },
    redis: { userGroupId: redis.userGroupId, host: redis.primaryEndpoint, port: redis.port, userIdPrefix: redis.userIdPrefix },
    platformNamespace: config.kubernetes.namespace,
  };
  const tenants = buildTenants(config, tenantContext, providers);

  const workerPools = Object.entries(config.workers).map(
    ([pool, poolConfig]) => new WorkerPool(`workers-${pool}`, { pool: poolConfig, objectName: `worker-${pool}`, namespace: namespace.name, provider: providers.kubernetes }),
  );
  const template = config.workers.default ?? Object.values(config.workers)[0];

  const databases = backupDatabaseNames(config.database.applicationDatabase, config.tenants.map((t) => ({ id: t.id, isolation: TIER_PROFILES[t.tier].isolation, state: t.state })));
  if (template) {
    new PlatformJobs("jobs", { jobs: config.jobs, namespace: namespace.name, appImage: template.image, appEnv: template.env, postgresImage: config.backups.postgresImage, database: opsDatabase, databases, provider: providers.kubernetes });
  }

  const backups = config.backups;
  const backupBucket = new BackupBucket("backups", {
    prefix: config.environment,
    retentionDays: backups.retentionDays,
    noncurrentVersionRetentionDays: backups.noncurrentVersionRetentionDays,
    coldTransitionDays: backups.coldTransitionDays,
    objectLock: backups.objectLock,
    replicaRegion: backups.replicateToDr ? config.dr?.region : undefined,
    protect: production,
    provider: providers.aws,
  });
  if (config.kubernetes.oidcProviderArn) {
    new DatabaseBackups("database-backups", {
      namespace: namespace.name,
      prefix: config.environment,
      database: opsDatabase,
      databases,
      bucket: { name: backupBucket.bucketName, arn: backupBucket.bucketArn, kmsKeyArn: backupBucket.kmsKeyArn },
      bucketRegion: config.region,
      schedule: backups.schedule,
      verifySchedule: backups.verifySchedule,
      postgresImage: backups.postgresImage,
      awsCliImage: backups.awsCliImage,
      oidcProviderArn: config.kubernetes.oidcProviderArn,
      pushgatewayUrl: backups.pushgatewayUrl,
      verifyMaxDumpAgeHours: backups.verifyMaxDumpAgeHours,
      verifyMinTables: backups.verifyMinTables,
      awsProvider: providers.aws,
      k8sProvider: providers.kubernetes,
    });
  }

  const alertRules = config.alerts.enabled
    ? new AlertRules(
        "alerts",
        {
          alerts: config.alerts,
          namespace: config.kubernetes.namespace,
          tenants: alertedTenants(config),
          tenantParents: Object.fromEntries(tenants.map((t) => [t.tenantId, t])),
          stuckAfterMinutes: config.jobs.reconcile.stuckAfterMinutes,
          restoreVerifyIntervalHours: longestIntervalMinutes(config.backups.verifySchedule) / 60,
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
    database: { address: database.address, port: database.port, applicationDatabase: database.applicationDatabaseName, masterSecretArn: database.masterSecretArn },
    redis: { primaryEndpoint: redis.primaryEndpoint, port: redis.port, userGroupId: redis.userGroupId },
    workerPools: workerPools.map((p) => p.deploymentName),
    backupBucket: backupBucket.bucketName,
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
        applicationDatabase: database.applicationDatabaseName,
        engineVersion: config.database.engineVersion,
      },
      redis: { userGroupId: redis.userGroupId, host: redis.primaryEndpoint, port: redis.port, userIdPrefix: redis.userIdPrefix },
      kubernetes: { platformNamespace: config.kubernetes.namespace },
      backups: { bucket: backupBucket.bucketName, bucketArn: backupBucket.bucketArn, kmsKeyArn: backupBucket.kmsKeyArn, prefix: config.environment },
      alertsTopicArn: alertsTopic.arn,
    },
    [TENANT_PLATFORM_PASSWORD_OUTPUT]: pulumi.secret(database.masterPassword),
  };
}

export type PlatformOutputs = ReturnType<typeof buildPlatform>;
