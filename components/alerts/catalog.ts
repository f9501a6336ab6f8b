import type { AlertMetrics } from "../../config/operations";
import type { AlertsConfig } from "../../config";

export type { AlertsConfig } from "../../config";
export type Severity = "critical" | "warning" | "info";
export type Priority = "P1" | "P2" | "P3" | "P4";

/** One alert as the catalog defines it; `buildAlertGroups` adds labels, the runbook URL and the tenant. */
export interface AlertDefinition {
  /** Alert name (`alertname`); warning and critical variants of one condition share it. */
  alert: string;
  severity: Severity;
  /** On-call priority the routing and the incident process use (P1 page now … P4 next business day). */
  priority: Priority;
  expr: string;
  /** How long the condition must hold before the alert fires. */
  for: string;
  summary: string;
  /** Annotation text; Prometheus templates such as `{{ $value }}` are expanded when the alert fires. */
  description: string;
}

/** What the rules need to know about the rest of the platform. */
export interface AlertContext {
  /** The platform namespace; every alert carries it as label `namespace` (see docs/alerts.md, routing). */
  namespace: string;
  /** Ids of the tenants that get per-tenant alerts (active enterprise tenants). */
  tenants: readonly string[];
  /** `platform:jobs.reconcile.stuckAfterMinutes`: when the reconciler fails a running job. Defaults to 60. */
  stuckAfterMinutes?: number;
  /** Longest gap between two scheduled restore verifications, in hours. Defaults to 168 (weekly). */
  restoreVerifyIntervalHours?: number;
  /**
   * A DR standby: its backup and restore-verification jobs never run (the primary's back up the data), so the
   * backup group is left out instead of firing on absent metrics. Defaults to false.
   */
  standby?: boolean;
}

export interface AlertGroupDefinition {
  name: string;
  alerts: AlertDefinition[];
}

/** PromQL number literal; JavaScript's shortest round-trip form is valid PromQL. */
const num = (value: number) => String(value);
const pctText = (value: number) => `${num(value)}%`;
const fractionText = (value: number) => `${num(Math.round(value * 10000) / 100)}%`;

type Level = "warning" | "critical";
const LEVELS: Level[] = ["warning", "critical"];

/** The warning and critical variants of one threshold condition (same alert name, inhibited by the critical one). */
function leveled(
  thresholds: { warning: number; critical: number },
  build: (level: Level, threshold: number) => Omit<AlertDefinition, "severity" | "priority">,
  priority: { warning: Priority; critical: Priority },
): AlertDefinition[] {
  return LEVELS.map((level) => ({ ...build(level, thresholds[level]), severity: level, priority: priority[level] }));
}

/** Whose requests and jobs an alert watches: the whole platform or one tenant. */
interface Scope {
  /** Summary prefix ("" or "Tenant acme: "). */
  prefix: string;
  requests: string;
  jobs: string;
  /** Label matchers of the HTTP metrics. */
  http: string;
  /** Selector of the job metrics ("" or `{tenant="acme"}`). */
  jobSelector: string;
}

const platformScope = (c: AlertsConfig): Scope => ({
  prefix: "",
  requests: "API requests",
  jobs: "finished jobs",
  http: `job="${c.metrics.upJob}"`,
  jobSelector: "",
});

function tenantScope(c: AlertsConfig, tenantId: string): Scope {
  const tenant = `${c.metrics.tenantLabel}="${tenantId}"`;
  return {
    prefix: `Tenant ${tenantId}: `,
    requests: `tenant ${tenantId}'s API requests`,
    jobs: `tenant ${tenantId}'s finished jobs`,
    http: `job="${c.metrics.upJob}",${tenant}`,
    jobSelector: `{${tenant}}`,
  };
}

function errorRateAlerts(c: AlertsConfig, alert: string, scope: Scope): AlertDefinition[] {
  const m = c.metrics;
  return leveled(
    c.errorRate,
    (_level, threshold) => ({
      alert,
      expr: `sum(rate(${m.httpRequests}{${scope.http},${m.httpErrorMatcher}}[5m])) / sum(rate(${m.httpRequests}{${scope.http}}[5m])) > ${num(threshold)}`,
      for: "5m",
      summary: `${scope.prefix}API error rate above ${fractionText(threshold)}.`,
      description: `{{ $value | humanizePercentage }} of ${scope.requests} failed over the last 5 minutes (threshold ${fractionText(threshold)}).`,
    }),
    { warning: "P2", critical: "P1" },
  );
}

