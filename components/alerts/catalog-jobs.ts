// The alerts on work the platform schedules: queues, worker pools, application jobs, CronJobs, backups and restore
// verifications. Every expression keeps the labels of its target (queue, tenant, workload, database, stack).
import { AlertContext, AlertDefinition, AlertsConfig, anyOf, fractionText, leveled, num, str } from "./definitions";

/** Whose jobs a job-failure alert watches: the whole platform or one tenant. */
export interface JobScope {
  /** Summary prefix ("" or "Tenant acme: "). */
  prefix: string;
  jobs: string;
  /** Selector of the job metrics ("" or `{tenant="acme"}`). */
  jobSelector: string;
}

export function jobFailureAlerts(c: AlertsConfig, alert: string, scope: JobScope): AlertDefinition[] {
  const m = c.metrics;
  return leveled(
    c.jobFailureRate,
    (_level, threshold) => ({
      alert,
      expr: `sum(rate(${m.jobsFailed}${scope.jobSelector}[15m])) / sum(rate(${m.jobsProcessed}${scope.jobSelector}[15m])) > ${num(threshold)}`,
      for: "10m",
      summary: `${scope.prefix}Job failure rate above ${fractionText(threshold)}.`,
      description: `{{ $value | humanizePercentage }} of ${scope.jobs} failed over the last 15 minutes (threshold ${fractionText(threshold)}).`,
    }),
    { warning: "P2", critical: "P1" },
  );
}

/**
 * Namespaces whose CronJobs CronJobFailing watches: the platform's and each tenant shard's own
 * (`<namespace>-tenants-<shard>`, program/wiring/backups.ts `shardOpsNamespace`).
 */
export const cronJobNamespaces = (namespace: string) => `${anyOf([namespace])}|${anyOf([namespace])}-tenants-.+`;

/**
 * CronJobFailing from kube-state-metrics (docs/metrics/workload/job-metrics.md, cronjob-metrics.md): a CronJob whose
 * latest finished run failed. `kube_job_failed{condition="true"}` is the Job's Failed condition, set only once its
 * retries are exhausted (a run whose retry succeeded has none, although `kube_job_status_failed{reason=""}` counts
 * its failed pod); the run's start time is compared with the CronJob's last success, so a later successful run
 * clears the alert while the failed Job still waits for its TTL.
 */
function cronJobFailing(c: AlertsConfig, context: AlertContext): string {
  const m = c.metrics;
  const ns = `namespace=~${str(cronJobNamespaces(context.namespace))}`;
  const failedRunStart =
    `max by (namespace, owner_name) ((${m.kubeJobStartTime}{${ns}} and on (namespace, job_name) (${m.kubeJobFailed}{${ns},condition="true"} == 1))` +
    ` * on (namespace, job_name) group_left (owner_name) max by (namespace, job_name, owner_name) (${m.kubeJobOwner}{${ns},owner_kind="CronJob"}))`;
  const lastSuccess = `label_replace(max by (namespace, cronjob) (${m.kubeCronJobLastSuccess}{${ns}}), "owner_name", "$1", "cronjob", "(.+)")`;
  const failing = `(${failedRunStart} > on (namespace, owner_name) ${lastSuccess}) or (${failedRunStart} unless on (namespace, owner_name) ${lastSuccess})`;
  // The workload's namespace moves to `workload_namespace` (the `namespace` label names the alert's owner).
  const renamed = `label_replace(label_replace(${failing}, "workload_namespace", "$1", "namespace", "(.*)"), "cronjob", "$1", "owner_name", "(.*)")`;
  return `label_replace(${renamed}, "owner_name", "", "", "")`;
}

