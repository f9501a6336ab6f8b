import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import type { DatabaseAccess } from "../../components/jobs/database-access";
import { BackupBucket } from "../../components/backups/backup-bucket";
import { DatabaseBackups, TenantExport } from "../../components/backups/database-backups";
import { TIER_PROFILES } from "../../config/tenants";
import { postgresImageFor } from "../../config/workloads";

/**
 * Where each tenant's data lives (its own database or a schema) and its state: what backups and exports need. A
 * tenant moving between isolation models has two homes until the move block is removed: both are listed, so the old
 * database stays backed up until it is dropped and the new one is backed up from its creation.
 */
export const tenantDataLayouts = (config: Pick<PlatformConfig, "tenants">) =>
  config.tenants.flatMap((t) => {
    const home = { id: t.id, isolation: TIER_PROFILES[t.tier].isolation, state: t.state };
    const old = t.move ? TIER_PROFILES[t.move.from].isolation : home.isolation;
    return old === home.isolation ? [home] : [home, { ...home, isolation: old }];
  });

/** The backup bucket and, with IRSA, the backup and restore-verification CronJobs (suspended with the other jobs). */
export function backupsTier(
  config: PlatformConfig,
  args: {
    namespace: pulumi.Input<string>;
    opsDatabase: DatabaseAccess;
    databases: string[];
    exports: TenantExport[];
    suspend: boolean;
    providers: Providers;
  },
) {
  const backups = config.backups;
  const bucket = new BackupBucket("backups", {
    prefix: config.environment,
    retentionDays: backups.retentionDays,
    noncurrentVersionRetentionDays: backups.noncurrentVersionRetentionDays,
    coldTransitionDays: backups.coldTransitionDays,
    objectLock: backups.objectLock,
    replicaRegion: backups.replicateToDr ? config.dr?.region : undefined,
    protect: config.environment === "production",
    provider: args.providers.aws,
  });
  const jobs = config.kubernetes.oidcProviderArn
    ? new DatabaseBackups("database-backups", {
        namespace: args.namespace,
        prefix: config.environment,
        database: args.opsDatabase,
        databases: args.databases,
        exports: args.exports,
        bucket: { name: bucket.bucketName, arn: bucket.bucketArn, kmsKeyArn: bucket.kmsKeyArn },
        bucketRegion: config.region,
        ...backupJobSettings(config, config.kubernetes.oidcProviderArn, databaseSizing(config.database)),
        suspend: args.suspend,
        providers: args.providers,
      })
    : undefined;
  return { bucket, jobs };
}

/**
 * The namespace of a stack's tenant export Jobs (its backup jobs' namespace), or undefined when the stack runs no
 * backup jobs (no `platform:kubernetes.oidcProviderArn`): then offboarded tenants are exported by hand.
 */
export function exportJobsNamespace(config: PlatformConfig): string | undefined {
  if (!config.kubernetes.oidcProviderArn) return undefined;
  return config.tenancy.role === "shard"
    ? shardOpsNamespace(config.kubernetes.namespace, config.tenancy.shard!)
    : config.kubernetes.namespace;
}

/** The namespace of a tenant shard's own jobs (backups and exports of its tenants). */
export const shardOpsNamespace = (platformNamespace: string, shard: string) => `${platformNamespace}-tenants-${shard}`;

/** What the backup jobs need to know of the database: its engine major (tools image) and storage ceiling (volumes). */
export interface DatabaseSizing {
  engineVersion: pulumi.Input<string>;
  storageCeilingGb: pulumi.Input<number>;
}

export const databaseSizing = (database: PlatformConfig["database"]): DatabaseSizing => ({
  engineVersion: database.engineVersion,
  storageCeilingGb: storageCeilingGb(database),
});

/** The most storage the instance may grow to (RDS storage autoscaling's ceiling), else its allocation. */
export const storageCeilingGb = (
  database: Pick<PlatformConfig["database"], "allocatedStorageGb" | "maxAllocatedStorageGb">,
) => database.maxAllocatedStorageGb ?? database.allocatedStorageGb;

/**
 * The backup and restore-verification jobs' settings from `platform:backups` (shared by the platform and shards),
 * with the tools image derived from the engine major unless configured.
 */
export function backupJobSettings(config: PlatformConfig, oidcProviderArn: string, database: DatabaseSizing) {
  const backups = config.backups;
  return {
    schedule: backups.schedule,
    verifySchedule: backups.verifySchedule,
    postgresImage: pulumi.output(database.engineVersion).apply((v) => postgresImageFor(v, backups.postgresImage)),
    storageCeilingGb: database.storageCeilingGb,
    workStorageClass: backups.workStorageClass,
    awsCliImage: backups.awsCliImage,
    oidcProviderArn,
    pushgatewayUrl: backups.pushgatewayUrl,
    // The stack's own Pushgateway groups (job/platform_backup/stack/<stack>/…): the alerts select them by `stack`.
    pushgatewayStack: pulumi.getStack(),
    verifyMaxDumpAgeHours: backups.verifyMaxDumpAgeHours,
    verifyMinTables: backups.verifyMinTables,
  };
}
