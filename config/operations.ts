import { z } from "zod";
import { Environment, awsRegion, dnsLabel } from "./common";
import { restoreSchema, retainedInstanceSchema } from "./data";
import { DEFAULT_LATENCY_BUCKETS } from "./monitoring";
import { k8sLabels } from "./kubernetes-rules";

const fraction = z.number().gt(0, "a fraction above 0").max(1, "a fraction of at most 1 (0.05 = 5 %)");
// Prometheus model.ParseDuration as prometheus-operator checks AlertmanagerConfig durations
// (pkg/apis/monitoring/v1beta1 validation: durationRe): units in the order y, w, d, h, m, s, ms, each at most once.
const PROM_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
export const promDuration = z
  .string()
  .regex(
    PROM_DURATION,
    'a Prometheus duration with units in the order y, w, d, h, m, s, ms, such as "30s", "5m" or "1h30m"',
  )
  .refine((d) => d !== "", 'a Prometheus duration such as "30s"');

/** The milliseconds of a Prometheus duration (PROM_DURATION). */
export function promDurationMs(duration: string): number {
  const unit: Record<string, number> = {
    y: 365 * 86_400_000,
    w: 604_800_000,
    d: 86_400_000,
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
  };
  let total = 0;
  for (const [, n, u] of duration.matchAll(/([0-9]+)(ms|y|w|d|h|m|s)/g)) total += Number(n) * unit[u];
  return total;
}

/**
 * Why a text is not one PromQL label matcher (`name op "value"`), or undefined. The name is a classic label name,
 * the value a double-quoted string (backslash escapes allowed), and for =~ and !~ a regular expression Prometheus
 * can compile: RE2 syntax (github.com/google/re2/wiki/Syntax), which has no lookaround and no backreferences.
 */
