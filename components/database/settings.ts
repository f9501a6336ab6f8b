import type * as aws from "../sdk/aws";
import type { PlatformConfig } from "../../stacks/config";
export { finalSnapshotIdentifier } from "../aws/names";

export type DatabaseConfig = PlatformConfig["database"];

/** Name of the RDS master user (the platform's admin role; not a superuser on RDS). */
export const MASTER_USERNAME = "platform_admin";

/** PostgreSQL log types exported to CloudWatch Logs (the slow-query log lives in `postgresql`). */
export const CLOUDWATCH_LOG_EXPORTS = ["postgresql", "upgrade"];

/** RDS CA every client verifies against. */
export const CA_CERT_IDENTIFIER = "rds-ca-rsa2048-g1";

/** RDS restore inputs for `platform:database.restore`: a snapshot or a point in time of another instance. */
export function restoreInputs(restore: DatabaseConfig["restore"]): Pick<aws.rds.InstanceArgs, "snapshotIdentifier" | "restoreToPointInTime"> {
  if (!restore) return {};
  if ("snapshotId" in restore) return { snapshotIdentifier: restore.snapshotId };
  const { sourceInstance, time, useLatestRestorableTime } = restore.pointInTime;
  return { restoreToPointInTime: { sourceDbInstanceIdentifier: sourceInstance, restoreTime: time, useLatestRestorableTime } };
}