export function jobs(c: AlertsConfig, context: AlertContext): AlertDefinition[] {
  const m = c.metrics;
  const t = m.tenantLabel;
  const stuck = context.stuckAfterMinutes ?? 60;
  const workloadNamespaces = `namespace=~"${anyOf([context.namespace])}|tenant-.+"`;
  return [
    ...leveled(
      c.queueBacklog,
      (_level, threshold) => ({
        alert: "QueueBacklogHigh",
        // Every replica reads the same queue length from the shared Redis: max, not sum, per queue (and tenant).
        expr: `max by (queue, ${t}) (${m.queueDepth}) > ${num(threshold)}`,
        for: "15m",
        summary: `More than ${num(threshold)} jobs queued.`,
        description: `Queue "{{ $labels.queue }}"{{ with $labels.${t} }} of tenant "{{ . }}"{{ end }} holds {{ $value }} jobs (threshold ${num(threshold)}) for 15 minutes.`,
      }),
      { warning: "P3", critical: "P2" },
    ),
    {
      alert: "WorkerHpaMaxedOut",
      severity: "warning",
      priority: "P3",
      // The workload's namespace moves to `workload_namespace`: the `namespace` label names the alert's owner.
      expr: `label_replace(${m.hpaCurrentReplicas}{${workloadNamespaces}} >= on (namespace, horizontalpodautoscaler) ${m.hpaMaxReplicas}{${workloadNamespaces}}, "workload_namespace", "$1", "namespace", "(.*)")`,
      for: "15m",
      summary: "A worker pool has run at its maximum replicas for 15 minutes.",
      description:
        "HPA {{ $labels.workload_namespace }}/{{ $labels.horizontalpodautoscaler }} has been at its maximum of {{ $value }} replicas for 15 minutes.",
    },
    ...jobFailureAlerts(c, "JobFailureRateHigh", { prefix: "", jobs: "finished jobs", jobSelector: "" }),
    {
      alert: "SemaphoreLeak",
      severity: "critical",
      priority: "P1",
      // Slots held: one shared Redis value every replica reports (max); running jobs: each replica's own (sum).
      expr: `max by (${t}) (${m.semaphoreInUse}) - (sum by (${t}) (${m.jobsRunning}) or max by (${t}) (${m.semaphoreInUse}) * 0) > 0`,
      for: "30m",
      summary: "Job semaphore slots are held without running jobs.",
      description: `{{ $value }} semaphore slots of tenant "{{ $labels.${t} }}" have been held by no running job for 30 minutes; the reconciler is not releasing them.`,
    },
    {
      alert: "JobsStuck",
      severity: "warning",
      priority: "P2",
      // Pushed by the reconcile CronJob to the Pushgateway (group job/platform_reconcile/stack/<stack>) every run.
      expr: `max by (${t}) (${m.jobsStuck}) > 0`,
      for: "20m",
      summary: `Jobs have been running for more than ${stuck} minutes.`,
      description: `{{ $value }} jobs of tenant "{{ $labels.${t} }}" have been running longer than ${stuck} minutes and the reconciler has not failed them for 20 minutes.`,
    },
    {
      alert: "CronJobFailing",
      severity: "warning",
      priority: "P3",
      expr: cronJobFailing(c, context),
      for: "15m",
      summary: "A platform CronJob's latest run failed.",
      description:
        "The latest run of CronJob {{ $labels.workload_namespace }}/{{ $labels.cronjob }} (started {{ $value | humanizeTimestamp }}) failed after its retries, and no later run has succeeded.",
    },
  ];
}

export function backups(c: AlertsConfig, context: AlertContext): AlertDefinition[] {
  const m = c.metrics;
  const staleSeconds = c.backupStaleHours * 3600;
  // A verification may take a few hours after its scheduled start: allow 6 h on top of the schedule's longest gap.
  const verifyHours = Math.ceil((context.restoreVerifyIntervalHours ?? 168) + 6);
  const stack = context.stack === undefined ? "" : `stack=${str(context.stack)}`;
  const databases = context.backupDatabases ?? [];
  const backupSelector = [stack, databases.length > 0 ? `database=~${str(anyOf(databases))}` : ""]
    .filter(Boolean)
    .join(",");
  // absent() of an equality-matched selector returns those labels: one series per database never backed up.
  const neverBackedUp =
    databases.length > 0
      ? databases.map(
          (db) => `absent(${m.backupLastSuccess}{${[stack, `database=${str(db)}`].filter(Boolean).join(",")}})`,
        )
      : [`absent(${m.backupLastSuccess}{${stack}})`];
  return [
    {
      alert: "BackupStale",
      severity: "critical",
      priority: "P2",
      expr: [
        `time() - max by (stack, database) (${m.backupLastSuccess}{${backupSelector}}) > ${num(staleSeconds)}`,
        ...neverBackedUp,
      ].join(" or "),
      for: "15m",
      summary: `A database has had no successful backup for ${c.backupStaleHours} hours.`,
      description: `The last successful backup of database "{{ $labels.database }}" finished {{ $value | humanizeDuration }} ago (threshold ${c.backupStaleHours}h); 1s means it has never reported a success.`,
    },
    {
      alert: "RestoreVerificationFailed",
      severity: "critical",
      priority: "P2",
      expr: `max by (stack) (${m.restoreVerifyFailed}{${stack}}) > 0`,
      for: "5m",
      summary: "The last restore verification failed: backups may not be restorable.",
      description:
        "The scheduled restore of stack {{ $labels.stack }}'s latest backups into a scratch database failed its checks.",
    },
    {
      alert: "RestoreVerificationStale",
      severity: "warning",
      priority: "P3",
      expr: `time() - max by (stack) (${m.restoreVerifyLastSuccess}{${stack}}) > ${num(verifyHours * 3600)} or absent(${m.restoreVerifyLastSuccess}{${stack}})`,
      for: "1h",
      summary: `No successful restore verification for ${verifyHours} hours.`,
      description: `The last successful restore verification of stack {{ $labels.stack }} finished {{ $value | humanizeDuration }} ago (threshold ${verifyHours}h); 1s means no verification has ever reported success.`,
    },
  ];
}
