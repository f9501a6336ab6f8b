import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import { Database } from "../../components/database";
import { DatabaseOpsCredentials } from "../../components/database/ops-credentials";
import { Redis } from "../../components/redis";
import type { DatabaseArgs } from "../../components/database";
import { boundedId } from "../../components/aws/names";
import { restoreKey } from "../../config/restore";
import type { RestoreSource } from "../../config/data";
import { PlatformConnection } from "../../components/database/platform-connection";

/**
 * PostgreSQL, Redis, the login the operations jobs use and the Secret the platform's services connect with. Every consumer reads the database through what this
 * returns (`database.address`, `adminProvider`, `opsDatabase`), so a restore or a DR promotion moves them all.
 */
export function dataTier(
  config: PlatformConfig,
  providers: Providers,
  namespace: pulumi.Input<string>,
  alertsTopicArn: pulumi.Output<string>,
) {
  const shared = {
    environment: config.environment,
    network: config.network,
    alerts: config.alerts,
    alertsTopicArn,
  };
  const crossRegion = crossRegionOf(config.dr);
  const database = new Database("platform-db", {
    ...shared,
    config: config.database,
    providers,
    crossRegion,
  });
  const redis = new Redis("platform-redis", { ...shared, config: config.redis, provider: providers.aws });
  const opsDatabase = new DatabaseOpsCredentials("database-ops", {
    namespace,
    host: database.address,
    port: database.port,
    username: database.roles.operations.name,
    password: database.roles.operations.password,
    provider: providers.kubernetes,
  }).access;
  // The active instance's address: after a restore or a DR promotion the Secret follows it.
  const connection = new PlatformConnection("platform-connection", {
    namespace,
    database: {
      host: database.address,
      port: database.port,
      name: database.applicationDatabase?.name ?? database.applicationDatabaseName,
      user: database.roles.application.name,
      password: database.roles.application.password,
    },
    redis: {
      host: redis.primaryEndpoint,
      port: redis.port,
      user: redis.platformUserName,
      password: redis.platformUserPassword,
    },
    generations: {
      database: config.database.applicationPasswordGeneration,
      redis: config.redis.platformUserGeneration,
    },
    provider: providers.kubernetes,
  });
  return { database, redis, opsDatabase, connection };
}

/**
 * The DR database's sources, from `platform:dr`: the primary's active instance (its original, `sourceDbArn`, or the
 * instance its `database.restore` created, named as the primary names it: `platform-<primary stack>-<restore key>`,
 * components/database/instances.ts) and its retained instances, read from the primary's file (`primaryInstances`).
 * A restore in the primary thus gives the DR stack a new standby without an edit of its file.
 */
export function crossRegionOf(dr: PlatformConfig["dr"] | undefined): DatabaseArgs["crossRegion"] {
  if (!dr?.sourceDbArn) return undefined;
  const [, partition, service, region, account] = dr.sourceDbArn.split(":");
  const arnOf = (restore: RestoreSource | undefined) =>
    restore
      ? `arn:${partition}:${service}:${region}:${account}:db:${boundedId(63, "platform", dr.primaryStack ?? "", restoreKey(restore))}`
      : dr.sourceDbArn!;
  const primary = dr.primaryInstances;
  return {
    role: dr.role,
    source: { arn: arnOf(primary?.restore), of: primary?.restore },
    retained: (primary?.retainedInstances ?? []).map((r) => ({
      arn: arnOf(r.restore),
      of: r.restore,
      retire: r.retire,
    })),
    regionAvailable: dr.regionAvailable,
  };
}
