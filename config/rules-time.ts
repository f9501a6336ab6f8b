// Time-bound operations: a point-in-time restore names a time RDS can restore to — not in the future (an error), and
// not before the source's earliest restorable time (its automated-backup retention). The second is a warning, not
// an error: the active restore stays in the config after it ran, and ages past the window while the instance it
// created lives on; offline there is no telling a restore still to run from one that ran weeks ago.
import { ConfigProblem, showValue } from "./errors";
import { ParsedSections, key } from "./rules-common";

const DAY_MS = 86_400_000;

/**
 * RDS API Reference, RestoreDBInstanceToPointInTime, RestoreTime: "Must be before the latest restorable time for the
 * DB instance"; the earliest restorable time is the start of the source's backup retention period (User Guide,
 * "Restoring a DB instance to a specified time"). The source is taken to keep this stack's backupRetentionDays.
 */
export function timeBoundProblems({ database }: ParsedSections, now: Date): ConfigProblem[] {
  const restore = database?.restore;
  if (!restore || !("pointInTime" in restore) || restore.pointInTime.time === undefined) return [];
  const time = new Date(restore.pointInTime.time);
  const k = key("database", "restore", "pointInTime", "time");
  const value = showValue(restore.pointInTime.time);
  if (time.getTime() > now.getTime())
    return [
      {
        key: k,
        value,
        message: `is in the future (now is ${now.toISOString()}): RDS restores only to a time before the source's latest restorable time; give a past time or useLatestRestorableTime: true`,
      },
    ];
  return [];
}

/** A warning when the restore time is older than the source's retention window as of `now` (see the file comment). */
export function restoreWindowWarning({ database }: ParsedSections, now: Date): string | undefined {
  const restore = database?.restore;
  if (!restore || !("pointInTime" in restore) || restore.pointInTime.time === undefined) return undefined;
  const earliest = new Date(now.getTime() - database.backupRetentionDays * DAY_MS);
  if (new Date(restore.pointInTime.time).getTime() >= earliest.getTime()) return undefined;
  return `${key("database", "restore", "pointInTime", "time")} = ${showValue(restore.pointInTime.time)} is before the source's earliest restorable time (about ${earliest.toISOString()}: automated backups are kept platform:database.backupRetentionDays = ${database.backupRetentionDays} days). If this restore has not run yet, RDS will refuse it: restore from a snapshot (restore.snapshotId) instead`;
}
