// Rules that keep two runbook procedures safe (docs/operations.md): a DR stack promoted during a regional failover
// says whether the failed region is reachable (nothing is registered there while it is not), and a major engine
// upgrade is allowed only while the maintenance snapshot taken before it exists.
import type { PlatformConfig } from "./sections";
import type { Environment } from "./common";
import { ConfigProblem, keyName, showValue } from "./errors";

const key = (...path: (string | number)[]) => keyName("platform", path);

export function runbookProblems({
  dr,
  database,
  maintenance,
  tenancy,
}: Partial<PlatformConfig> & { environment: Environment }): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (tenancy?.drRole !== undefined && (tenancy.role !== "shard" || tenancy.drOf === undefined)) {
    problems.push({
      key: key("tenancy", "drRole"),
      value: showValue(tenancy.drRole),
      message: "only in a DR shard (role shard with drOf): a DR platform stack's role is platform:dr.role",
    });
  }
  // A DR stack (it replicates `sourceDbArn`) promoted to primary: the failover step must decide, explicitly, whether
  // the primary's region is up; `false` keeps the promotion from creating anything there (a KMS key, its alias, the
  // automated-backups replication), which would fail while that region is down.
  if (dr?.sourceDbArn && dr.role === "primary" && dr.regionAvailable === undefined) {
    problems.push({
      key: key("dr", "regionAvailable"),
      message: `required with role "primary" in a DR stack: false while ${dr.region} (the failed primary's region) is down, so the promotion registers nothing there; true once it is back`,
    });
  }
  if (dr?.regionAvailable !== undefined && !dr.sourceDbArn) {
    problems.push({
      key: key("dr", "regionAvailable"),
      value: String(dr.regionAvailable),
      message: "only in a DR stack (with sourceDbArn): a primary stack's DR region is not where it fails over from",
    });
  }
  // RDS refuses a major engineVersion change unless AllowMajorVersionUpgrade is set; the procedure takes the
  // maintenance snapshot first (a standby's replica is upgraded by RDS with its source, whatever it says).
  if (database?.allowMajorVersionUpgrade && dr?.role !== "standby" && !(maintenance?.enabled && maintenance.snapshot)) {
    problems.push({
      key: key("database", "allowMajorVersionUpgrade"),
      value: "true",
      message: `only during the upgrade's maintenance window: first set platform:maintenance { enabled: true, snapshot: <name> } and apply it (the snapshot is taken once everything is paused), then change engineVersion with allowMajorVersionUpgrade: true${maintenance?.enabled ? ` (maintenance is on, but without a snapshot: ${showValue(maintenance)})` : ""}`,
    });
  }
  return problems;
}
