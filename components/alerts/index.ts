import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { standardLabels, tenantLabels } from "../kubernetes/labels";
import {
  AlertContext,
  AlertsConfig,
  RuleGroup,
  buildBackupGroup,
  buildPlatformGroups,
  buildTenantGroup,
} from "./rules";
import { RECEIVER_SECRET_KEYS, buildAlertmanagerConfigSpec } from "./routing";

export { buildAlertGroups, runbookSlug, runbookUrl } from "./rules";
export type { AlertRule, RuleGroup, AlertContext } from "./rules";
export { buildAlertmanagerConfigSpec } from "./routing";

export interface AlertReceiverSecrets {
  /** PagerDuty Events API v2 routing key (a Pulumi secret). Without it critical alerts go to the chat receiver. */
  pagerdutyRoutingKey?: pulumi.Input<string>;
  /** Slack incoming-webhook URL (a Pulumi secret). Without it warning alerts are dropped. */
  slackWebhookUrl?: pulumi.Input<string>;
}

export interface AlertRulesArgs {
  /** The validated `platform:alerts` section: thresholds, metric names, runbook base URL, routing. */
  alerts: AlertsConfig;
  /** Namespace the PrometheusRule / AlertmanagerConfig objects live in; every alert carries it as `namespace`. */
  namespace: string;
  /** Tenants with per-tenant alerts (label `tenant`); the platform passes its active enterprise tenants. Defaults to none. */
  tenants?: ReadonlyArray<{ id: string; tier: string }>;
  /**
   * Parent of each tenant's PrometheusRule (its Tenant component), so a tenant's alerts live and move with the tenant.
   * Defaults to this component.
   */
  tenantParents?: Readonly<Record<string, pulumi.Resource>>;
  /** When the reconciler fails a running job (`platform:jobs.reconcile.stuckAfterMinutes`). Defaults to 60. */
  stuckAfterMinutes?: number;
  /** Longest gap between two scheduled restore verifications, in hours. Defaults to 168 (weekly). */
  restoreVerifyIntervalHours?: number;
  /** A DR standby: no backup alerts (its backup jobs never run). Defaults to false. */
  standby?: boolean;
  /** The Pulumi stack, the `stack` grouping label of its backup metrics (`pulumi.getStack()`). Defaults to any stack. */
  stack?: string;
  /** Databases the stack backs up; each alerts when it never reported a success. Defaults to none. */
  backupDatabases?: readonly string[];
  /** Receiver credentials, as Pulumi secrets. Defaults to none (every alert goes to the null receiver). */
  receivers?: AlertReceiverSecrets;
  /** Kubernetes provider for the objects. */
  provider: k8s.Provider;
}

/**
 * One tenant's PrometheusRule (`<alerts>-tenant-<id>`, the tenant's rule group), parented to its Tenant component so
 * it lives and moves with the tenant. AlertRules creates these in a single stack; a tenant shard creates them itself
 * with the same names and parents, so `pulumi state move` keeps their URNs. Returns the rule group.
 */
export function tenantAlertRule(
  alertsName: string,
  tenant: { id: string; tier: string },
  args: { alerts: AlertsConfig; namespace: string; provider: k8s.Provider; context: AlertContext },
  parent: pulumi.Resource,
): RuleGroup {
  const group = buildTenantGroup(args.alerts, args.context, tenant.id);
  const child = `${alertsName}-tenant-${tenant.id}`;
  const labels = {
    ...standardLabels({ name: "alerts", instance: alertsName, component: "prometheus-rule" }),
    ...args.alerts.selectorLabels,
    ...tenantLabels(tenant.id, tenant.tier),
  };
  newPrometheusRule(child, args.namespace, labels, [group], { parent, provider: args.provider });
  return group;
}

/**
 * The backup alerts of a tenant shard's own backup jobs (stack `context.stack`, its dedicated tenant databases), as a
 * PrometheusRule `<alertsName>-backups` with the group `platform-backups-<stack>`: the platform stack's rules only
 * know the platform's databases. Returns the rule group.
 */
export function stackBackupAlertRule(
  alertsName: string,
  args: { alerts: AlertsConfig; namespace: string; provider: k8s.Provider; context: AlertContext },
  parent?: pulumi.Resource,
): RuleGroup {
  const group = buildBackupGroup(args.alerts, args.context, `platform-backups-${args.context.stack ?? "stack"}`);
  const child = `${alertsName}-backups`;
  const labels = {
    ...standardLabels({ name: "alerts", instance: alertsName, component: "prometheus-rule" }),
    ...args.alerts.selectorLabels,
  };
  newPrometheusRule(child, args.namespace, labels, [group], { parent, provider: args.provider });
  return group;
}

