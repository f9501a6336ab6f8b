import type * as pulumi from "@pulumi/pulumi";
import type * as aws from "../sdk/aws";
export { finalSnapshotIdentifier } from "../aws/names";
import type { DatabaseConfig } from "../../config";
export type { DatabaseConfig } from "../../config";

/** Name of the RDS master user (the platform's admin role; not a superuser on RDS). */
export const MASTER_USERNAME = "platform_admin";

/** PostgreSQL log types exported to CloudWatch Logs (the slow-query log lives in `postgresql`). */
export const CLOUDWATCH_LOG_EXPORTS = ["postgresql", "upgrade"];

/**
 * Tag of an instance `platform:database.retainedInstances[].retire` is retiring. Contract with the policy pack
 * (policies/rules/util.ts `RETIRING_TAG`): such an instance may go without deletion protection and `protect`.
 */
export const RETIRING_TAG = { key: "platform:lifecycle", value: "retiring" } as const;

/** RDS CA every client verifies against. */
export const CA_CERT_IDENTIFIER = "rds-ca-rsa2048-g1";

/** ARN of an instance's (replicated) automated backups: `arn:aws:rds:<region>:<account>:auto-backup:ab-...`. */
export const AUTOMATED_BACKUPS_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:auto-backup:/;

/** RDS restore inputs for `platform:database.restore`: a snapshot or a point in time of another instance. */
export function restoreInputs(
  restore: DatabaseConfig["restore"],
): Pick<aws.rds.InstanceArgs, "snapshotIdentifier" | "restoreToPointInTime"> {
  if (!restore) return {};
  if ("snapshotId" in restore) return { snapshotIdentifier: restore.snapshotId };
  const { sourceInstance, time, useLatestRestorableTime } = restore.pointInTime;
  // The ARN of replicated automated backups (in the DR region) restores without the source instance.
  const source = AUTOMATED_BACKUPS_ARN.test(sourceInstance)
    ? { sourceDbInstanceAutomatedBackupsArn: sourceInstance }
    : { sourceDbInstanceIdentifier: sourceInstance };
  return { restoreToPointInTime: { ...source, restoreTime: time, useLatestRestorableTime } };
}

/**
 * Resource options that adopt an existing PostgreSQL object (id = its name, or `database.schema` for a schema)
 * instead of creating it, when `adopt` is true. Leaving `import` in place after the first `up` is harmless: a
 * resource already in state with that id is managed like any other.
 */
export function adoptOption(adopt: boolean, id: string): pulumi.CustomResourceOptions {
  return adopt ? { import: id } : {};
}
