import * as pulumi from "@pulumi/pulumi";
import type { AlertsConfig } from "../../config";
import { AlarmSpec, minutes } from "../monitoring/alarms";

const GIB = 1024 ** 3;

export interface DatabaseAlarmInputs {
  /** DBInstanceIdentifier of the primary. */
  identifier: pulumi.Input<string>;
  /** DBInstanceIdentifiers of read replicas (each gets a replica-lag alarm). */
  replicaIdentifiers: pulumi.Input<string>[];
  /**
   * The instance's allocated storage as Pulumi last read it (`instance.allocatedStorage`: storage autoscaling grows it
   * outside Pulumi, and every refresh reads the live size).
   */
  allocatedStorageGb: pulumi.Input<number>;
  /** Storage autoscaling's ceiling (`maxAllocatedStorageGb`); undefined when storage does not autoscale. */
  maxAllocatedStorageGb?: number;
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
 * The percentage of the storage that can ever be used that is in use, as CloudWatch metric math over FreeStorageSpace
 * (`m1`, bytes): `100 * (allocated − free) / ceiling`, the ceiling being maxAllocatedStorageGb with autoscaling, else
 * the allocation. AWS/RDS publishes no allocated-size metric (Amazon RDS User Guide, "Amazon CloudWatch metrics for
 * Amazon RDS"), so the allocation is the instance's as last read by Pulumi.
 *
 * Why the ceiling: with autoscaling, RDS adds storage once free space is ≤ 10 % of the allocation for five minutes
 * (increments of the larger of 10 GiB, 10 % of the allocation or 7 hours of predicted growth; "Managing capacity
 * automatically with Amazon RDS storage autoscaling"), so "90 % of the allocation used" is routine there, not an
 * incident; the limit that pages is the ceiling, past which RDS adds nothing.
 */
export function storageUsedPercentExpression(
  allocatedStorageGb: pulumi.Input<number>,
  maxAllocatedStorageGb: number | undefined,
): { expression: pulumi.Output<string>; label: string } {
  return {
    expression: pulumi
      .output(allocatedStorageGb)
      .apply((allocated) => `100 * (${allocated * GIB} - m1) / ${(maxAllocatedStorageGb ?? allocated) * GIB}`),
    label:
      maxAllocatedStorageGb === undefined
        ? "percent of the allocated storage used"
        : "percent of the storage autoscaling ceiling used",
  };
}

/**
 * CloudWatch alarms of the PostgreSQL instance, thresholds from `platform:alerts`: CPU for the configured minutes,
 * storage used above the disk warning/critical % of the ceiling (`storageUsedPercentExpression`), freeable memory below
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
    const ceiling = inputs.maxAllocatedStorageGb;
    specs.push({
      ...primary,
      role: `free-storage-${severity}`,
      severity,
      description:
        ceiling === undefined
          ? `PostgreSQL storage above ${alerts.diskPercent[severity]} % used`
          : `PostgreSQL storage above ${alerts.diskPercent[severity]} % of the autoscaling ceiling of ${ceiling} GiB used (raise maxAllocatedStorageGb)`,
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      comparison: "GreaterThanThreshold",
      threshold: alerts.diskPercent[severity],
      expression: storageUsedPercentExpression(inputs.allocatedStorageGb, ceiling),
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
