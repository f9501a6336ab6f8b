// The scrape side of the alerts: prometheus-operator objects that make Prometheus collect the series the rules read
// (the API, the worker pools, the Pushgateway, the blackbox probes) and the prometheus-adapter rule that serves the
// worker HPAs' External queue metric. Specs are pure functions; the component only registers them.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { standardLabels } from "../kubernetes/labels";
import type { MonitoringConfig } from "../../config/monitoring";

/** A relabeling that sets the `job` label (prometheus-operator RelabelConfig, `replacement` into `targetLabel`). */
const setJob = (job: string) => ({ action: "replace", targetLabel: "job", replacement: job });

/** ServiceMonitor spec of the API: every Service matching the selector, its job label forced to `job`. */
export function apiServiceMonitorSpec(api: MonitoringConfig["api"], namespace: string, job: string) {
  return {
    selector: { matchLabels: { ...api.serviceSelector } },
    namespaceSelector: { matchNames: [namespace] },
    endpoints: [{ port: api.port, path: api.path, interval: api.interval, relabelings: [setJob(job)] }],
  };
}

/**
 * PodMonitor spec of the worker pools (WorkerPool pods: `app.kubernetes.io/name: worker`, container port `http`) in
 * the given namespaces: the platform's and the tenant namespaces with dedicated pools.
 */
export function workerPodMonitorSpec(workers: MonitoringConfig["workers"], namespaces: readonly string[]) {
  return {
    selector: { matchLabels: { "app.kubernetes.io/name": "worker" } },
    namespaceSelector: { matchNames: [...namespaces] },
    podMetricsEndpoints: [
      { port: "http", path: workers.path, interval: workers.interval, relabelings: [setJob(workers.job)] },
    ],
  };
}

/**
 * ServiceMonitor spec of the Pushgateway. `honorLabels: true` keeps the pushed `job` and grouping labels (`stack`,
 * `database`) instead of the target's (prometheus/pushgateway README: "you should always set honor_labels: true").
 */
export function pushgatewayServiceMonitorSpec(pushgateway: MonitoringConfig["pushgateway"], namespace: string) {
  return {
    selector: { matchLabels: { ...pushgateway.serviceSelector } },
    namespaceSelector: { matchNames: [namespace] },
    endpoints: [{ port: pushgateway.port, honorLabels: true, interval: "30s" }],
  };
}

/**
 * Probe spec: blackbox_exporter at `prober` probes each target with `module`; `jobName` becomes the `job` label the
 * EndpointProbeFailed and CertificateExpiringSoon rules select, the target URL becomes `instance`.
 */
export function endpointProbeSpec(probes: MonitoringConfig["probes"], job: string) {
  return {
    jobName: job,
    prober: { url: probes.prober },
    module: probes.module,
    interval: probes.interval,
    targets: { staticConfig: { static: [...probes.targets] } },
  };
}

/**
 * prometheus-adapter configuration (`config.yaml` of the ConfigMap the chart mounts with `rules.existing`): one
 * external rule per queue metric the pools scale on. The adapter adds the HPA's namespace and the metric selector's
 * labels to `<<.LabelMatchers>>` (kubernetes-sigs/prometheus-adapter docs/externalmetrics.md, "Namespacing"); every
 * replica reports the same queue length from the shared Redis, so the query takes the max, not the sum.
 */
export function queueAdapterConfig(queueMetrics: readonly string[]): string {
  const rules = [...new Set(queueMetrics)].sort().map((metric) => ({
    seriesQuery: `{__name__="${metric}",namespace!=""}`,
    resources: { overrides: { namespace: { resource: "namespace" } } },
    name: { matches: `^${metric}$`, as: metric },
    metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>})",
  }));
  return JSON.stringify({ externalRules: rules }, null, 2);
}

export interface PlatformMonitorsArgs {
  /** The validated `platform:monitoring` section. */
  monitoring: MonitoringConfig;
  /** Labels the operator selects the objects by (`release: <platform:monitoring.release>`, alerts' extra labels). */
  selectorLabels: Record<string, string>;
  /** Namespace of the monitor objects (the platform namespace). */
  namespace: string;
  /** The cluster's monitoring namespace (Pushgateway, prometheus-adapter): `platform:kubernetes.monitoringNamespace`. */
  monitoringNamespace: string;
  /** `job` label of the API (`platform:alerts.metrics.upJob`). */
  apiJob: string;
  /** `job` label of the endpoint probes (`platform:alerts.metrics.probeJob`). */
  probeJob: string;
  /** Namespaces running worker pools: the platform's and the tenants' with dedicated pools. */
  workerNamespaces: readonly string[];
  /** Metric names the pools' HPAs scale on (External metrics). Defaults to none. */
  queueMetrics?: readonly string[];
  /** Kubernetes provider. */
  provider: k8s.Provider;
}

/**
 * The platform's monitor objects: a ServiceMonitor of the API, a PodMonitor of the worker pools, a ServiceMonitor of
 * the Pushgateway, a Probe of the endpoints whose certificates matter, and the prometheus-adapter rule ConfigMap —
 * each per its `platform:monitoring` switch.
 */
export class PlatformMonitors extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformMonitorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:monitoring:PlatformMonitors", name, {}, opts);
    const { monitoring, namespace, provider } = args;
    const childOpts = { parent: this, provider };
    const labels = (component: string) => ({
      ...standardLabels({ name: "monitoring", instance: name, component }),
      ...args.selectorLabels,
    });
    const monitor = (kind: string, role: string, ns: string, spec: unknown) =>
      new k8s.apiextensions.CustomResource(
        `${name}-${role}`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind,
          metadata: { name: `${name}-${role}`, namespace: ns, labels: labels(role) },
          spec,
        },
        childOpts,
      );

    if (monitoring.api.enabled)
      monitor(
        "ServiceMonitor",
        "api",
        namespace,
        apiServiceMonitorSpec(monitoring.api, monitoring.api.namespace ?? namespace, args.apiJob),
      );
    if (monitoring.workers.enabled && args.workerNamespaces.length > 0)
      monitor("PodMonitor", "workers", namespace, workerPodMonitorSpec(monitoring.workers, args.workerNamespaces));
    const pushgatewayNamespace = monitoring.pushgateway.namespace ?? args.monitoringNamespace;
    if (monitoring.pushgateway.serviceMonitor)
      monitor(
        "ServiceMonitor",
        "pushgateway",
        pushgatewayNamespace,
        pushgatewayServiceMonitorSpec(monitoring.pushgateway, pushgatewayNamespace),
      );
    if (monitoring.probes.targets.length > 0)
      monitor("Probe", "endpoints", namespace, endpointProbeSpec(monitoring.probes, args.probeJob));
    const queueMetrics = args.queueMetrics ?? [];
    if (monitoring.queueMetrics.adapter === "prometheus-adapter" && queueMetrics.length > 0) {
      new k8s.core.v1.ConfigMap(
        `${name}-adapter-rules`,
        {
          metadata: {
            name: monitoring.queueMetrics.configMapName,
            namespace: args.monitoringNamespace,
            labels: labels("adapter-rules"),
          },
          data: { "config.yaml": queueAdapterConfig(queueMetrics) },
        },
        childOpts,
      );
    }
    this.registerOutputs({});
  }
}
