// The monitoring pieces of a stack, from `platform:monitoring`: what makes Prometheus collect the series the alert
// rules read. The platform stack monitors its API, pools, data tier, probes and Pushgateway; a tenant shard its own
// tenants' pools and its own backups (docs/alerts.md, "What you must run").
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import type { Database } from "../../components/database";
import type { Redis } from "../../components/redis";
import { tenantNamespaceName } from "../../components/kubernetes/labels";
import { PlatformMonitors } from "../../components/monitoring/monitors";
import { DataExporters } from "../../components/monitoring/exporters";
import { PushgatewayCleanup } from "../../components/monitoring/pushgateway-cleanup";
import { stackBackupAlertRule } from "../../components/alerts";
import { longestIntervalMinutes } from "../../config/common";

/** Tenant namespaces that run a dedicated worker pool (enterprise tenants with `dedicatedWorkers`, not gone). */
export const dedicatedPoolNamespaces = (config: Pick<PlatformConfig, "tenants">) =>
  config.tenants
    .filter((t) => t.dedicatedWorkers && t.state !== "offboarded" && t.state !== "deleted")
    .map((t) => tenantNamespaceName(t.id));

/**
 * The stack's monitors: ServiceMonitor/PodMonitor/Probe objects, the adapter rule of the pools' queue metric, the
 * data-tier exporters (not on a DR standby, whose read-only replica cannot take the exporter's role), and the cleanup
 * of Pushgateway groups of databases the stack no longer backs up.
 */
export function stackMonitoring(
  config: PlatformConfig,
  args: {
    /** Name of the components and prefix of the monitor objects (unique per namespace across stacks). */
    name?: string;
    /** Namespace of the monitor objects and exporters (the platform namespace, or a shard's jobs namespace). */
    namespace: string;
    /** Namespaces of worker pools to scrape. */
    workerNamespaces: readonly string[];
    /** Databases the stack's backup job dumps (undefined: the stack runs no backup jobs). */
    backupDatabases?: readonly string[];
    /**
     * The data tier, on the platform stack only; omitted on shards. `redisMembershipAfter`: the tail of the user
     * group's membership chain (the last tenant membership, or the replication group), which the exporter's
     * membership follows.
     */
    dataTier?: { database: Database; redis: Redis; redisMembershipAfter?: pulumi.Resource[] };
    providers: Pick<Providers, "kubernetes" | "aws">;
  },
) {
  const monitoring = config.monitoring;
  if (!monitoring.enabled) return undefined;
  const provider = args.providers.kubernetes;
  const name = args.name ?? "monitoring";
  const monitors = new PlatformMonitors(name, {
    monitoring,
    selectorLabels: config.alerts.selectorLabels,
    namespace: args.namespace,
    monitoringNamespace: config.kubernetes.monitoringNamespace,
    apiJob: config.alerts.metrics.upJob,
    probeJob: config.alerts.metrics.probeJob,
    workerNamespaces: args.workerNamespaces,
    queueMetrics: Object.values(config.workers).flatMap((pool) => (pool.queue ? [pool.queue.metric] : [])),
    provider,
  });
  const data = args.dataTier;
  const exporters =
    data && data.database.writable && (monitoring.postgresExporter.enabled || monitoring.redisExporter.enabled)
      ? new DataExporters(`${name}-exporters`, {
          namespace: args.namespace,
          selectorLabels: config.alerts.selectorLabels,
          postgres: monitoring.postgresExporter.enabled
            ? {
                image: monitoring.postgresExporter.image,
                roleName: monitoring.postgresExporter.roleName,
                host: data.database.address,
                port: data.database.port,
                database: data.database.applicationDatabaseName,
                provider: data.database.adminProvider,
              }
            : undefined,
          redis: monitoring.redisExporter.enabled
            ? {
                image: monitoring.redisExporter.image,
                host: data.redis.primaryEndpoint,
                port: data.redis.port,
                userGroupId: data.redis.userGroupId,
                userIdPrefix: data.redis.userIdPrefix,
                provider: args.providers.aws,
                membershipAfter: data.redisMembershipAfter,
              }
            : undefined,
          protect: config.environment === "production",
          provider,
        })
      : undefined;
  const cleanup =
    config.backups.pushgatewayUrl && args.backupDatabases
      ? new PushgatewayCleanup(`${name}-pushgateway-cleanup`, {
          namespace: args.namespace,
          pushgatewayUrl: config.backups.pushgatewayUrl,
          stack: pulumi.getStack(),
          databases: args.backupDatabases,
          image: monitoring.pushgateway.cleanupImage,
          provider,
        })
      : undefined;
  return { monitors, exporters, cleanup };
}

/**
 * A tenant shard's monitoring: a PodMonitor of its tenants' dedicated pools, and — when it runs backup jobs of its
 * own — the backup alerts of its stack (the platform stack's rules watch only the platform's databases) and the
 * cleanup of its Pushgateway groups. The API, probes, Pushgateway and adapter belong to the platform stack.
 */
export function shardMonitoring(
  config: PlatformConfig,
  args: {
    shard: string;
    /** The shard's jobs namespace, when it runs backup jobs. */
    backupNamespace?: string;
    /** Databases the shard's backup job dumps. */
    backupDatabases: readonly string[];
    providers: Pick<Providers, "kubernetes" | "aws">;
  },
) {
  const m = config.monitoring;
  const platformOnly = {
    ...m,
    api: { ...m.api, enabled: false },
    probes: { ...m.probes, targets: [] },
    pushgateway: { ...m.pushgateway, serviceMonitor: false },
    queueMetrics: { ...m.queueMetrics, adapter: "none" as const },
  };
  const shardConfig = { ...config, monitoring: platformOnly };
  const monitoring = stackMonitoring(shardConfig, {
    name: `monitoring-tenants-${args.shard}`,
    namespace: args.backupNamespace ?? config.kubernetes.namespace,
    workerNamespaces: dedicatedPoolNamespaces(config),
    backupDatabases: args.backupNamespace ? args.backupDatabases : undefined,
    providers: args.providers,
  });
  if (config.alerts.enabled && args.backupNamespace && args.backupDatabases.length > 0) {
    stackBackupAlertRule(
      `alerts-tenants-${args.shard}`,
      {
        alerts: config.alerts,
        namespace: config.kubernetes.namespace,
        provider: args.providers.kubernetes,
        context: {
          namespace: config.kubernetes.namespace,
          tenants: [],
          stack: pulumi.getStack(),
          backupDatabases: args.backupDatabases,
          restoreVerifyIntervalHours: longestIntervalMinutes(config.backups.verifySchedule) / 60,
        },
      },
      monitoring?.monitors,
    );
  }
  return monitoring;
}
