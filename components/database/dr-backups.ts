// The database's footprint in the DR region: the key its replicated automated backups are encrypted with, and the
// replication itself. Apart so the DR stack can hold the key from standby on (a failover then registers nothing new in
// a failed region) while only a writable instance replicates.
import type * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";
import { createDataKey } from "../aws/kms-key";

type DrOptions = { parent: pulumi.Resource; provider: aws.Provider };

/** The key replicated automated backups are encrypted with in the DR region (`protect` in production). */
export function drBackupsKey(name: string, stack: string, production: boolean, dr: DrOptions) {
  return createDataKey(
    `${name}-dr`,
    {
      description: `Replicated PostgreSQL backups (${stack})`,
      alias: `platform/${stack}/database-dr`,
      protect: production,
    },
    dr,
  ).key;
}

/** Automated backups (and their PITR log) copied continuously to the DR region, encrypted with `key` there. */
export function replicateBackups(
  name: string,
  sourceDbInstanceArn: pulumi.Input<string>,
  retentionPeriod: number,
  key: aws.kms.Key,
  dr: DrOptions,
) {
  // aws_db_instance_automated_backups_replication has no Update: kms_key_id, pre_signed_url, retention_period and
  // source_db_instance_arn are all ForceNew (hashicorp/terraform-provider-aws
  // internal/service/rds/instance_automated_backups_replication.go), so a retention change replaces it. Pulumi's
  // default create-before-delete would call StartDBInstanceAutomatedBackupsReplication for an instance that is
  // still replicating to the region; stop first, then start (a short gap in DR backups, docs/operations.md,
  // "Changing the backup retention").
  return new aws.rds.InstanceAutomatedBackupsReplication(
    `${name}-dr-backups`,
    { sourceDbInstanceArn, kmsKeyId: key.arn, retentionPeriod },
    { ...dr, deleteBeforeReplace: true },
  );
}