function latencyAlerts(c: AlertsConfig, alert: string, scope: Scope): AlertDefinition[] {
  return leveled(
    c.latencyP95Seconds,
    (_level, threshold) => ({
      alert,
      expr: `histogram_quantile(0.95, sum by (le) (rate(${c.metrics.httpDuration}{${scope.http}}[5m]))) > ${num(threshold)}`,
      for: "10m",
      summary: `${scope.prefix}API p95 latency above ${num(threshold)}s.`,
      description: `95th percentile latency of ${scope.requests} is {{ $value | humanizeDuration }} (threshold ${num(threshold)}s).`,
    }),
    { warning: "P3", critical: "P2" },
  );
}

function jobFailureAlerts(c: AlertsConfig, alert: string, scope: Scope): AlertDefinition[] {
  const m = c.metrics;
  return leveled(
    c.jobFailureRate,
    (_level, threshold) => ({
      alert,
      expr: `sum(rate(${m.jobsFailed}${scope.jobSelector}[15m])) / sum(rate(${m.jobsProcessed}${scope.jobSelector}[15m])) > ${num(threshold)}`,
      for: "10m",
      summary: `${scope.prefix}Job failure rate above ${fractionText(threshold)}.`,
      description: `{{ $value | humanizePercentage }} of ${scope.jobs} failed over the last 15 minutes (threshold ${fractionText(threshold)}).`,
    }),
    { warning: "P2", critical: "P1" },
  );
}

function availability(c: AlertsConfig): AlertDefinition[] {
  const m = c.metrics;
  const api = `job="${m.upJob}"`;
  return [
    {
      alert: "ApiDown",
      severity: "critical",
      priority: "P1",
      expr: `(sum(up{${api}}) or vector(0)) == 0`,
      for: "2m",
      summary: "The API is down: no instance answers its health check.",
      description: `No target of scrape job "${m.upJob}" has been up for 2 minutes (or none is scraped at all).`,
    },
    ...errorRateAlerts(c, "ApiErrorRateHigh", platformScope(c)),
    ...latencyAlerts(c, "ApiLatencyHigh", platformScope(c)),
    {
      alert: "CertificateExpiringSoon",
      severity: "warning",
      priority: "P3",
      expr: `min by (instance) (${m.certificateExpiry}) - time() < ${num(c.certificateExpiryDays * 86400)}`,
      for: "1h",
      summary: `A TLS certificate expires within ${c.certificateExpiryDays} days.`,
      description: `The certificate served by {{ $labels.instance }} expires in {{ $value | humanizeDuration }}.`,
    },
  ];
}

function nodes(c: AlertsConfig): AlertDefinition[] {
  const m = c.metrics;
  const fs = `fstype!~"tmpfs|overlay|squashfs|nsfs"`;
  return [
    {
      alert: "NodeCpuHigh",
      severity: "warning",
      priority: "P3",
      expr: `1 - avg by (instance) (rate(${m.nodeCpuSeconds}{mode="idle"}[5m])) > ${num(c.cpuPercent.warning / 100)}`,
      for: `${c.cpuPercent.forMinutes}m`,
      summary: `Node CPU above ${pctText(c.cpuPercent.warning)} for ${c.cpuPercent.forMinutes} minutes.`,
      description: `CPU of {{ $labels.instance }} is {{ $value | humanizePercentage }} busy (threshold ${pctText(c.cpuPercent.warning)}).`,
    },
    ...leveled(
      c.memoryPercent,
      (_level, threshold) => ({
        alert: "NodeMemoryHigh",
        expr: `1 - ${m.nodeMemoryAvailable} / ${m.nodeMemoryTotal} > ${num(threshold / 100)}`,
        for: "5m",
        summary: `Node memory above ${pctText(threshold)}.`,
        description: `Memory of {{ $labels.instance }} is {{ $value | humanizePercentage }} used (threshold ${pctText(threshold)}).`,
      }),
      { warning: "P3", critical: "P2" },
    ),
    ...leveled(
      c.diskPercent,
      (level, threshold) => ({
        alert: "NodeDiskUsageHigh",
        expr: `1 - ${m.nodeFilesystemAvailable}{${fs}} / ${m.nodeFilesystemSize}{${fs}} > ${num(threshold / 100)}`,
        for: level === "critical" ? "5m" : "15m",
        summary: `Disk usage above ${pctText(threshold)}.`,
        description: `Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} is {{ $value | humanizePercentage }} full (threshold ${pctText(threshold)}).`,
      }),
      { warning: "P3", critical: "P2" },
    ),
  ];
}

