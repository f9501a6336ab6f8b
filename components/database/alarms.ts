import * as pulumi from "@pulumi/pulumi";
import type { AlertsConfig } from "../../config";
import { AlarmSpec, minutes } from "../monitoring/alarms";

const GIB = 1024 ** 3;

export interface DatabaseAlarmInputs {
  /** DBInstanceIdentifier of the primary. */
  identifier: pulumi.Input<string>;
  /** DBInstanceIdentifiers of read replicas (each gets a replica-lag alarm). */
  replicaIdentifiers: pulumi.Input<string>[];
  /** Storage the instance was sized with; the free-storage thresholds are fractions of it. */
  allocatedStorageGb: number;
  /** Nominal memory of the instance class, or undefined when unknown (no memory alarm then). */
  memoryGib: number | undefined;
  /** The instance's max_connections. */
  maxConnections: number;
  alerts: Pick<
    AlertsConfig,
    "cpuPercent" | "diskPercent" | "memoryPercent" | "dbConnectionsPercent" | "replicationLagSeconds"
  >;
}

/**
 * CloudWatch alarms of the PostgreSQL instance, thresholds from `platform:alerts`: CPU for the configured minutes,
 * free storage below (100 − disk warning/critical) % of the allocation, freeable memory below
 * (100 − memory warning/critical) % of the class's memory, connections above the configured share of
 * max_connections, and replica lag per read replica.
 */
export function databaseAlarmSpecs(inputs: DatabaseAlarmInputs): AlarmSpec[] {
  const { alerts } = inputs;
  const rds = (dimensions: Record<string, pulumi.Input<string>>) => ({ namespace: "AWS/RDS" as const, dimensions });
  const primary = rds({ DBInstanceIdentifier: inputs.identifier });
  const specs: AlarmSpec[] = [
    {
      ...primary,
      role: "cpu",
      severity: "warning",
      description: `PostgreSQL CPU above ${alerts.cpuPercent.warning} % for ${alerts.cpuPercent.forMinutes} minutes`,
      metricName: "CPUUtilization",
      statistic: "Average",
      comparison: "GreaterThanThreshold",
      threshold: alerts.cpuPercent.warning,
      ...minutes(alerts.cpuPercent.forMinutes),
    },
  ];
  for (const severity of ["warning", "critical"] as const) {
    const freePercent = 100 - alerts.diskPercent[severity];
    specs.push({
      ...primary,
      role: `free-storage-${severity}`,
      severity,
      description: `PostgreSQL free storage below ${freePercent} % of ${inputs.allocatedStorageGb} GiB (storage autoscaling may be at its ceiling)`,
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      comparison: "LessThanThreshold",
      threshold: Math.round(inputs.allocatedStorageGb * GIB * (freePercent / 100)),
      ...minutes(5),
    });
    if (inputs.memoryGib !== undefined) {
      const freeMemory = 100 - alerts.memoryPercent[severity];
      specs.push({
        ...primary,
        role: `freeable-memory-${severity}`,
        severity,
        description: `PostgreSQL freeable memory below ${freeMemory} % of ${inputs.memoryGib} GiB`,
        metricName: "FreeableMemory",
        statistic: "Average",
        comparison: "LessThanThreshold",
        threshold: Math.round(inputs.memoryGib * GIB * (freeMemory / 100)),
        ...minutes(10),
      });
    }
    const connections = Math.floor((inputs.maxConnections * alerts.dbConnectionsPercent[severity]) / 100);
    specs.push({
      ...primary,
      role: `connections-${severity}`,
      severity,
      description: `PostgreSQL connections above ${alerts.dbConnectionsPercent[severity]} % of max_connections ${inputs.maxConnections}`,
      metricName: "DatabaseConnections",
      statistic: "Maximum",
      comparison: "GreaterThanThreshold",
      threshold: connections,
      ...minutes(5),
    });
    inputs.replicaIdentifiers.forEach((replica, i) => {
      specs.push({
        ...rds({ DBInstanceIdentifier: replica }),
        role: `replica-${i + 1}-lag-${severity}`,
        severity,
        description: `PostgreSQL read replica ${i + 1} more than ${alerts.replicationLagSeconds[severity]} s behind the primary`,
        metricName: "ReplicaLag",
        statistic: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: alerts.replicationLagSeconds[severity],
        ...minutes(5),
      });
    });
  }
  return specs;
}
