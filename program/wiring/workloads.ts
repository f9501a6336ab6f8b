import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import type { OperatingMode } from "./operations";
import { scaledPool } from "./operations";
import { type Tenants, tenantWorkerPools } from "./tenants";
import type { DatabaseAccess } from "../../components/jobs/database-access";
import { WorkerPool } from "../../components/workers/worker-pool";
import { PlatformJobs } from "../../components/jobs/platform-jobs";
import { postgresImageFor } from "../../config/workloads";
import { CREDENTIALS_ANNOTATION, PlatformConnection } from "../../components/database/platform-connection";

export interface WorkloadsArgs {
  namespace: pulumi.Input<string>;
  /** The platform connection Secret every platform pool and application job mounts (DATABASE_URL, REDIS_URL). */
  connection: PlatformConnection;
  /** The stack's tenants; their dedicated worker pools follow the mode like the platform's. */
  tenants: Tenants;
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
  const tenantPools = tenantWorkerPools(config, args.tenants, mode, provider);

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
        metricsPush: config.backups.pushgatewayUrl
          ? { url: config.backups.pushgatewayUrl, stack: pulumi.getStack() }
          : undefined,
        provider,
      })
    : undefined;
  return { platformPools, tenantPools, jobs };
}
