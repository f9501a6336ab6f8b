// The production-readiness checklist of summary.md, derived from the policy results.
// Self-contained (no imports from the project), so the pack stays a package of its own.

/** One checklist line of summary.md (tools/lib/summary.ts renders it). */
export interface ReadinessItem {
  item: string;
  passed: boolean;
  detail: string;
}

/** The parts of a policy report the checklist reads (tools/lib/policy-runner.ts PolicyReport). */
export interface PolicyResults {
  /** Policies that ran (not disabled). */
  policies: readonly string[];
  violations: ReadonlyArray<{ policy: string }>;
}

export interface ReadinessDefinition {
  item: string;
  /** The policies whose results decide the item. */
  policies: readonly string[];
  /** Resource types of which at least one must be in the plan for the item to count as shown (none: no requirement). */
  evidence: readonly string[];
}

/** Each checklist item and the policies it derives from. */
export const READINESS_ITEMS: readonly ReadinessDefinition[] = [
  {
    item: "HA",
    policies: [
      "rds-multi-az",
      "elasticache-automatic-failover",
      "kubernetes-worker-autoscaling",
      "kubernetes-pod-disruption-budget",
    ],
    evidence: ["aws:rds/instance:Instance", "kubernetes:apps/v1:Deployment"],
  },
  {
    item: "Backups",
    policies: [
      "rds-backup-retention",
      "rds-final-snapshot",
      "rds-deletion-protection",
      "backup-bucket-versioning",
      "backup-bucket-lifecycle",
      "backup-bucket-replication",
      "backup-schedule-within-rpo",
      "stateful-resources-protected",
    ],
    evidence: ["aws:rds/instance:Instance", "aws:s3/bucket:Bucket"],
  },
  {
    item: "TLS",
    policies: [
      "rds-force-ssl",
      "elasticache-encryption",
      "backup-bucket-tls-only",
      "rds-encrypted-customer-key",
      "backup-bucket-encryption",
    ],
    evidence: ["aws:rds/instance:Instance"],
  },
  {
    item: "Network policies",
    policies: ["kubernetes-tenant-default-deny", "rds-not-public", "backup-bucket-public-access"],
    evidence: ["kubernetes:networking.k8s.io/v1:NetworkPolicy"],
  },
  {
    item: "Limits",
    policies: ["kubernetes-resources", "kubernetes-tenant-quota", "kubernetes-cronjob-limits"],
    evidence: ["kubernetes:apps/v1:Deployment"],
  },
  { item: "Probes", policies: ["kubernetes-probes"], evidence: ["kubernetes:apps/v1:Deployment"] },
  {
    item: "Alerting",
    policies: ["alert-rule-annotations", "alerting-in-production"],
    evidence: ["kubernetes:monitoring.coreos.com/v1:PrometheusRule"],
  },
  { item: "Secrets", policies: ["kubernetes-no-plaintext-credentials", "elasticache-rbac"], evidence: [] },
];

/**
 * The checklist with pass/fail per item: an item passes when all its policies ran without a violation (of any
 * level) and, when the plan's resource types are given, the plan holds something for it to check.
 */
export function readinessReport(report: PolicyResults, resourceTypes?: readonly string[]): ReadinessItem[] {
  return READINESS_ITEMS.map(({ item, policies, evidence }) => {
    const counts = new Map<string, number>();
    for (const v of report.violations)
      if (policies.includes(v.policy)) counts.set(v.policy, (counts.get(v.policy) ?? 0) + 1);
    const skipped = policies.filter((p) => !report.policies.includes(p));
    const absent =
      resourceTypes !== undefined && evidence.length > 0 && !evidence.some((t) => resourceTypes.includes(t));
    const problems = [
      ...[...counts].map(([policy, n]) => `${policy}: ${n} violation${n === 1 ? "" : "s"}`),
      ...(skipped.length > 0 ? [`not checked (disabled): ${skipped.join(", ")}`] : []),
      ...(absent ? [`nothing to check: no ${evidence.map((t) => t.split(":").pop()).join(" or ")} in the plan`] : []),
    ];
    return {
      item,
      passed: problems.length === 0,
      detail: problems.length === 0 ? `${policies.join(", ")} pass` : problems.join("; "),
    };
  });
}
