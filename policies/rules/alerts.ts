// Alerting: every Prometheus alert says how bad it is, what happened and where the runbook is.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { Props, describeObject } from "./util";

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

export const alertPolicies = [alertRuleAnnotations];