function data(c: AlertsConfig): AlertDefinition[] {
  const m = c.metrics;
  return [
    {
      alert: "DatabaseDown",
      severity: "critical",
      priority: "P1",
      expr: `(max(${m.dbUp}) or vector(0)) == 0`,
      for: "2m",
      summary: "The database is down or unreachable.",
      description: "postgres_exporter has not reached the database for 2 minutes (or reports nothing at all).",
    },
    ...leveled(
      c.dbConnectionsPercent,
      (_level, threshold) => ({
        alert: "DatabaseConnectionPoolSaturated",
        expr: `sum(${m.dbConnections}) / max(${m.dbMaxConnections}) > ${num(threshold / 100)}`,
        for: "5m",
        summary: `Database connections above ${pctText(threshold)} of max_connections.`,
        description: `{{ $value | humanizePercentage }} of the database's max_connections are in use (threshold ${pctText(threshold)}).`,
      }),
      { warning: "P3", critical: "P2" },
    ),
    ...leveled(
      c.replicationLagSeconds,
      (_level, threshold) => ({
        alert: "DatabaseReplicationLagHigh",
        expr: `max by (instance) (${m.dbReplicationLagSeconds}) > ${num(threshold)}`,
        for: "5m",
        summary: `Database replication lag above ${num(threshold)}s.`,
        description: `Replica {{ $labels.instance }} is {{ $value | humanizeDuration }} behind the primary (threshold ${num(threshold)}s).`,
      }),
      { warning: "P3", critical: "P2" },
    ),
    ...leveled(
      c.redisConnectionsPercent,
      (_level, threshold) => ({
        alert: "RedisConnectionsHigh",
        expr: `max by (instance) (${m.redisConnections} / ${m.redisMaxClients}) > ${num(threshold / 100)}`,
        for: "5m",
        summary: `Redis connections above ${pctText(threshold)} of maxclients.`,
        description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxclients (threshold ${pctText(threshold)}).`,
      }),
      { warning: "P3", critical: "P2" },
    ),
    ...leveled(
      c.redisMemoryPercent,
      (_level, threshold) => ({
        alert: "RedisMemoryHigh",
        expr: `max by (instance) (${m.redisMemoryUsed} / (${m.redisMemoryMax} > 0)) > ${num(threshold / 100)}`,
        for: "5m",
        summary: `Redis memory above ${pctText(threshold)} of maxmemory.`,
        description: `{{ $labels.instance }} uses {{ $value | humanizePercentage }} of its maxmemory (threshold ${pctText(threshold)}).`,
      }),
      { warning: "P3", critical: "P2" },
    ),
  ];
}

function jobs(c: AlertsConfig, context: AlertContext): AlertDefinition[] {
  const m = c.metrics;
  const t = m.tenantLabel;
  const stuck = context.stuckAfterMinutes ?? 60;
  const workloadNamespaces = `namespace=~"${context.namespace}|tenant-.+"`;
  return [
    ...leveled(
      c.queueBacklog,
      (_level, threshold) => ({
        alert: "QueueBacklogHigh",
        expr: `sum by (queue) (${m.queueDepth}) > ${num(threshold)}`,
        for: "15m",
        summary: `More than ${num(threshold)} jobs queued.`,
        description: `Queue "{{ $labels.queue }}" holds {{ $value }} jobs (threshold ${num(threshold)}) for 15 minutes.`,
      }),
      { warning: "P3", critical: "P2" },
    ),
    {
      alert: "WorkerHpaMaxedOut",
      severity: "warning",
      priority: "P3",
      // The workload's namespace moves to `workload_namespace`: the `namespace` label names the alert's owner.
      expr: `label_replace(${m.hpaCurrentReplicas}{${workloadNamespaces}} >= on (namespace, horizontalpodautoscaler) ${m.hpaMaxReplicas}{${workloadNamespaces}}, "workload_namespace", "$1", "namespace", "(.*)")`,
      for: "15m",
      summary: "A worker pool has run at its maximum replicas for 15 minutes.",
      description:
        "HPA {{ $labels.workload_namespace }}/{{ $labels.horizontalpodautoscaler }} has been at its maximum of {{ $value }} replicas for 15 minutes.",
    },
    ...jobFailureAlerts(c, "JobFailureRateHigh", platformScope(c)),
    {
      alert: "SemaphoreLeak",
      severity: "critical",
      priority: "P1",
      expr: `sum by (${t}) (${m.semaphoreInUse}) - (sum by (${t}) (${m.jobsRunning}) or sum by (${t}) (${m.semaphoreInUse}) * 0) > 0`,
      for: "30m",
      summary: "Job semaphore slots are held without running jobs.",
      description: `{{ $value }} semaphore slots of tenant "{{ $labels.${t} }}" have been held by no running job for 30 minutes; the reconciler is not releasing them.`,
    },
    {
      alert: "JobsStuck",
      severity: "warning",
      priority: "P2",
      expr: `sum by (${t}) (${m.jobsStuck}) > 0`,
      for: "20m",
      summary: `Jobs have been running for more than ${stuck} minutes.`,
      description: `{{ $value }} jobs of tenant "{{ $labels.${t} }}" have been running longer than ${stuck} minutes and the reconciler has not failed them for 20 minutes.`,
    },
    {
      alert: "CronJobFailing",
      severity: "warning",
      priority: "P3",
      expr: `max by (owner_name) ((${m.kubeJobFailed}{namespace="${context.namespace}"} > 0) * on (namespace, job_name) group_left (owner_name) ${m.kubeJobOwner}{namespace="${context.namespace}",owner_kind="CronJob"})`,
      for: "15m",
      summary: "A platform CronJob's run failed.",
      description:
        "A run of CronJob {{ $labels.owner_name }} failed ({{ $value }} failed pods) and has not been cleaned up for 15 minutes.",
    },
  ];
}

function backups(c: AlertsConfig, context: AlertContext): AlertDefinition[] {
  const m = c.metrics;
  const staleSeconds = c.backupStaleHours * 3600;
  // A verification may take a few hours after its scheduled start: allow 6 h on top of the schedule's longest gap.
  const verifyHours = Math.ceil((context.restoreVerifyIntervalHours ?? 168) + 6);
  return [
    {
      alert: "BackupStale",
      severity: "critical",
      priority: "P2",
      expr: `time() - max(${m.backupLastSuccess}) > ${num(staleSeconds)} or absent(${m.backupLastSuccess})`,
      for: "15m",
      summary: `No successful database backup for ${c.backupStaleHours} hours.`,
      description: `The last successful backup finished {{ $value | humanizeDuration }} ago (threshold ${c.backupStaleHours}h); 1s means no backup has ever reported success.`,
    },
    {
      alert: "RestoreVerificationFailed",
      severity: "critical",
      priority: "P2",
      expr: `max(${m.restoreVerifyFailed}) > 0`,
      for: "5m",
      summary: "The last restore verification failed: backups may not be restorable.",
      description: "The scheduled restore of the latest backup into a scratch database failed its checks.",
    },
    {
      alert: "RestoreVerificationStale",
      severity: "warning",
      priority: "P3",
      expr: `time() - max(${m.restoreVerifyLastSuccess}) > ${num(verifyHours * 3600)} or absent(${m.restoreVerifyLastSuccess})`,
      for: "1h",
      summary: `No successful restore verification for ${verifyHours} hours.`,
      description: `The last successful restore verification finished {{ $value | humanizeDuration }} ago (threshold ${verifyHours}h); 1s means no verification has ever reported success.`,
    },
  ];
}

/** Per-tenant alerts of one tenant: its own error rate, latency and job failures, labelled `tenant`. */
export function tenantAlertDefinitions(c: AlertsConfig, tenantId: string): AlertDefinition[] {
  const scope = tenantScope(c, tenantId);
  return [
    ...errorRateAlerts(c, "TenantErrorRateHigh", scope),
    ...latencyAlerts(c, "TenantLatencyHigh", scope),
    ...jobFailureAlerts(c, "TenantJobFailureRateHigh", scope),
  ];
}

/** The platform-wide alert groups, from the runbooks' thresholds in `platform:alerts`. */
export function platformAlertDefinitions(c: AlertsConfig, context: AlertContext): AlertGroupDefinition[] {
  return [
    { name: "platform-availability", alerts: availability(c) },
    { name: "platform-nodes", alerts: nodes(c) },
    { name: "platform-data", alerts: data(c) },
    { name: "platform-jobs", alerts: jobs(c, context) },
    ...(context.standby ? [] : [{ name: "platform-backups", alerts: backups(c, context) }]),
  ];
}

export type { AlertMetrics };
