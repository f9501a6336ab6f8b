import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import type { JobsConfig } from "../../config";
import { standardLabels } from "../kubernetes/labels";
import { DatabaseAccess, POSTGRES_IMAGE_UID, libpqEnv } from "./database-access";
import { ScheduledJob } from "./scheduled-job";

export interface PlatformJobsArgs {
  /** The validated `platform:jobs` section (reconcile, databaseMaintenance, custom). */
  jobs: JobsConfig;
  /** Namespace of the jobs. */
  namespace: pulumi.Input<string>;
  /** The application image, used by the reconcile job and custom jobs that name no image. */
  appImage: string;
  /** Environment of the application containers (the default worker pool's `env`). Defaults to none. */
  appEnv?: Record<string, string>;
  /**
   * Secrets the application containers (reconcile, custom jobs) take their environment from (`envFrom`): the
   * platform connection Secret with DATABASE_URL and REDIS_URL. Defaults to none.
   */
  appEnvFromSecrets?: pulumi.Input<string>[];
  /** Image with psql for database maintenance (an official postgres image). */
  postgresImage: string;
  /** The database the maintenance job connects to. */
  database: DatabaseAccess;
  /** Databases to VACUUM (ANALYZE): the application database and every tenant database. */
  databases: pulumi.Input<string[]>;
  /** Suspends every schedule (maintenance mode). Defaults to false. */
  suspend?: boolean;
  /**
   * Where the reconciler pushes its `app_jobs_stuck{tenant}` gauge each run (a CronJob cannot be scraped): the
   * Pushgateway and the stack, giving `RECONCILE_METRICS_PUSH_URL` = `<url>/metrics/job/platform_reconcile/stack/<stack>`
   * (the reconciler PUTs the whole group). Defaults to none.
   */
  metricsPush?: { url: string; stack: string };
  /** Kubernetes provider. */
  provider: k8s.Provider;
}

export const VACUUM_SCRIPT = readFileSync(join(__dirname, "scripts", "vacuum-analyze.sh"), "utf8");

const tmpVolume = { name: "tmp", emptyDir: { sizeLimit: "1Gi" } };
const tmpMount = { name: "tmp", mountPath: "/tmp" };
const envList = (env: Record<string, string>) =>
  Object.entries(env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));

/**
 * The operational jobs of the runbooks as CronJobs: job reconciliation (the application's own command fails jobs
 * stuck longer than `stuckAfterMinutes` and repairs the per-tenant semaphore), weekly `VACUUM (ANALYZE)` of every
 * database, and the custom jobs of `platform:jobs.custom`.
 */
export class PlatformJobs extends pulumi.ComponentResource {
  readonly cronJobNames: pulumi.Output<string>[] = [];

  constructor(name: string, args: PlatformJobsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:jobs:PlatformJobs", name, {}, opts);
    const { jobs, namespace, provider } = args;
    const childOpts = { parent: this };
    const common = { namespace, provider, suspend: args.suspend };
    const appEnv = envList(args.appEnv ?? {});
    const appEnvFrom = (args.appEnvFromSecrets ?? []).map((name) => ({ secretRef: { name } }));

    if (jobs.reconcile.enabled) {
      const stuck = jobs.reconcile.stuckAfterMinutes;
      const job = new ScheduledJob(
        `${name}-reconcile`,
        {
          ...common,
          objectName: "job-reconcile",
          schedule: jobs.reconcile.schedule,
          // A run must end before the next one is due; Forbid skips a run while one is still going.
          activeDeadlineSeconds: 15 * 60,
          containers: [
            {
              name: "reconcile",
              image: jobs.reconcile.image ?? args.appImage,
              command: jobs.reconcile.command,
              env: [
                ...appEnv,
                { name: "RECONCILE_STUCK_AFTER_MINUTES", value: String(stuck) },
                { name: "RECONCILE_FIX", value: "true" },
                ...(args.metricsPush
                  ? [
                      {
                        name: "RECONCILE_METRICS_PUSH_URL",
                        value: `${args.metricsPush.url.replace(/\/+$/, "")}/metrics/job/platform_reconcile/stack/${args.metricsPush.stack}`,
                      },
                    ]
                  : []),
              ],
              envFrom: appEnvFrom,
              volumeMounts: [tmpMount],
            },
          ],
          volumes: [tmpVolume],
        },
        childOpts,
      );
      this.cronJobNames.push(job.cronJobName);
    }

    if (jobs.databaseMaintenance.enabled) {
      const scripts = new k8s.core.v1.ConfigMap(
        `${name}-maintenance-scripts`,
        {
          metadata: {
            name: "database-maintenance-scripts",
            namespace,
            labels: standardLabels({ name: "database-maintenance", component: "scripts" }),
          },
          data: { "vacuum-analyze.sh": VACUUM_SCRIPT },
        },
        { parent: this, provider },
      );
      const job = new ScheduledJob(
        `${name}-database-maintenance`,
        {
          ...common,
          objectName: "database-maintenance",
          schedule: jobs.databaseMaintenance.schedule,
          runAsUser: POSTGRES_IMAGE_UID,
          activeDeadlineSeconds: 6 * 3600,
          backoffLimit: 0,
          containers: [
            {
              name: "vacuum-analyze",
              image: args.postgresImage,
              command: ["/bin/bash", "/scripts/vacuum-analyze.sh"],
              env: [
                ...libpqEnv(args.database),
                { name: "MAINTENANCE_DATABASES", value: pulumi.output(args.databases).apply((d) => d.join(" ")) },
              ],
              resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
              volumeMounts: [tmpMount, { name: "scripts", mountPath: "/scripts", readOnly: true }],
            },
          ],
          volumes: [tmpVolume, { name: "scripts", configMap: { name: scripts.metadata.name, defaultMode: 0o555 } }],
        },
        childOpts,
      );
      this.cronJobNames.push(job.cronJobName);
    }

    for (const [jobName, custom] of Object.entries(jobs.custom)) {
      if (!custom.enabled) continue;
      if (!custom.command)
        throw new pulumi.ResourceError(
          `custom job ${jobName}: command is required (platform:jobs.custom.${jobName}.command)`,
          this,
        );
      const job = new ScheduledJob(
        `${name}-${jobName}`,
        {
          ...common,
          objectName: `job-${jobName}`,
          schedule: custom.schedule,
          activeDeadlineSeconds: custom.activeDeadlineSeconds,
          containers: [
            {
              name: jobName,
              image: custom.image ?? args.appImage,
              command: custom.command,
              env: appEnv,
              envFrom: appEnvFrom,
              volumeMounts: [tmpMount],
            },
          ],
          volumes: [tmpVolume],
        },
        childOpts,
      );
      this.cronJobNames.push(job.cronJobName);
    }

    this.registerOutputs({ cronJobNames: this.cronJobNames });
  }
}
