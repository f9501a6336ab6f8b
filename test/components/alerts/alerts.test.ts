import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT, renderStack } from "../../helpers/render";
import { parsePlatformConfig, rawPlatformConfig } from "../../../config";
import { stackConfigFromObject, offlineSecretPlaceholder } from "@platform/offline-plan";
import { buildAlertGroups, buildAlertmanagerConfigSpec, runbookSlug } from "../../../components/alerts";
import * as stacks from "../../fixtures/stacks";

const PROM_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const AM_CONFIG = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig";

function configOf(stack: Record<string, unknown>) {
  const { raw, awsRegion } = rawPlatformConfig(stackConfigFromObject(stack, "platform").config);
  return parsePlatformConfig(raw, awsRegion);
}
const prod = configOf(stacks.production());
const context = { namespace: "platform", tenants: ["acme"] };
const allRules = (groups = buildAlertGroups(prod.alerts, context)) => groups.flatMap((g) => g.rules);

describe("alert rules (buildAlertGroups)", () => {
  it("gives every alert a severity, a P1–P4 priority, a summary, a description, a runbook URL and a for duration", () => {
    for (const rule of allRules()) {
      expect(["critical", "warning", "info"], rule.alert).toContain(rule.labels.severity);
      expect(rule.labels.priority, rule.alert).toMatch(/^P[1-4]$/);
      expect(rule.annotations.summary.length, rule.alert).toBeGreaterThan(10);
      expect(rule.for, rule.alert).toMatch(/^\d+[mh]$/);
      expect(rule.labels.namespace, rule.alert).toBe("platform");
      expect(rule.annotations.runbook_url, rule.alert).toBe(
        `https://github.com/acme/platform/blob/main/docs/runbooks/${runbookSlug(rule.alert)}.md`,
      );
    }
  });

  it("states the measured value in the description of every threshold alert", () => {
    const booleanConditions = ["ApiDown", "DatabaseDown", "EndpointProbeFailed", "RestoreVerificationFailed"];
    for (const rule of allRules().filter((r) => !booleanConditions.includes(r.alert))) {
      expect(rule.annotations.description, rule.alert).toContain("{{ $value");
    }
  });

  it("ships a runbook page for every alert with what it means, first checks and the fix", () => {
    for (const alert of new Set(allRules().map((r) => r.alert))) {
      const path = join(PROJECT_ROOT, "docs", "runbooks", `${runbookSlug(alert)}.md`);
      expect(existsSync(path), `${path} for ${alert}`).toBe(true);
      const text = readFileSync(path, "utf8");
      expect(text, path).toContain(`# ${alert}`);
      for (const section of ["## What it means", "## First checks", "## Fix"])
        expect(text, `${path}: ${section}`).toContain(section);
    }
  });

  it("uses the runbooks' defaults: error rate 5 %/10 %, p95 5 s, disk 80/90 %, memory 85/95 %, CPU 80 % for 10 min, backups 26 h", () => {
    const staging = stacks.staging();
    delete staging["platform:alerts"];
    const defaults = configOf(staging);
    const rules = allRules(buildAlertGroups(defaults.alerts, context));
    const expr = (alert: string, severity: string) =>
      rules.find((r) => r.alert === alert && r.labels.severity === severity)!;
    expect(expr("ApiErrorRateHigh", "warning").expr).toMatch(/> 0\.05$/);
    expect(expr("ApiErrorRateHigh", "critical").expr).toMatch(/> 0\.1$/);
    // p95 above 5 s: more than 5 % of requests outside the le="5" bucket.
    expect(expr("ApiLatencyHigh", "warning").expr).toContain('le=~"5|5\\\\.0"');
    expect(expr("ApiLatencyHigh", "critical").expr).toContain('le=~"10|10\\\\.0"');
    expect(expr("NodeDiskUsageHigh", "warning").expr).toMatch(/> 0\.8\) unless /);
    expect(expr("NodeDiskUsageHigh", "critical").expr).toMatch(/> 0\.9\) unless /);
    expect(expr("NodeMemoryHigh", "warning").expr).toMatch(/> 0\.85$/);
    expect(expr("NodeMemoryHigh", "critical").expr).toMatch(/> 0\.95$/);
    expect(expr("NodeCpuHigh", "warning")).toMatchObject({ for: "10m" });
    expect(expr("NodeCpuHigh", "warning").expr).toMatch(/> 0\.8$/);
    expect(expr("BackupStale", "critical").expr).toContain(`> ${26 * 3600}`);
  });

  it("queries the metric names configured for the application instead of the defaults", () => {
    const alerts = {
      ...prod.alerts,
      metrics: {
        ...prod.alerts.metrics,
        httpRequests: "myapp_requests_total",
        upJob: "myapp",
        tenantLabel: "customer",
        queueDepth: "celery_queue_length",
      },
    };
    const rules = allRules(buildAlertGroups(alerts, context));
    const text = JSON.stringify(rules);
    expect(text).not.toContain("http_requests_total");
    expect(rules.find((r) => r.alert === "ApiDown")!.expr).toBe('(sum(up{job="myapp"}) or vector(0)) == 0');
    expect(rules.find((r) => r.alert === "TenantErrorRateHigh")!.expr).toContain(
      'myapp_requests_total{job="myapp",customer="acme",code=~"5.."}',
    );
    expect(rules.find((r) => r.alert === "QueueBacklogHigh")!.expr).toContain("celery_queue_length");
    expect(rules.find((r) => r.alert === "SemaphoreLeak")!.expr).toContain("sum by (customer)");
  });

  it("adds one group per listed tenant, every alert labelled with the tenant; none when tenantAlerts is off", () => {
    const groups = buildAlertGroups(prod.alerts, { namespace: "platform", tenants: ["acme", "globex"] });
    const tenantGroups = groups.filter((g) => g.name.startsWith("platform-tenant-"));
    expect(tenantGroups.map((g) => g.name)).toEqual(["platform-tenant-acme", "platform-tenant-globex"]);
    expect(tenantGroups[1].rules.every((r) => r.labels.tenant === "globex" && r.expr.includes('tenant="globex"'))).toBe(
      true,
    );
    const off = buildAlertGroups({ ...prod.alerts, tenantAlerts: false }, { namespace: "platform", tenants: ["acme"] });
    expect(off.some((g) => g.name.startsWith("platform-tenant-"))).toBe(false);
  });

  it("derives the stuck-job and restore-verification thresholds from the jobs and backups config", () => {
    const rules = allRules(
      buildAlertGroups(prod.alerts, { ...context, stuckAfterMinutes: 90, restoreVerifyIntervalHours: 24 }),
    );
    expect(rules.find((r) => r.alert === "JobsStuck")!.annotations.summary).toContain("90 minutes");
    expect(rules.find((r) => r.alert === "RestoreVerificationStale")!.expr).toContain(`> ${30 * 3600}`);
  });
});

