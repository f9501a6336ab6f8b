import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import type { PlatformConfig } from "./config";
import { PlatformNamespace } from "../components/kubernetes/namespace";
import { Tenant } from "../components/tenant";
import { AlertsTopic } from "../components/monitoring/topic";
import { Database } from "../components/database";
import { Redis } from "../components/redis";

/** Explicit providers, so every resource states which account, region and cluster it lives in. */
export interface Providers {
  aws: aws.Provider;
  kubernetes: k8s.Provider;
  /** The DR region (`platform:dr.region`), when the stack has one. */
  awsDr?: aws.Provider;
}

function createProviders(config: PlatformConfig): Providers {
  const defaultTags = { tags: { "platform:environment": config.environment, "platform:managed-by": "pulumi" } };
  return {
    aws: new aws.Provider("aws", { region: config.region as aws.Region, defaultTags }),
    kubernetes: new k8s.Provider("kubernetes", { context: config.kubernetes.context, enableServerSideApply: true }),
    awsDr: config.dr ? new aws.Provider("aws-dr", { region: config.dr.region as aws.Region, defaultTags }) : undefined,
  };
}

/** Wires every component from the validated config. The one place that knows how the parts fit together. */
export function buildPlatform(config: PlatformConfig) {
  const providers = createProviders(config);
  const namespace = new PlatformNamespace("platform", {
    namespace: config.kubernetes.namespace,
    environment: config.environment,
    provider: providers.kubernetes,
  });

  const alerts = new AlertsTopic("platform-alerts", { provider: providers.aws });
  const data = { environment: config.environment, network: config.network, alerts: config.alerts, alertsTopicArn: alerts.arn, provider: providers.aws };
  const database = new Database("platform-db", { ...data, config: config.database, drProvider: providers.awsDr });
  const redis = new Redis("platform-redis", { ...data, config: config.redis });

  const tenantArgs = {
    environment: config.environment,
    postgres: { provider: database.adminProvider, applicationDatabase: database.applicationDatabase.name, host: database.address, port: database.port },
    redis: { provider: providers.aws, userGroupId: redis.userGroupId, host: redis.primaryEndpoint, port: redis.port, idPrefix: redis.userIdPrefix, keyPatterns: config.redis.tenantKeyPatterns, userTiers: config.redis.tenantUserTiers },
    kubernetes: { provider: providers.kubernetes, platformNamespace: config.kubernetes.namespace },
  };
  const tenants = config.tenants.map((tenant) => new Tenant(`tenant-${tenant.id}`, { tenant, ...tenantArgs }));

  return {
    environment: config.environment,
    platformNamespace: namespace.name,
    alertsTopicArn: alerts.arn,
    database: { address: database.address, port: database.port, applicationDatabase: database.applicationDatabaseName, masterSecretArn: database.masterSecretArn },
    redis: { primaryEndpoint: redis.primaryEndpoint, port: redis.port, userGroupId: redis.userGroupId },
    tenants: Object.fromEntries(tenants.map((t) => [t.tenantId, t.outputs()])),
  };
}

export type PlatformOutputs = ReturnType<typeof buildPlatform>;
