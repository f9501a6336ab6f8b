/**
 * The PostgreSQL parameter group: the platform's guarantees first, config-given parameters added on top. Config
 * validation (config/rules.ts) already refuses parameters that would weaken a guarantee.
 */

/** Parameters every instance runs with. */
export const PLATFORM_PARAMETERS: Readonly<Record<string, string>> = {
  /** Refuse unencrypted connections. */
  "rds.force_ssl": "1",
  /** Slow-query log: every statement that runs 1 s or longer. */
  log_min_duration_statement: "1000",
  /** Per-statement statistics for finding slow and frequent queries. */
  shared_preload_libraries: "pg_stat_statements",
  "pg_stat_statements.track": "top",
};

/**
 * Static parameters take effect only after a reboot: RDS rejects `applyMethod: immediate` for them, so they are
 * applied at the next reboot (the maintenance window).
 */
export const STATIC_PARAMETERS: ReadonlySet<string> = new Set([
  "shared_preload_libraries",
  "max_connections",
  "max_worker_processes",
  "max_wal_senders",
  "max_replication_slots",
  "max_locks_per_transaction",
  "max_prepared_transactions",
  "shared_buffers",
  "track_activity_query_size",
  "huge_pages",
  "rds.logical_replication",
  "pg_stat_statements.max",
]);

export interface DbParameter {
  name: string;
  value: string;
  applyMethod: "immediate" | "pending-reboot";
}

/** Parameter group family of a PostgreSQL major version ("16" → "postgres16"). */
export const parameterGroupFamily = (engineVersion: string) => `postgres${engineVersion.split(".")[0]}`;

/** The full parameter list, sorted by name so the plan is stable: platform parameters plus config-given ones. */
export function databaseParameters(extra: Record<string, string | number>): DbParameter[] {
  const merged: Record<string, string> = { ...PLATFORM_PARAMETERS };
  for (const [name, value] of Object.entries(extra)) merged[name] = String(value);
  return Object.keys(merged)
    .sort()
    .map((name) => ({
      name,
      value: merged[name],
      applyMethod: STATIC_PARAMETERS.has(name) || name === "rds.force_ssl" ? "pending-reboot" : "immediate",
    }));
}
