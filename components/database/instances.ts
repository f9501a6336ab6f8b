import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { boundedId, finalSnapshotIdentifier } from "../aws/names";
import { ORIGINAL_INSTANCE, restoreKey } from "../../config/restore";
import type { RestoreSource } from "../../config/data";
import {
  CA_CERT_IDENTIFIER,
  CLOUDWATCH_LOG_EXPORTS,
  DatabaseConfig,
  MASTER_USERNAME,
  RETIRING_TAG,
  restoreInputs,
} from "./settings";

/** What every instance of the stack shares: key, network, parameters, monitoring, the master password. */
export interface InstanceContext {
  config: DatabaseConfig;
  kmsKeyArn: pulumi.Input<string>;
  subnetGroupName: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  parameterGroupName: pulumi.Input<string>;
  monitoringRoleArn?: pulumi.Input<string>;
  password: pulumi.Input<string>;
  production: boolean;
  stack: string;
}

/** How an instance came to be: the stack's original, a restore, or a cross-region replica of the DR primary. */
export type InstanceOrigin =
  | { kind: "original" }
  | { kind: "restore"; restore: RestoreSource }
  | {
      kind: "replica";
      sourceDbArn: string;
      promoted: boolean;
      /** How the primary's instance it replicates came to be (none: the primary's original). Names the replica. */
      of?: RestoreSource;
    };

/** How the instance's name and final snapshot are keyed: its own restore, or the primary instance it replicates. */
const keyOrigin = (origin: InstanceOrigin): RestoreSource | undefined =>
  origin.kind === "restore" ? origin.restore : origin.kind === "replica" ? origin.of : undefined;

/**
 * The Pulumi name of an instance: `<component>-instance` for the original (and a DR replica of the primary's
 * original), else by restore key (a DR replica by the key of the primary instance it replicates).
 */
export function instanceResourceName(component: string, origin: InstanceOrigin): string {
  const restore = keyOrigin(origin);
  return restore ? `${component}-restore-${restoreKey(restore)}` : `${component}-instance`;
}

/** The origin of an instance named in config: no restore source = the original. */
export function originOf(restore: RestoreSource | undefined): InstanceOrigin {
  return restore ? { kind: "restore", restore } : { kind: "original" };
}

/**
 * Inputs of one RDS instance: encrypted with the stack's key, private, TLS-only parameters, gp3 autoscaling storage,
 * PITR backups, deletion protection and a final snapshot. A restore adds its source and an explicit identifier
 * (required for point-in-time restores); the master user comes from the snapshot. A standby replica takes no
 * credentials (it inherits the primary's) and no backups of its own; promoting it (`promoted`) removes
 * `replicateSourceDb`, which makes the provider call PromoteReadReplica, and sets the credentials and backups.
 */
export function instanceArgs(
  component: string,
  origin: InstanceOrigin,
  ctx: InstanceContext,
  retire = false,
): aws.rds.InstanceArgs {
  const { config } = ctx;
  // The original keeps the final snapshot name it always had; a restored instance gets its own.
  const keyed = keyOrigin(origin);
  const snapshotScope = keyed ? `${component}-${restoreKey(keyed)}` : component;
  const replica = origin.kind === "replica" && !origin.promoted;
  return {
    ...(origin.kind === "restore"
      ? {
          identifier: boundedId(63, "platform", ctx.stack, restoreKey(origin.restore)),
          ...restoreInputs(origin.restore),
        }
      : {}),
    ...(replica ? { replicateSourceDb: origin.sourceDbArn } : { password: ctx.password }),
    ...(origin.kind === "restore" || replica ? {} : { username: MASTER_USERNAME }),
    engine: "postgres",
    engineVersion: config.engineVersion,
    // RDS refuses a major engineVersion change without it (ModifyDBInstance AllowMajorVersionUpgrade); config allows
    // it only while the maintenance snapshot exists (config/rules-upgrade.ts).
    allowMajorVersionUpgrade: config.allowMajorVersionUpgrade,
    autoMinorVersionUpgrade: true,
    instanceClass: config.instanceClass,
    port: 5432,
    // Storage: gp3, encrypted with the stack's key, grows on its own up to the ceiling.
    storageType: "gp3",
    allocatedStorage: config.allocatedStorageGb,
    maxAllocatedStorage: config.maxAllocatedStorageGb,
    storageEncrypted: true,
    kmsKeyId: ctx.kmsKeyArn,
    // Network: private only.
    dbSubnetGroupName: ctx.subnetGroupName,
    vpcSecurityGroupIds: [ctx.securityGroupId],
    publiclyAccessible: false,
    caCertIdentifier: CA_CERT_IDENTIFIER,
    parameterGroupName: ctx.parameterGroupName,
    // Availability and recovery.
    multiAz: config.multiAz,
    backupRetentionPeriod: replica ? 0 : config.backupRetentionDays,
    backupWindow: config.backupWindow,
    maintenanceWindow: config.maintenanceWindow,
    copyTagsToSnapshot: true,
    deleteAutomatedBackups: !ctx.production,
    deletionProtection: config.deletionProtection && !retire,
    skipFinalSnapshot: config.skipFinalSnapshot,
    finalSnapshotIdentifier: config.skipFinalSnapshot ? undefined : finalSnapshotIdentifier(snapshotScope, ctx.stack),
    // `platform:database.applyChanges`; deferred changes are listed in the plan's notes and tolerated by
    // tools/drift-check.ts until the window (components/database/deferred.ts).
    applyImmediately: config.applyChanges === "immediately",
    // Observability.
    performanceInsightsEnabled: config.performanceInsights,
    performanceInsightsKmsKeyId: config.performanceInsights ? ctx.kmsKeyArn : undefined,
    performanceInsightsRetentionPeriod: config.performanceInsights
      ? config.performanceInsightsRetentionDays
      : undefined,
    monitoringInterval: config.monitoringIntervalSeconds,
    monitoringRoleArn: ctx.monitoringRoleArn,
    enabledCloudwatchLogsExports: CLOUDWATCH_LOG_EXPORTS,
    iamDatabaseAuthenticationEnabled: true,
    // The policy pack lets exactly a retiring instance go without deletion protection and `protect`.
    ...(retire ? { tags: { [RETIRING_TAG.key]: RETIRING_TAG.value } } : {}),
  };
}

export { ORIGINAL_INSTANCE };
