// The monitoring pieces in the production plan: each object is what the component that judges it expects — the
// prometheus-operator CRDs (schema via @kubernetes-models/prometheus-operator), kube-prometheus-stack's selectors,
// prometheus-adapter's rule format, postgres_exporter's and redis_exporter's settings — and the config rules around them.
import { beforeAll, describe, expect, it } from "vitest";
import { renderStack, type RenderedStack } from "../../helpers/render";
import { kubernetesSchemaError } from "../../helpers/kubernetes-schema";
import { problemsOf } from "../../helpers/config";
import { cleanupJobName } from "../../../components/monitoring/pushgateway-cleanup";
import { queueAdapterConfig } from "../../../components/monitoring/monitors";
import * as stacks from "../../fixtures/stacks";

const CR = (kind: string, version = "v1") => `kubernetes:monitoring.coreos.com/${version}:${kind}`;
const spec = (r: { inputs: Record<string, unknown> }) => r.inputs.spec as any;
const labelsOf = (r: { inputs: Record<string, unknown> }) =>
  (r.inputs.metadata as any).labels as Record<string, string>;
const envOf = (deployment: { inputs: Record<string, unknown> }) =>
  Object.fromEntries(
    (
      spec(deployment).template.spec.containers[0].env as Array<{ name: string; value?: string; valueFrom?: unknown }>
    ).map((e) => [e.name, e.value ?? e.valueFrom]),
  );

describe("monitoring in the production plan", () => {
  let prod: RenderedStack;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
  }, 120_000);

  it("labels every rule and monitor release=prometheus (kube-prometheus-stack selects release=<Helm release>) and validates them against the CRDs", () => {
    const objects = ["PrometheusRule", "ServiceMonitor", "PodMonitor", "Probe"].flatMap((k) => prod.ofType(CR(k)));
    expect(objects.length).toBeGreaterThanOrEqual(9);
    for (const object of objects) {
      expect(labelsOf(object).release, object.name).toBe("prometheus");
      expect(kubernetesSchemaError(object), object.name).toBeUndefined();
    }
  });

  it("scrapes the API with job label api (ApiDown's selector) and the worker pools of the platform and acme's dedicated pool", () => {
    const api = spec(prod.find(CR("ServiceMonitor"), "monitoring-api"));
    expect(api.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "api" });
    expect(api.endpoints[0]).toMatchObject({
      port: "http",
      path: "/metrics",
      relabelings: [{ action: "replace", targetLabel: "job", replacement: "api" }],
    });
    const workers = spec(prod.find(CR("PodMonitor"), "monitoring-workers"));
    // WorkerPool pods: app.kubernetes.io/name=worker, container port "http" (components/workers/worker-pool.ts).
    expect(workers.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "worker" });
    expect(workers.namespaceSelector.matchNames).toEqual(["platform", "tenant-acme"]);
    expect(workers.podMetricsEndpoints[0].port).toBe("http");
  });

  it("keeps the pushed job/stack/database labels of the Pushgateway (honorLabels) and probes the certificate endpoints", () => {
    const pushgateway = prod.find(CR("ServiceMonitor"), "monitoring-pushgateway");
    expect((pushgateway.inputs.metadata as any).namespace).toBe("monitoring");
    expect(spec(pushgateway).endpoints[0].honorLabels).toBe(true);
    const probe = spec(prod.find(CR("Probe"), "monitoring-endpoints"));
    expect(probe).toMatchObject({ jobName: "platform-endpoints", module: "http_2xx" });
    expect(probe.targets.staticConfig.static).toEqual([
      "https://api.platform.acme.example/healthz",
      "https://app.platform.acme.example/",
    ]);
  });

  it("serves the HPAs' External app_queue_depth through a prometheus-adapter rule that takes the max of the replicas", () => {
    const configMap = prod.find("kubernetes:core/v1:ConfigMap", "monitoring-adapter-rules");
    expect(configMap.inputs.metadata as any).toMatchObject({
      name: "prometheus-adapter-rules",
      namespace: "monitoring",
    });
    const config = JSON.parse((configMap.inputs.data as any)["config.yaml"]);
    // kubernetes-sigs/prometheus-adapter docs/externalmetrics.md: externalRules with seriesQuery, metricsQuery and a
    // namespace override; the adapter adds the HPA's namespace and selector to <<.LabelMatchers>>.
    expect(config.externalRules).toEqual([
      {
        seriesQuery: '{__name__="app_queue_depth",namespace!=""}',
        resources: { overrides: { namespace: { resource: "namespace" } } },
        name: { matches: "^app_queue_depth$", as: "app_queue_depth" },
        metricsQuery: "max(<<.Series>>{<<.LabelMatchers>>})",
      },
    ]);
    expect(JSON.parse(queueAdapterConfig(["b", "a", "b"])).externalRules.map((r: any) => r.name.as)).toEqual([
      "a",
      "b",
    ]);
  });

  it("runs postgres_exporter as its own pg_monitor login over TLS, with a generated secret password", () => {
    const role = prod.find("postgresql:index/role:Role", "monitoring-exporters-postgres-role");
    expect(role.inputs).toMatchObject({ name: "postgres_exporter", login: true, connectionLimit: 3 });
    expect(role.inputs.password).toBe("[secret]");
    expect(role.protect).toBe(true);
    expect(
      prod.find("postgresql:index/grantRole:GrantRole", "monitoring-exporters-postgres-pg-monitor").inputs,
    ).toMatchObject({ role: "postgres_exporter", grantRole: "pg_monitor" });
    const env = envOf(prod.find("kubernetes:apps/v1:Deployment", "monitoring-exporters-postgres-deployment"));
    expect(env.DATA_SOURCE_URI).toMatch(/:5432\/app\?sslmode=require$/);
    expect(env.DATA_SOURCE_PASS).toEqual({ secretKeyRef: { name: "postgres-exporter-credentials", key: "password" } });
    const secret = prod.find("kubernetes:core/v1:Secret", "monitoring-exporters-postgres-credentials");
    expect((secret.inputs.stringData as any).password).toBe("[secret]");
  });

  it("runs redis_exporter as its own ElastiCache user over TLS, without CONFIG (ElastiCache refuses it)", () => {
    const user = prod.find("aws:elasticache/user:User", "monitoring-exporters-redis-user");
    expect(user.inputs.accessString).not.toMatch(/[~&]|\+@all|config/);
    expect(
      prod.find(
        "aws:elasticache/userGroupAssociation:UserGroupAssociation",
        "monitoring-exporters-redis-user-membership",
      ),
    ).toBeDefined();
    const env = envOf(prod.find("kubernetes:apps/v1:Deployment", "monitoring-exporters-redis-deployment"));
    expect(env.REDIS_ADDR).toMatch(/^rediss:\/\/.+:6379$/);
    expect(env.REDIS_EXPORTER_CONFIG_COMMAND).toBe("-");
  });

  it("has the reconciler push app_jobs_stuck and the backups push per stack; cleans up groups of databases gone", () => {
    const reconcile = prod.find("kubernetes:batch/v1:CronJob", "jobs-reconcile-cronjob");
    const env = Object.fromEntries(
      (spec(reconcile).jobTemplate.spec.template.spec.containers[0].env as any[]).map((e) => [e.name, e.value]),
    );
    expect(env.RECONCILE_METRICS_PUSH_URL).toBe(
      "http://pushgateway.monitoring.svc:9091/metrics/job/platform_reconcile/stack/prod",
    );
    const cleanup = prod.find("kubernetes:batch/v1:Job", "monitoring-pushgateway-cleanup-job");
    const cleanupEnv = Object.fromEntries(
      (spec(cleanup).template.spec.containers[0].env as any[]).map((e) => [e.name, e.value]),
    );
    expect(cleanupEnv).toMatchObject({
      PUSHGATEWAY_STACK: "prod",
      BACKUP_JOB: "platform_backup",
      EXPECTED_DATABASES: "app tenant_acme tenant_globex tenant_wayne_ent",
    });
    expect((cleanup.inputs.metadata as any).name).toBe(
      cleanupJobName("prod", ["app", "tenant_acme", "tenant_globex", "tenant_wayne_ent"]),
    );
    expect(cleanupJobName("prod", ["app", "tenant_acme"])).not.toBe(cleanupJobName("prod", ["app"]));
    expect(cleanupJobName("prod", ["b", "a"])).toBe(cleanupJobName("prod", ["a", "b"]));
  });
});

