// Cross-field rules for the data tier: the database instance and its parameters, Redis, and the DR region.
import { ConfigProblem, showValue } from "./errors";
import { ParsedSections, key } from "./rules-common";

export function dataProblems({ database, redis, dr, environment, region }: ParsedSections): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (database) {
    if (database.maxAllocatedStorageGb !== undefined && database.maxAllocatedStorageGb < database.allocatedStorageGb) {
      problems.push({
        key: key("database", "maxAllocatedStorageGb"),
        value: String(database.maxAllocatedStorageGb),
        message: `must be ≥ allocatedStorageGb (${database.allocatedStorageGb}) — it is the ceiling storage autoscaling may grow to`,
      });
    }
    if (database.allowSingleAz && !database.singleAzReason) {
      problems.push({
        key: key("database", "singleAzReason"),
        message: "required when allowSingleAz is true: say why this stack may run without a standby",
      });
    }
    if (environment === "production" && !database.multiAz && !database.allowSingleAz) {
      problems.push({
        key: key("database", "multiAz"),
        value: "false",
        message: "production requires Multi-AZ; set allowSingleAz: true with a singleAzReason to accept the risk",
      });
    }
    if (database.adminPort !== undefined && database.adminHost === undefined) {
      problems.push({
        key: key("database", "adminPort"),
        value: String(database.adminPort),
        message: "only together with adminHost (the tunnel address)",
      });
    }
    if (environment === "production" && database.skipFinalSnapshot) {
      problems.push({
        key: key("database", "skipFinalSnapshot"),
        value: "true",
        message: "production always takes a final snapshot before the instance is deleted; remove this key",
      });
    }
    if (database.replicateBackupsToDr && !dr) {
      problems.push({
        key: key("database", "replicateBackupsToDr"),
        value: "true",
        message: 'needs a "platform:dr" section naming the region to replicate automated backups to',
      });
    }
    problems.push(...parameterProblems(database.parameters));
    const pit = database.restore && "pointInTime" in database.restore ? database.restore.pointInTime : undefined;
    if (pit && (pit.time === undefined) === (pit.useLatestRestorableTime !== true)) {
      problems.push({
        key: key("database", "restore", "pointInTime"),
        value: showValue(pit),
        message: "give exactly one of time or useLatestRestorableTime: true",
      });
    }
  }
  if (redis && environment === "production" && redis.replicasPerShard < 1) {
    problems.push({
      key: key("redis", "replicasPerShard"),
      value: String(redis.replicasPerShard),
      message: "production needs at least 1 replica for automatic failover and Multi-AZ",
    });
  }
  if (redis && environment === "production" && redis.snapshotRetentionDays < 1) {
    problems.push({
      key: key("redis", "snapshotRetentionDays"),
      value: String(redis.snapshotRetentionDays),
      message: "production keeps at least 1 daily snapshot of the job queues; allowed: 1–35",
    });
  }
  if (dr && region && dr.region === region) {
    problems.push({
      key: key("dr", "region"),
      value: showValue(dr.region),
      message: `must differ from the stack's region aws:region (${region}): a disaster takes out the whole region`,
    });
  }
  return problems;
}

/** Config-given PostgreSQL parameters may add to the guarantees of the parameter group, never weaken them. */
function parameterProblems(parameters: Record<string, string | number>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const forceSsl = parameters["rds.force_ssl"];
  if (forceSsl !== undefined && String(forceSsl) !== "1") {
    problems.push({
      key: key("database", "parameters", "rds.force_ssl"),
      value: showValue(forceSsl),
      message: "the platform requires TLS for every connection; remove this parameter (it is always 1)",
    });
  }
  const preload = parameters.shared_preload_libraries;
  if (
    preload !== undefined &&
    !String(preload)
      .split(",")
      .map((s) => s.trim())
      .includes("pg_stat_statements")
  ) {
    problems.push({
      key: key("database", "parameters", "shared_preload_libraries"),
      value: showValue(preload),
      message:
        'must include "pg_stat_statements" (slow-query analysis depends on it), e.g. "pg_stat_statements,auto_explain"',
    });
  }
  return problems;
}
