// The vocabulary of the alert catalog: what an alert definition holds, what the rules need to know about the rest of
// the platform, and the small PromQL helpers both catalog files share.

export type { AlertsConfig } from "../../config";
export type Severity = "critical" | "warning" | "info";
export type Priority = "P1" | "P2" | "P3" | "P4";

/** One alert as the catalog defines it; `buildAlertGroups` adds labels, the runbook URL and the tenant. */
export interface AlertDefinition {
  /** Alert name (`alertname`); warning and critical variants of one condition share it. */
  alert: string;
  severity: Severity;
  /** On-call priority the routing and the incident process use (P1 page now … P4 next business day). */
  priority: Priority;
  expr: string;
  /** How long the condition must hold before the alert fires. */
  for: string;
  summary: string;
  /** Annotation text; Prometheus templates such as `{{ $value }}` are expanded when the alert fires. */
  description: string;
}

/** What the rules need to know about the rest of the platform. */
export interface AlertContext {
  /** The platform namespace; every alert carries it as label `namespace` (see docs/alerts.md, routing). */
  namespace: string;
  /** Ids of the tenants that get per-tenant alerts (active enterprise tenants). */
  tenants: readonly string[];
  /** `platform:jobs.reconcile.stuckAfterMinutes`: when the reconciler fails a running job. Defaults to 60. */
  stuckAfterMinutes?: number;
  /** Longest gap between two scheduled restore verifications, in hours. Defaults to 168 (weekly). */
  restoreVerifyIntervalHours?: number;
  /**
   * A DR standby: its backup and restore-verification jobs never run (the primary's back up the data), so the
   * backup group is left out instead of firing on absent metrics. Defaults to false.
   */
  standby?: boolean;
  /**
   * The Pulumi stack whose backups the backup group watches: the backup and verify jobs push with the grouping key
   * `stack=<stack>`, so the platform's and each shard's series stay apart. Defaults to none (any stack).
   */
  stack?: string;
  /**
   * Databases the stack's backup job dumps: each one alerts when it has never reported a success. Defaults to none
   * (then only the absence of every backup series alerts).
   */
  backupDatabases?: readonly string[];
}

export interface AlertGroupDefinition {
  name: string;
  alerts: AlertDefinition[];
}

/** PromQL number literal; JavaScript's shortest round-trip form is valid PromQL. */
export const num = (value: number) => String(value);
export const pctText = (value: number) => `${num(value)}%`;
export const fractionText = (value: number) => `${num(Math.round(value * 10000) / 100)}%`;
/** A PromQL string literal (double-quoted, backslashes and quotes escaped). */
export const str = (value: string) => JSON.stringify(value);
/** A regex matching exactly the given values (RE2 metacharacters escaped). */
export const anyOf = (values: readonly string[]) =>
  values.map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&")).join("|");

type Level = "warning" | "critical";
const LEVELS: Level[] = ["warning", "critical"];

/** The warning and critical variants of one threshold condition (same alert name, inhibited by the critical one). */
export function leveled(
  thresholds: { warning: number; critical: number },
  build: (level: Level, threshold: number) => Omit<AlertDefinition, "severity" | "priority">,
  priority: { warning: Priority; critical: Priority },
): AlertDefinition[] {
  return LEVELS.map((level) => ({ ...build(level, thresholds[level]), severity: level, priority: priority[level] }));
}

/**
 * The labels that name an alert's target (a node, a mount, an exporter target, a queue, a database, a stack, a
 * workload, a tenant). The expressions keep exactly these, and the Alertmanager inhibit rule compares them, so a
 * critical alert silences only the warning of its own target.
 */
export function targetLabels(tenantLabel = "tenant"): string[] {
  return [
    ...new Set([
      "tenant",
      tenantLabel,
      "instance",
      "mountpoint",
      "queue",
      "database",
      "stack",
      "workload_namespace",
      "horizontalpodautoscaler",
      "cronjob",
    ]),
  ];
}
