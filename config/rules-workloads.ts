// Cross-field rules for workloads and what watches them: worker pools, alert thresholds, backups.
import { ConfigProblem } from "./errors";
import { ParsedSections, key } from "./rules-common";

export function workerProblems({ workers, environment }: ParsedSections, shard: boolean): ConfigProblem[] {
  if (!workers) return [];
  const problems: ConfigProblem[] = [];
  if (environment === "production" && Object.keys(workers).length === 0 && !shard) {
    problems.push({ key: key("workers"), value: "{}", message: "production needs at least one worker pool" });
  }
  for (const [name, pool] of Object.entries(workers)) {
    if (pool.minReplicas > pool.maxReplicas) {
      problems.push({
        key: key("workers", name, "minReplicas"),
        value: String(pool.minReplicas),
        message: `must be ≤ maxReplicas (${pool.maxReplicas})`,
      });
    }
    if (pool.minReplicas < 1) {
      problems.push({
        key: key("workers", name, "minReplicas"),
        value: String(pool.minReplicas),
        message:
          "must be at least 1: the HPA cannot scale a pool up from 0 (stop a pool with maintenance mode instead)",
      });
    } else if (environment === "production" && pool.minReplicas < 2) {
      problems.push({
        key: key("workers", name, "minReplicas"),
        value: String(pool.minReplicas),
        message: "production keeps at least 2 replicas so one node loss or rollout does not stop the pool",
      });
    }
  }
  return problems;
}

export function alertProblems({ alerts }: ParsedSections): ConfigProblem[] {
  if (!alerts) return [];
  const problems: ConfigProblem[] = [];
  for (const [name, value] of Object.entries(alerts)) {
    if (value && typeof value === "object" && "warning" in value && "critical" in value) {
      const { warning, critical } = value as { warning: number; critical: number };
      if (warning >= critical) {
        problems.push({
          key: key("alerts", name, "warning"),
          value: String(warning),
          message: `must be below critical (${critical})`,
        });
      }
    }
  }
  return problems;
}

export function backupProblems(
  { backups, kubernetes, dr, environment }: ParsedSections,
  shard: boolean,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (environment === "production" && kubernetes && !kubernetes.oidcProviderArn) {
    problems.push({
      key: key("kubernetes", "oidcProviderArn"),
      message:
        "required in production: the backup jobs reach S3 through IAM roles for service accounts (IRSA) trusted by this OIDC provider",
    });
  }
  if (!backups) return problems;
  if (backups.coldTransitionDays !== undefined && backups.coldTransitionDays >= backups.retentionDays) {
    problems.push({
      key: key("backups", "coldTransitionDays"),
      value: String(backups.coldTransitionDays),
      message: `must be below retentionDays (${backups.retentionDays}): dumps expire before they would move to the colder class`,
    });
  }
  if (backups.objectLock && backups.objectLock.days > backups.retentionDays) {
    problems.push({
      key: key("backups", "objectLock", "days"),
      value: String(backups.objectLock.days),
      message: `must be ≤ retentionDays (${backups.retentionDays}): locked versions cannot expire when the lifecycle rule removes them`,
    });
  }
  // A shard's dumps go to the platform stack's bucket, whose replication is that stack's setting.
  if (backups.replicateToDr && !dr && !shard) {
    problems.push({
      key: key("backups", "replicateToDr"),
      value: "true",
      message: 'needs a "platform:dr" section with the region to replicate to (or set replicateToDr: false)',
    });
  }
  return problems;
}
