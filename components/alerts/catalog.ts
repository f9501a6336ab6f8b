// The alert catalog: every platform-wide and per-tenant alert, from the runbooks' thresholds in `platform:alerts`.
// Each expression reads series the way the exporter that produces them shapes them (docs/alerts.md, "What you must
// run"); test/components/alerts/promtool replays those shapes.
import type { AlertMetrics } from "../../config/operations";
import {
  AlertContext,
  AlertDefinition,
  AlertGroupDefinition,
  AlertsConfig,
  anyOf,
  fractionText,
  leveled,
  num,
  pctText,
  str,
} from "./definitions";
import { backups, jobFailureAlerts, jobs } from "./catalog-jobs";

export type {
  AlertContext,
  AlertDefinition,
  AlertGroupDefinition,
  AlertsConfig,
  Priority,
  Severity,
} from "./definitions";

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

/** The `le` values a bucket bound is written as: Go and JavaScript clients write 10 as "10", Python and Java "10.0". */
function leMatcher(bound: number): string {
  const text = num(bound);
  return `le=~${str(anyOf(Number.isInteger(bound) ? [text, `${text}.0`] : [text]))}`;
}

/**
 * p95 above T ⟺ more than 5 % of requests slower than T, read from the histogram's cumulative buckets: the share
 * outside the `le=T` bucket. Unlike histogram_quantile, which never returns more than the top finite bound (10 s with
 * the client libraries' default buckets), this fires for a threshold at the top bound too. T must be a bucket bound
 * (config rule in config/monitoring.ts).
 */
function latencyAlerts(c: AlertsConfig, alert: string, scope: Scope): AlertDefinition[] {
  const h = c.metrics.httpDuration;
  return leveled(
    c.latencyP95Seconds,
    (_level, threshold) => {
      const all = `sum(rate(${h}{${scope.http},le="+Inf"}[5m]))`;
      const fast = `sum(rate(${h}{${scope.http},${leMatcher(threshold)}}[5m]))`;
      return {
        alert,
        expr: `(${all} - ${fast}) / ${all} > 0.05`,
        for: "10m",
        summary: `${scope.prefix}API p95 latency above ${num(threshold)}s.`,
        description: `{{ $value | humanizePercentage }} of ${scope.requests} took longer than ${num(threshold)}s over the last 5 minutes, so the 95th percentile is above ${num(threshold)}s.`,
      };
    },
    { warning: "P3", critical: "P2" },
  );
}

function availability(c: AlertsConfig): AlertDefinition[] {
  const m = c.metrics;
  const api = `job="${m.upJob}"`;
  const probe = `job=${str(m.probeJob)}`;
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
      alert: "EndpointProbeFailed",
      severity: "critical",
      priority: "P2",
      // blackbox_exporter's probe_success (prober/handler.go): 0 when the TLS handshake, the chain or the status fails.
      expr: `min by (instance) (${m.probeSuccess}{${probe}}) == 0`,
      for: "5m",
      summary: "An endpoint whose certificate matters fails its blackbox probe.",
      description:
        "blackbox_exporter has not completed a probe of {{ $labels.instance }} for 5 minutes (connection, TLS handshake, certificate chain or HTTP status).",
    },
    {
      alert: "CertificateExpiringSoon",
      severity: "warning",
      priority: "P3",
      // The prober sets probe_ssl_earliest_cert_expiry only after a successful handshake (prober/http.go): at expiry
      // the series stops. last_over_time keeps the last known expiry for a week, so the alert does not clear then.
      expr: `min by (instance) (last_over_time(${m.certificateExpiry}{${probe}}[7d])) - time() < ${num(c.certificateExpiryDays * 86400)}`,
      for: "1h",
      summary: `A TLS certificate expires within ${c.certificateExpiryDays} days.`,
      description: `The certificate served by {{ $labels.instance }} expires in {{ $value | humanizeDuration }} (negative: it has expired).`,
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
        // A read-only mount (Bottlerocket's /dev/root, squashfs images) is full by design: node_filesystem_readonly.
        expr: `(1 - ${m.nodeFilesystemAvailable}{${fs}} / ${m.nodeFilesystemSize}{${fs}} > ${num(threshold / 100)}) unless on (instance, device, mountpoint) ${m.nodeFilesystemReadonly}{${fs}} == 1`,
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
      // One series per exporter target (label instance): a healthy target must not hide a down one.
      expr: `min by (instance) (${m.dbUp}) == 0 or absent(${m.dbUp})`,
      for: "2m",
      summary: "The database is down or unreachable.",
      description:
        "{{ if $labels.instance }}postgres_exporter target {{ $labels.instance }} has not reached its database for 2 minutes.{{ else }}No postgres_exporter reports pg_up at all: not deployed, not scraped, or its ServiceMonitor not selected.{{ end }}",
    },
    ...leveled(
      c.dbConnectionsPercent,
      (_level, threshold) => ({
        alert: "DatabaseConnectionPoolSaturated",
        expr: `sum by (instance) (${m.dbConnections}) / max by (instance) (${m.dbMaxConnections}) > ${num(threshold / 100)}`,
        for: "5m",
        summary: `Database connections above ${pctText(threshold)} of max_connections.`,
        description: `{{ $value | humanizePercentage }} of the max_connections of {{ $labels.instance }} are in use (threshold ${pctText(threshold)}).`,
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
        expr: `max by (instance) (${m.redisConnections}) / max by (instance) (${m.redisMaxClients} > 0) > ${num(threshold / 100)}`,
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

/** Per-tenant alerts of one tenant: its own error rate, latency and job failures, labelled `tenant`. */
export function tenantAlertDefinitions(c: AlertsConfig, tenantId: string): AlertDefinition[] {
  const scope = tenantScope(c, tenantId);
  return [
    ...errorRateAlerts(c, "TenantErrorRateHigh", scope),
    ...latencyAlerts(c, "TenantLatencyHigh", scope),
    ...jobFailureAlerts(c, "TenantJobFailureRateHigh", scope),
  ];
}

/** The backup alerts of one stack (`context.stack`, `context.backupDatabases`). */
export const backupAlertDefinitions = (c: AlertsConfig, context: AlertContext) => backups(c, context);

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
