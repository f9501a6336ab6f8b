import { z } from "zod";
import { Environment, awsRegion, dnsLabel } from "./common";

const fraction = z.number().gt(0, "a fraction above 0").max(1, "a fraction of at most 1 (0.05 = 5 %)");
const pct = z.number().gt(0, "a percentage above 0").max(100, "a percentage of at most 100");

/** Warning/critical pairs; the cross-field check that warning < critical lives in the top-level schema. */
function levels(value: z.ZodNumber, warning: number, critical: number) {
  return z.strictObject({ warning: value.default(warning), critical: value.default(critical) }).default({ warning, critical });
}

/** Metric names the alert rules query; applications name their metrics differently. */
export const DEFAULT_METRICS = {
  httpRequests: "http_requests_total",
  httpDuration: "http_request_duration_seconds_bucket",
  upJob: "api",
  queueDepth: "app_queue_depth",
  jobsFailed: "app_jobs_failed_total",
  jobsProcessed: "app_jobs_processed_total",
  jobsStuck: "app_jobs_stuck",
  semaphoreInUse: "app_semaphore_in_use",
  semaphoreCapacity: "app_semaphore_capacity",
  dbConnections: "pg_stat_activity_count",
  dbMaxConnections: "pg_settings_max_connections",
  dbUp: "pg_up",
  dbReplicationLagSeconds: "pg_replication_lag_seconds",
  redisConnections: "redis_connected_clients",
  redisMaxClients: "redis_config_maxclients",
  redisMemoryUsed: "redis_memory_used_bytes",
  redisMemoryMax: "redis_memory_max_bytes",
  backupLastSuccess: "platform_backup_last_success_timestamp_seconds",
  restoreVerifyLastSuccess: "platform_restore_verify_last_success_timestamp_seconds",
  restoreVerifyFailed: "platform_restore_verify_failed",
  certificateExpiry: "probe_ssl_earliest_cert_expiry",
} as const;

export function alertsSchema(_env: Environment) {
  const metrics = Object.fromEntries(
    Object.entries(DEFAULT_METRICS).map(([key, value]) => [key, z.string().min(1).default(value)]),
  ) as { [K in keyof typeof DEFAULT_METRICS]: z.ZodDefault<z.ZodString> };
  return z.strictObject({
    errorRate: levels(fraction, 0.05, 0.1),
    latencyP95Seconds: levels(z.number().positive(), 5, 10),
    cpuPercent: z.strictObject({ warning: pct.default(80), forMinutes: z.number().int().min(1).max(120).default(10) }).default({ warning: 80, forMinutes: 10 }),
    memoryPercent: levels(pct, 85, 95),
    diskPercent: levels(pct, 80, 90),
    dbConnectionsPercent: levels(pct, 80, 95),
    redisConnectionsPercent: levels(pct, 80, 95),
    redisMemoryPercent: levels(pct, 80, 90),
    queueBacklog: levels(z.number().int().positive(), 1000, 5000),
    jobFailureRate: levels(fraction, 0.05, 0.2),
    backupStaleHours: z.number().int().min(1).max(24 * 14).default(26),
    certificateExpiryDays: z.number().int().min(1).max(365).default(30),
    replicationLagSeconds: levels(z.number().positive(), 60, 300),
    runbookBaseUrl: z.url().default("https://github.com/acme/platform/blob/main/docs/runbooks"),
    tenantAlerts: z.boolean().default(true),
    routing: z
      .strictObject({
        pagingReceiver: dnsLabel(1, 40, "a receiver name").default("pager"),
        chatReceiver: dnsLabel(1, 40, "a receiver name").default("chat"),
        chatChannel: z.string().default("#platform-alerts"),
      })
      .default({ pagingReceiver: "pager", chatReceiver: "chat", chatChannel: "#platform-alerts" }),
    metrics: z.strictObject(metrics).default({ ...DEFAULT_METRICS } as never),
  });
}

export function drSchema(env: Environment) {
  return z.strictObject({
    region: awsRegion,
    role: z.enum(["primary", "standby"]).default("primary"),
    rpoMinutes: z.number().int().min(1).max(24 * 60).default(15),
    rtoHours: z.number().min(0.25).max(72).default(4),
    standbyWorkerFraction: z.number().min(0).max(1).default(env === "production" ? 0.25 : 0),
  });
}

export const maintenanceSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    snapshot: z
      .string()
      .regex(/^[a-zA-Z][a-zA-Z0-9-]{0,254}$/, "an RDS snapshot identifier: letters, digits and hyphens, starting with a letter")
      .refine((s) => !s.endsWith("-") && !s.includes("--"), "an RDS snapshot identifier cannot end with a hyphen or contain two consecutive hyphens")
      .optional(),
    reason: z.string().optional(),
  })
  .default({ enabled: false });