export function promLabelMatcherProblem(text: string): string | undefined {
  // The value is a Go string literal (promql/parser lex.go + strconv.Unquote): only Go's escapes, so "5\.." is a
  // parse error ("unknown escape sequence") and a regex dot is written "5\\..".
  const match =
    /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\\n]|\\[abfnrtv\\"]|\\x[0-9a-fA-F]{2}|\\[0-7]{3}|\\u[0-9a-fA-F]{4})*)"$/.exec(
      text,
    );
  if (!match)
    return 'one PromQL label matcher: a label name, =, !=, =~ or !~, and a double-quoted value (Go string escapes only), such as code=~"5.."';
  const [, , op, quoted] = match;
  if (op !== "=~" && op !== "!~") return undefined;
  const re = quoted.replace(/\\(["\\])/g, "$1");
  if (/\(\?<?[=!]|\\[1-9]|\\k</.test(re))
    return `the regular expression "${re}" uses lookaround or a backreference, which RE2 (Prometheus) does not support`;
  try {
    // RE2's named groups (?P<n>…) and leading flags (?i) are JS (?<n>…) and a flag; the rest is common syntax.
    new RegExp(re.replace(/\(\?P</g, "(?<").replace(/^\(\?[imsU]+\)/, ""));
  } catch (error) {
    return `the regular expression "${re}" does not compile: ${(error as Error).message}`;
  }
  return undefined;
}
const pct = z.number().gt(0, "a percentage above 0").max(100, "a percentage of at most 100");

/** Warning/critical pairs; the cross-field check that warning < critical lives in the top-level schema. */
function levels(value: z.ZodNumber, warning: number, critical: number) {
  return z
    .strictObject({ warning: value.default(warning), critical: value.default(critical) })
    .default({ warning, critical });
}

/**
 * Metric names and label values the alert rules query; applications and exporters name them differently.
 * Defaults: node-exporter, kube-state-metrics, postgres_exporter, redis_exporter, blackbox_exporter and the
 * application's own `app_*` / `platform_*` metrics. Documented key by key in docs/alerts.md.
 */
export const DEFAULT_METRICS = {
  /** `job` label of the API's scrape target (used by `up` and the HTTP metrics). */
  upJob: "api",
  httpRequests: "http_requests_total",
  /** Label matcher that selects failed requests among `httpRequests`. */
  httpErrorMatcher: 'code=~"5.."',
  httpDuration: "http_request_duration_seconds_bucket",
  /** Label that carries the tenant id on application metrics. */
  tenantLabel: "tenant",
  nodeCpuSeconds: "node_cpu_seconds_total",
  nodeMemoryAvailable: "node_memory_MemAvailable_bytes",
  nodeMemoryTotal: "node_memory_MemTotal_bytes",
  nodeFilesystemAvailable: "node_filesystem_avail_bytes",
  nodeFilesystemSize: "node_filesystem_size_bytes",
  /** 1 for a read-only mount (node_exporter filesystem collector): such a filesystem is full by design. */
  nodeFilesystemReadonly: "node_filesystem_readonly",
  /** Queue length, read from the shared Redis: every worker replica reports the same value (label `queue`). */
  queueDepth: "app_queue_depth",
  hpaCurrentReplicas: "kube_horizontalpodautoscaler_status_current_replicas",
  hpaMaxReplicas: "kube_horizontalpodautoscaler_spec_max_replicas",
  /** Finished jobs (succeeded and failed). */
  jobsProcessed: "app_jobs_processed_total",
  jobsFailed: "app_jobs_failed_total",
  /** Jobs in state "running" for longer than platform:jobs.reconcile.stuckAfterMinutes, pushed by the reconciler. */
  jobsStuck: "app_jobs_stuck",
  /** Jobs a replica is running right now (its own: summed over replicas). */
  jobsRunning: "app_jobs_running",
  /** Semaphore slots held, read from the shared Redis: every replica reports the same value. */
  semaphoreInUse: "app_semaphore_in_use",
  /** kube-state-metrics: the Job's `Failed` condition (retries exhausted or deadline passed), label `condition`. */
  kubeJobFailed: "kube_job_failed",
  kubeJobStartTime: "kube_job_status_start_time",
  kubeJobOwner: "kube_job_owner",
  kubeCronJobLastSuccess: "kube_cronjob_status_last_successful_time",
  dbUp: "pg_up",
  dbConnections: "pg_stat_activity_count",
  dbMaxConnections: "pg_settings_max_connections",
  dbReplicationLagSeconds: "pg_replication_lag_seconds",
  redisConnections: "redis_connected_clients",
  /** `maxclients` of INFO (redis_exporter ≥ 1.68 on Redis ≥ 7): ElastiCache refuses CONFIG GET. */
  redisMaxClients: "redis_max_clients",
  redisMemoryUsed: "redis_memory_used_bytes",
  redisMemoryMax: "redis_memory_max_bytes",
  backupLastSuccess: "platform_backup_last_success_timestamp_seconds",
  restoreVerifyLastSuccess: "platform_restore_verify_last_success_timestamp_seconds",
  restoreVerifyFailed: "platform_restore_verify_failed",
  /** `job` label of the blackbox Probe (the Probe's `jobName`). */
  probeJob: "platform-endpoints",
  probeSuccess: "probe_success",
  certificateExpiry: "probe_ssl_earliest_cert_expiry",
} as const;

export type AlertMetrics = { [K in keyof typeof DEFAULT_METRICS]: string };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function metricSetting(key: keyof typeof DEFAULT_METRICS) {
  const base = z.string().min(1);
  if (key === "upJob" || key === "probeJob")
    return base.regex(/^[^"\\]+$/, "a job label value without quotes or backslashes").default(DEFAULT_METRICS[key]);
  if (key === "httpErrorMatcher") {
    return base
      .superRefine((text, ctx) => {
        const problem = promLabelMatcherProblem(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .default(DEFAULT_METRICS[key]);
  }
  if (key === "tenantLabel") return base.regex(LABEL_NAME, "a Prometheus label name").default(DEFAULT_METRICS[key]);
  return base.regex(METRIC_NAME, "a Prometheus metric name").default(DEFAULT_METRICS[key]);
}

/** Labels on the PrometheusRule / AlertmanagerConfig objects and in the operator's selectors. */
const labelMap = k8sLabels;

export function alertsSchema(_env: Environment) {
  const metrics = Object.fromEntries(
    (Object.keys(DEFAULT_METRICS) as (keyof typeof DEFAULT_METRICS)[]).map((key) => [key, metricSetting(key)]),
  ) as { [K in keyof typeof DEFAULT_METRICS]: z.ZodDefault<z.ZodString> };
  return z.strictObject({
    /** Whether the PrometheusRule and AlertmanagerConfig objects are created at all. */
    enabled: z.boolean().default(true),
    errorRate: levels(fraction, 0.05, 0.1),
    latencyP95Seconds: levels(z.number().positive(), 5, 10),
    /** Bucket bounds (`le`) of the API's latency histogram; each latency threshold must be one of them. */
    latencyBuckets: z
      .array(z.number().positive())
      .min(1)
      .default([...DEFAULT_LATENCY_BUCKETS]),
    cpuPercent: z
      .strictObject({ warning: pct.default(80), forMinutes: z.number().int().min(1).max(120).default(10) })
      .default({ warning: 80, forMinutes: 10 }),
    memoryPercent: levels(pct, 85, 95),
    diskPercent: levels(pct, 80, 90),
    dbConnectionsPercent: levels(pct, 80, 95),
    redisConnectionsPercent: levels(pct, 80, 95),
    redisMemoryPercent: levels(pct, 80, 90),
    queueBacklog: levels(z.number().int().positive(), 1000, 5000),
    jobFailureRate: levels(fraction, 0.05, 0.2),
    backupStaleHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14)
      .default(26),
    certificateExpiryDays: z.number().int().min(1).max(365).default(30),
    replicationLagSeconds: levels(z.number().positive(), 60, 300),
    runbookBaseUrl: z.url().default("https://github.com/acme/platform/blob/main/docs/runbooks"),
    /** Per-tenant error-rate, latency and job-failure alerts (label `tenant`) for active enterprise tenants. */
    tenantAlerts: z.boolean().default(true),
    /**
     * Extra labels the Prometheus operator selects PrometheusRule / AlertmanagerConfig objects by; `release` comes
     * from `platform:monitoring.release` (kube-prometheus-stack selects `release: <Helm release>`).
     */
    selectorLabels: labelMap.default({}),
    routing: z
      .strictObject({
        pagingReceiver: dnsLabel(1, 40, "a receiver name").default("pager"),
        chatReceiver: dnsLabel(1, 40, "a receiver name").default("chat"),
        chatChannel: z.string().default("#platform-alerts"),
        groupWait: promDuration.default("30s"),
        groupInterval: promDuration.default("5m"),
        repeatInterval: promDuration.default("4h"),
      })
      .default({
        pagingReceiver: "pager",
        chatReceiver: "chat",
        chatChannel: "#platform-alerts",
        groupWait: "30s",
        groupInterval: "5m",
        repeatInterval: "4h",
      }),
    metrics: z.strictObject(metrics).default({ ...DEFAULT_METRICS } as never),
  });
}

export function drSchema(env: Environment) {
  return z.strictObject({
    region: awsRegion,
    role: z.enum(["primary", "standby"]).default("primary"),
    rpoMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(15),
    rtoHours: z.number().min(0.25).max(72).default(4),
    standbyWorkerFraction: z
      .number()
      .min(0)
      .max(1)
      .default(env === "production" ? 0.25 : 0),
    /**
     * ARN of the primary's RDS instance in `region`, for a stack that runs in the DR region: while `role` is
     * `standby` the database is a cross-region read replica of it; after `role: primary` the promoted replica.
     */
    sourceDbArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:rds:[a-z]{2}(-[a-z]+)+-\d:\d{12}:db:[a-z][a-z0-9-]*$/,
        'an RDS instance ARN such as "arn:aws:rds:us-east-1:123456789012:db:platform-db-instance-0a1b2c3"',
      )
      .optional(),
    /**
     * The primary's stack (`prod`): this DR stack takes what it shares with it (database settings, Redis, worker
     * pools, jobs, backups, alerts, tenants) from `Pulumi.<primaryStack>.yaml` instead of a copy
     * (config/dr-shared.ts), and follows the primary's restores (`primaryInstances`).
     */
    primaryStack: STACK_NAME.optional(),
    /**
     * Whether `region` (the primary's, seen from this stack) is reachable. A DR stack promoted with `role: primary`
     * must say so: `false` registers nothing in that region (failover while it is down); `true` again once it is
     * back (backups replicate there). Default: true for a primary stack.
     */
    regionAvailable: z.boolean().optional(),
    /** Set from the primary's stack file (`primaryStack`), never by hand: its active and retained RDS instances. */
    primaryInstances: z
      .strictObject({
        restore: restoreSchema.optional(),
        retainedInstances: z.array(retainedInstanceSchema).default([]),
      })
      .optional(),
  });
}

/** A stack of this project by its short name (`prod`, `prod-tenants-a`): the file is `Pulumi.<name>.yaml`. */
export const STACK_NAME = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a stack name such as "prod" (Pulumi.prod.yaml)');

export const maintenanceSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    snapshot: z
      .string()
      .regex(
        /^[a-zA-Z][a-zA-Z0-9-]{0,254}$/,
        "an RDS snapshot identifier: letters, digits and hyphens, starting with a letter",
      )
      .refine(
        (s) => !s.endsWith("-") && !s.includes("--"),
        "an RDS snapshot identifier cannot end with a hyphen or contain two consecutive hyphens",
      )
      .optional(),
    reason: z.string().optional(),
  })
  .default({ enabled: false });

/**
 * Secret config keys of the alert receivers. They are set with `pulumi config set --secret` (a `secure:` value in
 * the stack file), read by the program as secret Outputs, and never become part of PlatformConfig.
 */
export const ALERT_RECEIVER_SECRETS = {
  pagerdutyRoutingKey: "the PagerDuty Events API v2 routing key critical alerts page with",
  slackWebhookUrl: "the Slack incoming-webhook URL warning alerts are posted to",
} as const;
export type AlertReceiverSecret = keyof typeof ALERT_RECEIVER_SECRETS;
export const ALERT_RECEIVER_SECRET_KEYS = Object.keys(ALERT_RECEIVER_SECRETS) as AlertReceiverSecret[];

/**
 * Checks the receiver secrets: a non-empty string each, stored encrypted (when the caller knows which keys are
 * secret), and both present in production while alerts are enabled, so a critical alert always reaches someone.
 */
export function alertReceiverProblems(
  raw: Record<string, unknown>,
  env: Environment,
  alertsEnabled: boolean,
  secretKeys: readonly string[] | undefined,
  namespace: string,
): { key: string; value?: string; message: string }[] {
  const problems: { key: string; value?: string; message: string }[] = [];
  for (const name of ALERT_RECEIVER_SECRET_KEYS) {
    const key = `${namespace}:${name}`;
    const how = `set it with \`pulumi config set --secret ${key} <value>\``;
    const value = raw[name];
    if (value === undefined) {
      if (env === "production" && alertsEnabled)
        problems.push({
          key,
          message: `required in production while platform:alerts.enabled is true: ${ALERT_RECEIVER_SECRETS[name]}; ${how}`,
        });
      continue;
    }
    if (typeof value !== "string" || value.trim() === "") {
      problems.push({ key, value: "[secret]", message: `must be a non-empty string: ${ALERT_RECEIVER_SECRETS[name]}` });
    } else if (secretKeys && !secretKeys.includes(key)) {
      problems.push({
        key,
        value: "[not shown]",
        message: `must be a secret: a plain value sits readable in Pulumi.<stack>.yaml; ${how}`,
      });
    }
  }
  return problems;
}
