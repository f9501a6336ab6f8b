// `platform:monitoring`: the pieces that produce the series the alert rules read (scrape monitors, exporters, probes,
// the Pushgateway's scrape, the HPA's queue metric), each optional where the cluster already runs its own, and the
// cross-field rules between them and `platform:alerts`. docs/alerts.md, "What you must run", explains every key.
import { z } from "zod";
import { dnsLabel, imageReference } from "./common";
import type { ConfigProblem } from "./errors";
import { keyName } from "./errors";

const key = (...path: (string | number)[]) => keyName("platform", path);

const labelMap = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/, "a Kubernetes label key"),
  z.string().max(63),
);
const scrapeInterval = z.string().regex(/^[0-9]+(s|m)$/, 'a scrape interval such as "30s" or "1m"');
const portName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a named container/service port such as "http"');
const urlPath = z.string().startsWith("/");

/**
 * The client libraries' default histogram buckets (client_golang `prometheus.DefBuckets`, prometheus/client_golang
 * prometheus/histogram.go; prom-client and client_python use the same bounds up to 10 s). The latency alerts
 * compare against a bucket bound, so each latency threshold must be one of these.
 */
export const DEFAULT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const monitoringSchema = z
  .strictObject({
    /** Whether the project creates any monitoring object (monitors, exporters, probes, adapter rules). */
    enabled: z.boolean().default(true),
    /**
     * Helm release of kube-prometheus-stack. Its Prometheus selects PrometheusRules, ServiceMonitors, PodMonitors
     * and Probes labelled `release: <release>` (chart values `*SelectorNilUsesHelmValues: true`, the default).
     */
    release: dnsLabel(1, 53, "a Helm release name").default("prometheus"),
    /** ServiceMonitor of the platform API (job label `platform:alerts.metrics.upJob`). */
    api: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Labels of the API's Service. */
        serviceSelector: labelMap.default({ "app.kubernetes.io/name": "api" }),
        /** Namespace of the API's Service. Defaults to `platform:kubernetes.namespace`. */
        namespace: dnsLabel(1, 63, "a namespace name").optional(),
        port: portName.default("http"),
        path: urlPath.default("/metrics"),
        interval: scrapeInterval.default("30s"),
      })
      .prefault({}),
    /** PodMonitors of the worker pools (platform namespace and tenant namespaces), on each pool's `http` port. */
    workers: z
      .strictObject({
        enabled: z.boolean().default(true),
        path: urlPath.default("/metrics"),
        interval: scrapeInterval.default("30s"),
        /** `job` label of the worker series. */
        job: z.string().min(1).default("worker"),
      })
      .prefault({}),
    /** postgres_exporter Deployment with its own `pg_monitor` login. Off when the cluster already scrapes the database. */
    postgresExporter: z
      .strictObject({
        enabled: z.boolean().default(true),
        image: imageReference.default("quay.io/prometheuscommunity/postgres-exporter:v0.17.1"),
        /** PostgreSQL role of the exporter (LOGIN, member of pg_monitor only). */
        roleName: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, "a PostgreSQL role name")
          .default("postgres_exporter"),
      })
      .prefault({}),
    /** redis_exporter Deployment with its own ElastiCache user over TLS. Off when the cluster already scrapes Redis. */
    redisExporter: z
      .strictObject({
        enabled: z.boolean().default(true),
        image: imageReference.default("oliver006/redis_exporter:v1.74.0"),
      })
      .prefault({}),
    /** blackbox_exporter Probe of the endpoints whose certificates matter. Off when `targets` is empty. */
    probes: z
      .strictObject({
        /** `host:port` of an existing blackbox_exporter (prometheus-community/prometheus-blackbox-exporter chart). */
        prober: z.string().default("prometheus-blackbox-exporter.monitoring.svc:9115"),
        /** blackbox module that probes over HTTPS and verifies the chain (the chart's `http_2xx`). */
        module: z.string().default("http_2xx"),
        /** URLs to probe (https://…). */
        targets: z
          .array(z.url({ protocol: /^https$/, message: 'an https URL such as "https://api.example.com/healthz"' }))
          .default([]),
        interval: scrapeInterval.default("60s"),
      })
      .prefault({}),
    /** ServiceMonitor of an existing Pushgateway (`honorLabels: true`, so the pushed `job`/`stack` labels survive). */
    pushgateway: z
      .strictObject({
        serviceMonitor: z.boolean().default(true),
        /** Labels of the Pushgateway's Service (prometheus-community/prometheus-pushgateway chart). */
        serviceSelector: labelMap.default({ "app.kubernetes.io/name": "prometheus-pushgateway" }),
        /** Namespace of the Pushgateway. Defaults to `platform:kubernetes.monitoringNamespace`. */
        namespace: dnsLabel(1, 63, "a namespace name").optional(),
        port: portName.default("http"),
        /** Image of the Job that deletes the Pushgateway groups of databases that went away (sh + curl). */
        cleanupImage: imageReference.default("curlimages/curl:8.11.1"),
      })
      .prefault({}),
    /**
     * Who serves the HPA's External queue metric (`external.metrics.k8s.io`): `prometheus-adapter` renders the
     * adapter's rule ConfigMap (chart value `rules.existing: <configMapName>`); `none` when the cluster serves it
     * otherwise (e.g. KEDA) — then the queue-based scaling of the pools depends on that.
     */
    queueMetrics: z
      .strictObject({
        adapter: z.enum(["prometheus-adapter", "none"]).default("prometheus-adapter"),
        configMapName: dnsLabel(1, 63, "a ConfigMap name").default("prometheus-adapter-rules"),
      })
      .prefault({}),
  })
  .prefault({});

