import type * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import { Database } from "../../components/database";
import { DatabaseOpsCredentials } from "../../components/database/ops-credentials";
import { Redis } from "../../components/redis";

/**
 * PostgreSQL, Redis and the login the operations jobs use. Every consumer reads the database through what this
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
    provider: providers.aws,
  };
  const crossRegion = config.dr?.sourceDbArn ? { sourceDbArn: config.dr.sourceDbArn, role: config.dr.role } : undefined;
  const database = new Database("platform-db", {
    ...shared,
    config: config.database,
    drProvider: providers.awsDr,
    crossRegion,
  });
  const redis = new Redis("platform-redis", { ...shared, config: config.redis });
  const opsDatabase = new DatabaseOpsCredentials("database-ops", {
    namespace,
    host: database.address,
    port: database.port,
    username: database.roles.operations.name,
    password: database.roles.operations.password,
    provider: providers.kubernetes,
  }).access;
  return { database, redis, opsDatabase };
}
