import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import type { PlatformConfig } from "./config";
import { PlatformNamespace } from "../components/kubernetes/namespace";
import { Tenant } from "../components/tenant";
import * as random from "@pulumi/random";
import { WorkerPool, dedicatedWorkerPool } from "../components/workers/worker-pool";
import { PlatformJobs } from "../components/jobs/platform-jobs";
import { DatabaseAccess } from "../components/jobs/database-access";
import { BackupBucket } from "../components/backups/backup-bucket";
import { DatabaseBackups, backupDatabaseNames } from "../components/backups/database-backups";
import { standardLabels, tenantLabels, tenantNamespaceName } from "../components/kubernetes/labels";
import { TIER_PROFILES } from "./schema/tenants";

/** Placeholder until the data tier is merged: the RDS address is not known on this branch. */
const DATABASE_HOST_PENDING_DATA_TIER = "database.pending-data-tier.invalid";

/** Explicit providers, so every resource states which account, region and cluster it lives in. */
export interface Providers {
  aws: aws.Provider;
  kubernetes: k8s.Provider;
}

function createProviders(config: PlatformConfig): Providers {
  return {
    aws: new aws.Provider("aws", { region: config.region as aws.Region, defaultTags: { tags: { "platform:environment": config.environment, "platform:managed-by": "pulumi" } } }),
    kubernetes: new k8s.Provider("kubernetes", { context: config.kubernetes.context, enableServerSideApply: true }),
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

  const tenants = config.tenants.map((tenant) => new Tenant(`tenant-${tenant.id}`, { tenant }));
  const k8sNamespace = namespace.name;
  const production = config.environment === "production";

  const workerPools = Object.entries(config.workers).map(
    ([pool, poolConfig]) => new WorkerPool(`workers-${pool}`, { pool: poolConfig, objectName: `worker-${pool}`, namespace: k8sNamespace, provider: providers.kubernetes }),
  );
  const template = config.workers.default ?? Object.values(config.workers)[0];
  config.tenants.forEach((tenant, i) => {
    if (!tenant.dedicatedWorkers || !template || tenant.state === "offboarded" || tenant.state === "deleted") return;
    new WorkerPool(
      `tenant-${tenant.id}-workers`,
      { pool: dedicatedWorkerPool(template, tenant.id), objectName: "worker", namespace: tenantNamespaceName(tenant.id), labels: tenantLabels(tenant.id, tenant.tier), paused: tenant.state === "suspended", provider: providers.kubernetes },
      { parent: tenants[i] },
    );
  });

  // TODO(data tier merge): use the Database component's address and an ops role's credentials Secret instead.
  const opsPassword = new random.RandomPassword("database-ops-password", { length: 32, special: false });
  const opsCredentials = new k8s.core.v1.Secret(
    "database-ops-credentials",
    { metadata: { name: "database-ops-credentials", namespace: k8sNamespace, labels: standardLabels({ name: "database-ops", component: "credentials" }) }, type: "Opaque", stringData: { username: "platform_ops", password: opsPassword.result } },
    { provider: providers.kubernetes, additionalSecretOutputs: ["stringData", "data"] },
  );
  const database: DatabaseAccess = { host: DATABASE_HOST_PENDING_DATA_TIER, port: 5432, credentialsSecret: { name: opsCredentials.metadata.name } };
  const databases = backupDatabaseNames(config.database.applicationDatabase, config.tenants.map((t) => ({ id: t.id, isolation: TIER_PROFILES[t.tier].isolation, state: t.state })));

  if (template) {
    new PlatformJobs("jobs", { jobs: config.jobs, namespace: k8sNamespace, appImage: template.image, appEnv: template.env, postgresImage: config.backups.postgresImage, database, databases, provider: providers.kubernetes });
  }

  const backups = config.backups;
  const backupBucket = new BackupBucket("backups", {
    prefix: config.environment,
    retentionDays: backups.retentionDays,
    noncurrentVersionRetentionDays: backups.noncurrentVersionRetentionDays,
    coldTransitionDays: backups.coldTransitionDays,
    objectLock: backups.objectLock,
    replicaRegion: backups.replicateToDr ? config.dr?.region : undefined,
    protect: production,
    provider: providers.aws,
  });
  if (config.kubernetes.oidcProviderArn) {
    new DatabaseBackups("database-backups", {
      namespace: k8sNamespace,
      prefix: config.environment,
      database,
      databases,
      bucket: { name: backupBucket.bucketName, arn: backupBucket.bucketArn, kmsKeyArn: backupBucket.kmsKeyArn },
      bucketRegion: config.region,
      schedule: backups.schedule,
      verifySchedule: backups.verifySchedule,
      postgresImage: backups.postgresImage,
      awsCliImage: backups.awsCliImage,
      oidcProviderArn: config.kubernetes.oidcProviderArn,
      pushgatewayUrl: backups.pushgatewayUrl,
      verifyMaxDumpAgeHours: backups.verifyMaxDumpAgeHours,
      verifyMinTables: backups.verifyMinTables,
      awsProvider: providers.aws,
      k8sProvider: providers.kubernetes,
    });
  }

  return {
    environment: config.environment,
    platformNamespace: namespace.name,
    workerPools: workerPools.map((p) => p.deploymentName),
    backupBucket: backupBucket.bucketName,
    tenants: Object.fromEntries(tenants.map((t) => [t.tenantId, { tier: t.tier, state: t.state, namespace: t.namespaceName }])),
  };
}

export type PlatformOutputs = ReturnType<typeof buildPlatform>;
