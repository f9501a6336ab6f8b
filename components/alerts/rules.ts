import {
  AlertContext,
  AlertDefinition,
  AlertsConfig,
  backupAlertDefinitions,
  platformAlertDefinitions,
  tenantAlertDefinitions,
} from "./catalog";

export type { AlertContext, AlertDefinition, AlertsConfig, Priority, Severity } from "./definitions";

/** One alerting rule in Prometheus rule-file format. */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

/** One rule group in Prometheus rule-file format (the `spec.groups[]` of a PrometheusRule). */
export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** File name (without `.md`) of an alert's runbook page under docs/runbooks: `ApiErrorRateHigh` → `api-error-rate-high`. */
export function runbookSlug(alert: string): string {
  return alert
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

export function runbookUrl(config: Pick<AlertsConfig, "runbookBaseUrl">, alert: string): string {
  return `${config.runbookBaseUrl.replace(/\/+$/, "")}/${runbookSlug(alert)}.md`;
}

function toRule(
  config: AlertsConfig,
  context: AlertContext,
  definition: AlertDefinition,
  extraLabels: Record<string, string> = {},
): AlertRule {
  return {
    alert: definition.alert,
    expr: definition.expr,
    for: definition.for,
    labels: {
      severity: definition.severity,
      priority: definition.priority,
      namespace: context.namespace,
      ...extraLabels,
    },
    annotations: {
      summary: definition.summary,
      description: definition.description,
      runbook_url: runbookUrl(config, definition.alert),
    },
  };
}

/** Rule-group name of a tenant's alerts (unique across the merged rule file). */
export const tenantGroupName = (tenantId: string) => `platform-tenant-${tenantId}`;

/** The platform-wide rule groups. */
export function buildPlatformGroups(config: AlertsConfig, context: AlertContext): RuleGroup[] {
  return platformAlertDefinitions(config, context).map((group) => ({
    name: group.name,
    rules: group.alerts.map((definition) => toRule(config, context, definition)),
  }));
}

/** The backup group of one stack (a tenant shard's own backup jobs), named `name`. */
export function buildBackupGroup(config: AlertsConfig, context: AlertContext, name: string): RuleGroup {
  return { name, rules: backupAlertDefinitions(config, context).map((d) => toRule(config, context, d)) };
}

/** The rule group of one tenant: every alert carries the label `tenant: <id>` the on-call routing groups by. */
export function buildTenantGroup(config: AlertsConfig, context: AlertContext, tenantId: string): RuleGroup {
  return {
    name: tenantGroupName(tenantId),
    rules: tenantAlertDefinitions(config, tenantId).map((definition) =>
      toRule(config, context, definition, { tenant: tenantId }),
    ),
  };
}

/**
 * Every alert rule group of the platform from `platform:alerts`: the platform-wide groups, then one group per
 * tenant in `context.tenants` (when `tenantAlerts` is on). Pure: unit tests and promtool run on its result.
 */
export function buildAlertGroups(config: AlertsConfig, context: AlertContext): RuleGroup[] {
  const tenants = config.tenantAlerts ? context.tenants : [];
  return [...buildPlatformGroups(config, context), ...tenants.map((id) => buildTenantGroup(config, context, id))];
}
