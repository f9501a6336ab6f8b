import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import type { OperatingMode } from "./operations";
import { scaledPool } from "./operations";
import type { Tenant } from "../../components/tenant";
import type { DatabaseAccess } from "../../components/jobs/database-access";
import { tenantLabels, tenantNamespaceName } from "../../components/kubernetes/labels";
import { WorkerPool, dedicatedWorkerPool } from "../../components/workers/worker-pool";
import { PlatformJobs } from "../../components/jobs/platform-jobs";
import { postgresImageFor } from "../../config/workloads";
import { CREDENTIALS_ANNOTATION, PlatformConnection } from "../../components/database/platform-connection";

export interface WorkloadsArgs {
  namespace: pulumi.Input<string>;
  /** The platform connection Secret every platform pool and application job mounts (DATABASE_URL, REDIS_URL). */
  connection: PlatformConnection;
  tenants: Tenant[];
  mode: OperatingMode;
  opsDatabase: DatabaseAccess;
  /** Databases the maintenance job vacuums. */
  databases: string[];
  providers: Providers;
}

/** The worker pools (platform and tenant-dedicated) and the platform's CronJobs, paused or scaled by the mode. */
export function workloads(config: PlatformConfig, args: WorkloadsArgs) {
  const { mode, namespace } = args;
  const provider = args.providers.kubernetes;
  const platformPools = Object.entries(config.workers).map(
    ([pool, poolConfig]) =>
      new WorkerPool(`workers-${pool}`, {
        pool: scaledPool(poolConfig, mode.workerFraction),
        objectName: `worker-${pool}`,
        namespace,
        paused: mode.pauseWorkers,
        envFromSecrets: [args.connection.secretName],
        podAnnotations: { [CREDENTIALS_ANNOTATION]: args.connection.generation },
        provider,
      }),
  );
  const template = config.workers.default ?? Object.values(config.workers)[0];
  const tenantPools: WorkerPool[] = [];
  config.tenants.forEach((tenant, i) => {
    const parent = args.tenants[i];
    if (!parent || !tenant.dedicatedWorkers || !template || tenant.state === "offboarded" || tenant.state === "deleted")
      return;
    const pool = scaledPool(dedicatedWorkerPool(template, tenant.id), mode.workerFraction);
    const paused = tenant.state === "suspended" || mode.pauseWorkers;
    tenantPools.push(
      new WorkerPool(
        `tenant-${tenant.id}-workers`,
        {
          pool,
          objectName: "worker",
          namespace: parent.kubernetesNamespace ?? tenantNamespaceName(tenant.id),
          labels: tenantLabels(tenant.id, tenant.tier),
          paused,
          envFromSecrets: parent.workload?.envFromSecrets,
          serviceAccountName: parent.workload?.serviceAccountName,
          provider,
        },
        { parent },
      ),
    );
  });

  const jobs = template
    ? new PlatformJobs("jobs", {
        jobs: config.jobs,
        namespace,
        appImage: template.image,
        appEnv: template.env,
        appEnvFromSecrets: [args.connection.secretName],
        postgresImage: postgresImageFor(config.database.engineVersion, config.backups.postgresImage),
        database: args.opsDatabase,
        databases: args.databases,
        suspend: mode.suspendJobs,
        provider,
      })
    : undefined;
  return { platformPools, tenantPools, jobs };
}