describe("alert routing (buildAlertmanagerConfigSpec)", () => {
  const routing = prod.alerts.routing;
  it("pages critical alerts, posts warnings to chat and drops info; a critical inhibits its warning", () => {
    const spec = buildAlertmanagerConfigSpec({ routing, secretName: "alerts-receivers", paging: true, chat: true });
    expect(spec.route.receiver).toBe("none");
    expect(spec.route.routes).toEqual([
      { receiver: "pager", matchers: [{ name: "severity", matchType: "=", value: "critical" }] },
      { receiver: "chat", matchers: [{ name: "severity", matchType: "=", value: "warning" }] },
    ]);
    expect(spec.route.groupBy).toEqual(["alertname", "tenant"]);
    expect(spec.inhibitRules[0]).toMatchObject({
      sourceMatch: [{ value: "critical" }],
      targetMatch: [{ value: "warning" }],
    });
    expect(spec.inhibitRules[0].equal).toEqual(
      expect.arrayContaining(["alertname", "tenant", "instance", "mountpoint", "queue", "database", "stack"]),
    );
    expect(spec.receivers.map((r) => r.name)).toEqual(["none", "pager", "chat"]);
  });

  it("sends critical alerts to chat when no paging key is configured, rather than to a receiver without integrations", () => {
    const spec = buildAlertmanagerConfigSpec({ routing, secretName: "s", paging: false, chat: true });
    expect(spec.route.routes[0].receiver).toBe("chat");
    expect(spec.receivers.map((r) => r.name)).toEqual(["none", "chat"]);
  });
});