export type MonitoringConfig = z.output<typeof monitoringSchema>;

/**
 * The labels the operator selects rule and monitor objects by: `release: <platform:monitoring.release>`, plus the
 * extra `platform:alerts.selectorLabels`.
 */
export function monitorSelectorLabels(
  monitoring: Pick<MonitoringConfig, "release">,
  alerts: { selectorLabels: Record<string, string> },
): Record<string, string> {
  return { ...alerts.selectorLabels, release: monitoring.release };
}

/**
 * ElastiCache allows 100 users per user group (AWS ElastiCache quotas, "Users per user group"); the disabled
 * `default` user, the platform user and the exporter's user leave 97 for tenants (config/rules.ts counts 98 without
 * the exporter and reports beyond that itself).
 */
export const MAX_TENANT_REDIS_USERS_WITH_EXPORTER = 97;

/** Cross-field rules of `platform:monitoring` with `platform:alerts` and the Redis user group. */
export function monitoringProblems(config: {
  /** Tenants with a Redis user in the platform's user group (counted by config/rules.ts). */
  tenantRedisUsers?: number;
  monitoring?: MonitoringConfig;
  alerts?: {
    selectorLabels: Record<string, string>;
    latencyP95Seconds: { warning: number; critical: number };
    latencyBuckets: readonly number[];
  };
}): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { monitoring, alerts } = config;
  const users = config.tenantRedisUsers ?? 0;
  if (monitoring?.enabled && monitoring.redisExporter.enabled && users === MAX_TENANT_REDIS_USERS_WITH_EXPORTER + 1) {
    problems.push({
      key: key("monitoring", "redisExporter", "enabled"),
      value: "true",
      message: `the exporter's ElastiCache user would be the 101st of the platform's user group (100 at most: default, platform, exporter and ${users} tenant users); set it to false and scrape Redis otherwise, or give one tenant redisUser: false`,
    });
  }
  if (monitoring && alerts) {
    const release = alerts.selectorLabels.release;
    if (release !== undefined && release !== monitoring.release) {
      problems.push({
        key: key("alerts", "selectorLabels", "release"),
        value: release,
        message: `differs from platform:monitoring.release ("${monitoring.release}"): kube-prometheus-stack's Prometheus selects rules and monitors labelled release=<its Helm release>; set platform:monitoring.release to the release and drop this label`,
      });
    }
  }
  if (alerts) {
    const buckets = alerts.latencyBuckets;
    for (const level of ["warning", "critical"] as const) {
      const threshold = alerts.latencyP95Seconds[level];
      if (!buckets.includes(threshold)) {
        problems.push({
          key: key("alerts", "latencyP95Seconds", level),
          value: String(threshold),
          message: `must be a bucket bound of the API's latency histogram (${buckets.join(", ")} s, platform:alerts.latencyBuckets): p95 above a threshold is read as "more than 5 % of requests slower than that bucket"`,
        });
      }
    }
  }
  return problems;
}
