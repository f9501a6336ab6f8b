import * as pulumi from "@pulumi/pulumi";
import type { AlertsConfig } from "../../config";
import { AlarmSpec, minutes } from "../monitoring/alarms";

export interface RedisAlarmInputs {
  /** CacheClusterIds of the nodes (`<replication group id>-001`, ...). */
  nodeIds: pulumi.Input<string>[];
  /** The configured connection ceiling (`platform:redis.maxClients`). */
  maxClients: number;
  /** Whether the group has replicas (replication lag is measured on replicas only). */
  hasReplicas: boolean;
  alerts: Pick<AlertsConfig, "cpuPercent" | "redisMemoryPercent" | "redisConnectionsPercent" | "replicationLagSeconds">;
}

/** Cache cluster ids of a replication group's nodes: ElastiCache numbers them `<id>-001`, `<id>-002`, ... */
export function nodeIds(replicationGroupId: pulumi.Output<string>, nodeCount: number): pulumi.Output<string>[] {
  return Array.from({ length: nodeCount }, (_, i) =>
    replicationGroupId.apply((id) => `${id}-${String(i + 1).padStart(3, "0")}`),
  );
}

/**
 * CloudWatch alarms per Redis node, thresholds from `platform:alerts`: engine CPU, memory use (warning and
 * critical), connections near the ceiling, any eviction (the cache holds job queues: an eviction is a lost job),
 * and replication lag on replicas.
 */
export function redisAlarmSpecs(inputs: RedisAlarmInputs): AlarmSpec[] {
  const { alerts } = inputs;
  return inputs.nodeIds.flatMap((nodeId, i): AlarmSpec[] => {
    const node = { namespace: "AWS/ElastiCache" as const, dimensions: { CacheClusterId: nodeId } };
    const label = `node ${i + 1}`;
    const specs: AlarmSpec[] = [
      {
        ...node,
        role: `node-${i + 1}-engine-cpu`,
        severity: "warning",
        description: `Redis ${label} engine CPU above ${alerts.cpuPercent.warning} % for ${alerts.cpuPercent.forMinutes} minutes`,
        metricName: "EngineCPUUtilization",
        statistic: "Average",
        comparison: "GreaterThanThreshold",
        threshold: alerts.cpuPercent.warning,
        ...minutes(alerts.cpuPercent.forMinutes),
      },
      ...(["warning", "critical"] as const).map((severity): AlarmSpec => ({
        ...node,
        role: `node-${i + 1}-memory-${severity}`,
        severity,
        description: `Redis ${label} memory above ${alerts.redisMemoryPercent[severity]} % (noeviction: writes fail when full)`,
        metricName: "DatabaseMemoryUsagePercentage",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: alerts.redisMemoryPercent[severity],
        ...minutes(5),
      })),
      {
        ...node,
        role: `node-${i + 1}-connections`,
        severity: "warning",
        description: `Redis ${label} connections above ${alerts.redisConnectionsPercent.warning} % of ${inputs.maxClients}`,
        metricName: "CurrConnections",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: Math.floor((inputs.maxClients * alerts.redisConnectionsPercent.warning) / 100),
        ...minutes(5),
      },
      {
        ...node,
        role: `node-${i + 1}-evictions`,
        severity: "critical",
        description: `Redis ${label} evicted keys: queued jobs may be lost`,
        metricName: "Evictions",
        statistic: "Sum",
        comparison: "GreaterThanThreshold",
        threshold: 0,
        ...minutes(1),
        treatMissingData: "notBreaching",
      },
    ];
    if (inputs.hasReplicas) {
      specs.push({
        ...node,
        role: `node-${i + 1}-replication-lag`,
        severity: "warning",
        description: `Redis ${label} more than ${alerts.replicationLagSeconds.warning} s behind the primary (only replicas report lag)`,
        metricName: "ReplicationLag",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: alerts.replicationLagSeconds.warning,
        ...minutes(5),
        treatMissingData: "notBreaching",
      });
    }
    return specs;
  });
}