describe("monitoring switches", () => {
  it("creates no monitor, exporter or adapter object when platform:monitoring.enabled is false", async () => {
    const stack = stacks.production();
    stack["platform:monitoring"] = { enabled: false };
    const result = await renderStack(stack, { stack: "prod" });
    for (const kind of ["ServiceMonitor", "PodMonitor", "Probe"]) expect(result.ofType(CR(kind))).toEqual([]);
    expect(result.resources.filter((r) => r.name.startsWith("monitoring"))).toEqual([]);
    // The alert rules stay: the cluster's own scrapes may feed them.
    expect(result.ofType(CR("PrometheusRule")).length).toBeGreaterThan(0);
  }, 120_000);
});

describe("platform:monitoring config rules", () => {
  const prodWith = (mutate: (c: Record<string, any>) => void) => {
    const c = stacks.production() as Record<string, any>;
    mutate(c);
    return c;
  };

  it("refuses a PrometheusRule label release that differs from the Helm release the operator selects", () => {
    const problems = problemsOf(
      prodWith((c) => (c["platform:alerts"] = { ...c["platform:alerts"], selectorLabels: { release: "kps" } })),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ key: "platform:alerts.selectorLabels.release", value: "kps" });
    expect(problems[0].message).toContain('platform:monitoring.release ("prometheus")');
  });

  it("refuses a latency threshold that is no bucket bound of the histogram", () => {
    const problems = problemsOf(
      prodWith(
        (c) => (c["platform:alerts"] = { ...c["platform:alerts"], latencyP95Seconds: { warning: 3, critical: 10 } }),
      ),
    );
    expect(problems.map((p) => p.key)).toEqual(["platform:alerts.latencyP95Seconds.warning"]);
    expect(problems[0].message).toContain("0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10");
  });

  it("counts the exporter's ElastiCache user: 98 tenant users plus default, platform and exporter would be 101", () => {
    const tenants = Array.from({ length: 98 }, (_, i) => ({ id: `ent-${i}`, name: `E${i}`, tier: "enterprise" }));
    const withTenants = (c: Record<string, any>) => {
      c["platform:database"].maxConnections = 262143;
      c["platform:tenants"] = tenants;
    };
    const problems = problemsOf(prodWith(withTenants));
    expect(problems.map((p) => p.key)).toEqual(["platform:monitoring.redisExporter.enabled"]);
    expect(
      problemsOf(prodWith((c) => (withTenants(c), (c["platform:monitoring"] = { redisExporter: { enabled: false } })))),
    ).toEqual([]);
  });
});
