// Alerting: every Prometheus alert says how bad it is, what happened and where the runbook is.
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ENVIRONMENT_CONFIG, Props, describeObject, isProduction, ofType } from "./util";

export const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
export const SEVERITIES = ["critical", "warning", "info"] as const;

/** What an alerting rule lacks (empty when complete). */
export function alertProblems(rule: Props): string[] {
  const problems: string[] = [];
  const severity = rule.labels?.severity;
  if (severity === undefined) problems.push("labels.severity");
  else if (!(SEVERITIES as readonly string[]).includes(severity))
    problems.push(`a known labels.severity (it is "${severity}")`);
  if (!rule.annotations?.summary) problems.push("annotations.summary");
  const runbook = rule.annotations?.runbook_url;
  if (!runbook) problems.push("annotations.runbook_url");
  else if (!/^https?:\/\//.test(String(runbook)))
    problems.push(`an http(s) annotations.runbook_url (it is "${runbook}")`);
  return problems;
}

export const alertRuleAnnotations: ResourceValidationPolicy = {
  name: "alert-rule-annotations",
  description:
    "Every alert has labels.severity (critical, warning or info), annotations.summary and annotations.runbook_url.",
  validateResource: (args, report) => {
    if (args.type !== PROMETHEUS_RULE) return;
    for (const group of (args.props.spec?.groups ?? []) as Props[]) {
      for (const rule of (group.rules ?? []) as Props[]) {
        if (!rule.alert) continue;
        const problems = alertProblems(rule);
        if (problems.length > 0) {
          report(
            `${describeObject(args.type, args.props, args.name)} alert "${rule.alert}" (group "${group.name}") lacks ${problems.join(", ")}. Fix: give every alert labels.severity (${SEVERITIES.join(", ")}), annotations.summary and annotations.runbook_url linking to its runbook section, so whoever is paged knows what to do.`,
          );
        }
      }
    }
  },
};

export const ALERTMANAGER_CONFIG = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig";
export const RDS_INSTANCE = "aws:rds/instance:Instance";

/**
 * A production stack that runs the data tier (an RDS instance: the platform or a single stack, not a tenant shard)
 * has alert rules and alert routing: with `platform:alerts.enabled: false` nobody learns of an outage.
 */
export const alertingInProduction: StackValidationPolicy = {
  name: "alerting-in-production",
  description: "A production stack with a data tier has PrometheusRules and an AlertmanagerConfig (alerts enabled).",
  configSchema: ENVIRONMENT_CONFIG,
  validateStack: (args, report) => {
    if (!isProduction(args) || ofType(args.resources, RDS_INSTANCE).length === 0) return;
    const missing = [
      ofType(args.resources, PROMETHEUS_RULE).length === 0 ? "no PrometheusRule" : undefined,
      ofType(args.resources, ALERTMANAGER_CONFIG).length === 0 ? "no AlertmanagerConfig" : undefined,
    ].filter((m) => m !== undefined);
    if (missing.length > 0)
      report(
        `The production stack runs a database but has ${missing.join(" and ")}: outages, full disks and failed backups would page no one. Fix: set platform:alerts.enabled: true (the default) so the alert rules and routing are created.`,
      );
  },
};

export const alertPolicies = [alertRuleAnnotations, alertingInProduction];