/**
 * Prometheus alert rules and Alertmanager routing for the platform: a PrometheusRule with the platform-wide groups,
 * one PrometheusRule per tenant with per-tenant alerts, a Secret with the receiver credentials and an
 * AlertmanagerConfig routing critical → paging, warning → chat, info → nowhere.
 */
export class AlertRules extends pulumi.ComponentResource {
  /** Names of every rule group, platform and tenant. */
  readonly groupNames: string[];
  /** Alert names defined (deduplicated). */
  readonly alertNames: string[];

  constructor(name: string, args: AlertRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:alerts:AlertRules", name, {}, opts);
    const { alerts, namespace, provider } = args;
    if (!alerts.enabled)
      throw new pulumi.ResourceError(
        "AlertRules created with platform:alerts.enabled = false; do not create the component instead",
        this,
      );
    const tenants = alerts.tenantAlerts ? (args.tenants ?? []) : [];
    const context = {
      namespace,
      tenants: tenants.map((t) => t.id),
      stuckAfterMinutes: args.stuckAfterMinutes,
      restoreVerifyIntervalHours: args.restoreVerifyIntervalHours,
      standby: args.standby,
      stack: args.stack,
      backupDatabases: args.backupDatabases,
    };
    const childOpts = { parent: this, provider };
    const labels = (component: string, extra: Record<string, string> = {}) => ({
      ...standardLabels({ name: "alerts", instance: name, component }),
      ...alerts.selectorLabels,
      ...extra,
    });
    const prometheusRule = (
      child: string,
      groups: unknown[],
      extra?: Record<string, string>,
      parent: pulumi.Resource = this,
    ) => newPrometheusRule(child, namespace, labels("prometheus-rule", extra), groups, { ...childOpts, parent });

    const platformGroups = buildPlatformGroups(alerts, context);
    prometheusRule(`${name}-rules`, platformGroups);
    const tenantGroups = tenants.map((tenant) =>
      tenantAlertRule(name, tenant, { alerts, namespace, provider, context }, args.tenantParents?.[tenant.id] ?? this),
    );

    const receivers = args.receivers ?? {};
    const stringData: Record<string, pulumi.Output<string>> = {};
    if (receivers.pagerdutyRoutingKey !== undefined)
      stringData[RECEIVER_SECRET_KEYS.pagerdutyRoutingKey] = pulumi.secret(receivers.pagerdutyRoutingKey);
    if (receivers.slackWebhookUrl !== undefined)
      stringData[RECEIVER_SECRET_KEYS.slackWebhookUrl] = pulumi.secret(receivers.slackWebhookUrl);
    const secretName = `${name}-receivers`;
    const secret =
      Object.keys(stringData).length > 0
        ? new k8s.core.v1.Secret(
            secretName,
            {
              metadata: { name: secretName, namespace, labels: labels("alert-receivers") },
              type: "Opaque",
              stringData,
            },
            { ...childOpts, additionalSecretOutputs: ["data", "stringData"] },
          )
        : undefined;
    new k8s.apiextensions.CustomResource(
      `${name}-routing`,
      {
        apiVersion: "monitoring.coreos.com/v1alpha1",
        kind: "AlertmanagerConfig",
        metadata: { name: `${name}-routing`, namespace, labels: labels("alertmanager-config") },
        spec: buildAlertmanagerConfigSpec({
          routing: alerts.routing,
          secretName,
          paging: receivers.pagerdutyRoutingKey !== undefined,
          chat: receivers.slackWebhookUrl !== undefined,
          tenantLabel: alerts.metrics.tenantLabel,
        }),
      },
      { ...childOpts, dependsOn: secret ? [secret] : [] },
    );

    const groups = [...platformGroups, ...tenantGroups];
    this.groupNames = groups.map((g) => g.name);
    this.alertNames = [...new Set(groups.flatMap((g) => g.rules.map((r) => r.alert)))];
    this.registerOutputs({ groupNames: this.groupNames, alertNames: this.alertNames });
  }
}

/** A prometheus-operator PrometheusRule named `name` holding `groups` (monitoring.coreos.com/v1). */
function newPrometheusRule(
  name: string,
  namespace: pulumi.Input<string>,
  labels: Record<string, string>,
  groups: unknown[],
  opts: pulumi.CustomResourceOptions,
) {
  return new k8s.apiextensions.CustomResource(
    name,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: { name, namespace, labels },
      spec: { groups },
    },
    opts,
  );
}
