// Cross-field rules for operations: restore and retained instances, the DR role, maintenance.
import { ConfigProblem, showValue } from "./errors";
import { restoreKey } from "./restore";
import { ParsedSections, key } from "./rules-common";

/** Restore, DR role and maintenance: combinations that would do something other than what the reader expects. */
export function operationsProblems({ database, dr, maintenance }: ParsedSections): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (database) {
    const active = restoreKey(database.restore);
    const seen = new Map<string, number>();
    database.retainedInstances.forEach((retained, i) => {
      const k = restoreKey(retained.restore);
      if (k === active) {
        problems.push({
          key: key("database", "retainedInstances", i),
          value: showValue(retained),
          message: `is the active instance (${k}): list only former instances here, the one platform:database.restore (or its absence) names stays active`,
        });
      } else if (seen.has(k)) {
        problems.push({
          key: key("database", "retainedInstances", i),
          value: showValue(retained),
          message: `names instance ${k} again (already platform:database.retainedInstances[${seen.get(k)}])`,
        });
      } else seen.set(k, i);
    });
  }
  if (dr) {
    if (dr.role === "standby" && !dr.sourceDbArn) {
      problems.push({
        key: key("dr", "sourceDbArn"),
        message:
          'required while role is "standby": the ARN of the primary\'s RDS instance (output database.arn of the primary stack) the standby replicates',
      });
    }
    const arnRegion = dr.sourceDbArn?.split(":")[3];
    if (arnRegion && arnRegion !== dr.region) {
      problems.push({
        key: key("dr", "sourceDbArn"),
        value: showValue(dr.sourceDbArn),
        message: `is in ${arnRegion}, but platform:dr.region (where the primary runs, seen from this stack) is ${dr.region}`,
      });
    }
    if (dr.role === "standby" && database?.restore) {
      problems.push({
        key: key("database", "restore"),
        value: showValue(database.restore),
        message:
          'not while platform:dr.role is "standby": a standby\'s database is a replica of the primary; promote it (role: primary) first',
      });
    }
    if (dr.role === "standby" && database && database.readReplicas > 0) {
      problems.push({
        key: key("database", "readReplicas"),
        value: String(database.readReplicas),
        message:
          'must be 0 while platform:dr.role is "standby" (a replica of a cross-region replica); add them after promotion',
      });
    }
  }
  if (maintenance?.snapshot && !maintenance.enabled) {
    problems.push({
      key: key("maintenance", "snapshot"),
      value: showValue(maintenance.snapshot),
      message:
        "only with enabled: true; when maintenance ends remove it together with enabled: false (the snapshot itself is kept in RDS)",
    });
  }
  return problems;
}