describe("AlertRules in the production stack", () => {
  it("creates PrometheusRules the operator selects, one per active enterprise tenant, valid against the CRD schema", async () => {
    const result = await renderStack(stacks.production(), { stack: "prod" });
    const rules = result.ofType(PROM_RULE);
    expect(rules.map((r) => r.name).sort()).toEqual([
      "alerts-rules",
      "alerts-tenant-acme",
      "alerts-tenant-globex",
      "alerts-tenant-wayne-ent",
    ]);
    const { PrometheusRule } =
      await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule");
    const { AlertmanagerConfig } =
      await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig");
    for (const rule of rules) {
      const metadata = rule.inputs.metadata as { namespace: string; labels: Record<string, string> };
      expect(metadata.namespace).toBe("platform");
      expect(metadata.labels).toMatchObject({
        release: "prometheus",
        "app.kubernetes.io/part-of": "platform",
        "app.kubernetes.io/managed-by": "pulumi",
      });
      expect(() => new PrometheusRule(rule.inputs as never).validate()).not.toThrow();
    }
    expect((result.find(PROM_RULE, "alerts-tenant-acme").inputs.metadata as any).labels).toMatchObject({
      "platform.io/tenant": "acme",
      "platform.io/tier": "enterprise",
    });
    const routing = result.find(AM_CONFIG, "alerts-routing");
    expect(() => new AlertmanagerConfig(routing.inputs as never).validate()).not.toThrow();
  });

  it("keeps receiver credentials secret: a Kubernetes Secret from the Pulumi secrets, referenced by the AlertmanagerConfig", async () => {
    const result = await renderStack(stacks.production(), { stack: "prod", revealSecrets: true });
    const secret = result.find("kubernetes:core/v1:Secret", "alerts-receivers");
    expect(Object.values(secret.inputs.stringData as object).every((v) => v === "[secret]")).toBe(true);
    expect(secret.revealedInputs!.stringData).toEqual({
      "pagerduty-routing-key": offlineSecretPlaceholder("platform:pagerdutyRoutingKey"),
      "slack-webhook-url": offlineSecretPlaceholder("platform:slackWebhookUrl"),
    });
    const routing = result.find(AM_CONFIG, "alerts-routing");
    expect(JSON.stringify(routing.revealedInputs)).not.toContain("offline-plan-placeholder");
    const receivers = (routing.inputs.spec as any).receivers;
    expect(receivers.find((r: any) => r.name === "pager").pagerdutyConfigs[0].routingKey).toEqual({
      name: "alerts-receivers",
      key: "pagerduty-routing-key",
    });
    expect(receivers.find((r: any) => r.name === "chat").slackConfigs[0]).toMatchObject({
      apiURL: { name: "alerts-receivers", key: "slack-webhook-url" },
      channel: "#platform-alerts",
    });
  });

  it("creates no alerting objects when platform:alerts.enabled is false", async () => {
    const stack = stacks.staging();
    stack["platform:alerts"] = { ...(stack["platform:alerts"] as object), enabled: false };
    const result = await renderStack(stack, { stack: "staging" });
    expect(result.ofType(PROM_RULE)).toEqual([]);
    expect(result.ofType(AM_CONFIG)).toEqual([]);
  });
});
