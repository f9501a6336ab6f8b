import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import { Database } from "../../components/database";
import { DatabaseOpsCredentials } from "../../components/database/ops-credentials";
import { Redis } from "../../components/redis";
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
  const crossRegion = config.dr?.sourceDbArn ? { sourceDbArn: config.dr.sourceDbArn, role: config.dr.role } : undefined;
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
