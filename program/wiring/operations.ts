import type { PlatformConfig, WorkerPoolConfig } from "../../config";

/**
 * How the stack runs right now, from `platform:dr` and `platform:maintenance`: the one place that decides which
 * workloads are suspended or scaled, so every CronJob and worker pool (platform and tenant) follows the same rule.
 */
export interface OperatingMode {
  /** Every CronJob is suspended: maintenance, or a DR standby (its database is a read-only replica). */
  suspendJobs: boolean;
  /** Every worker pool is stopped (0 replicas, no HPA): maintenance, or a standby with `standbyWorkerFraction: 0`. */
  pauseWorkers: boolean;
  /** Fraction of each pool's min/max replicas that runs (`dr.standbyWorkerFraction` in standby, else 1). */
  workerFraction: number;
  /** Whether the database is a DR standby replica. */
  standby: boolean;
}

export function operatingMode(config: Pick<PlatformConfig, "dr" | "maintenance">): OperatingMode {
  const standby = config.dr?.role === "standby";
  const fraction = standby ? config.dr!.standbyWorkerFraction : 1;
  const maintenance = config.maintenance.enabled;
  return {
    suspendJobs: maintenance || standby,
    pauseWorkers: maintenance || fraction === 0,
    workerFraction: fraction,
    standby,
  };
}

/**
 * A pool scaled by a fraction (a DR standby's warm capacity): min and max are multiplied and rounded up, at least 1
 * each, so the HPA keeps working and scales up at once after promotion sets the fraction back to 1.
 */
export function scaledPool(pool: WorkerPoolConfig, fraction: number): WorkerPoolConfig {
  if (fraction >= 1) return pool;
  const minReplicas = Math.max(1, Math.ceil(pool.minReplicas * fraction));
  return { ...pool, minReplicas, maxReplicas: Math.max(minReplicas, Math.ceil(pool.maxReplicas * fraction)) };
}
