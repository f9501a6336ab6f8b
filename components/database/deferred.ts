// What `pulumi up` asks of RDS but RDS applies later: instance modifications held for the maintenance window
// (`platform:database.applyChanges: maintenanceWindow`) and static parameters that wait for a reboot. The plan lists
// them in its notes; tools/drift-check.ts tolerates exactly the deferred instance modifications in a refreshed preview.
import type { DatabaseConfig } from "./settings";
import { databaseParameters } from "./parameters";

/**
 * aws:rds/instance:Instance inputs whose change RDS holds until the maintenance window when ModifyDBInstance runs
 * with `ApplyImmediately: false` (Amazon RDS User Guide, "Settings for DB instances": "If you don't choose to apply
 * the change immediately, it occurs during the next maintenance window" for the DB instance class, allocated storage,
 * storage type, provisioned IOPS, storage throughput, engine version, Multi-AZ and the certificate authority).
 * Until then the provider reads the running values back, so a preview shows these fields changing again.
 */
export const DEFERRED_INSTANCE_FIELDS = [
  "instanceClass",
  "allocatedStorage",
  "storageType",
  "iops",
  "storageThroughput",
  "engineVersion",
  "multiAz",
  "caCertIdentifier",
] as const;

/**
 * Parameters of the group that take effect only after a reboot: static parameters get `applyMethod: pending-reboot`
 * (RDS refuses `immediate` for them; Amazon RDS User Guide, "Working with parameter groups": "When you change a
 * static parameter and save the DB parameter group, the parameter change takes effect after you manually reboot the
 * DB instance"). A maintenance window does not reboot the instance for them.
 */
export function pendingRebootParameters(database: Pick<DatabaseConfig, "parameters">): string[] {
  return databaseParameters(database.parameters)
    .filter((p) => p.applyMethod === "pending-reboot")
    .map((p) => p.name);
}

/** The plan notes about deferred changes of the stack's PostgreSQL instance. */
export function deferredChangeNotes(
  database: Pick<DatabaseConfig, "applyChanges" | "maintenanceWindow" | "parameters" | "instanceClass">,
): string[] {
  const notes: string[] = [];
  if (database.applyChanges === "maintenanceWindow") {
    notes.push(
      `PostgreSQL instance changes wait for the maintenance window ${database.maintenanceWindow} (platform:database.applyChanges: maintenanceWindow): a change of ${DEFERRED_INSTANCE_FIELDS.join(", ")} is pending until then, and the drift check tolerates exactly those; alarms derived from the class (freeable memory, connections) follow the configured class ${database.instanceClass} at once. Set applyChanges: immediately for a change that cannot wait.`,
    );
  }
  const reboot = pendingRebootParameters(database);
  if (reboot.length > 0) {
    notes.push(
      `PostgreSQL static parameters apply only after a reboot (applyMethod pending-reboot): ${reboot.join(", ")}. A changed value stays pending until \`aws rds reboot-db-instance\` (neither \`pulumi up\` nor the maintenance window reboots for it).`,
    );
  }
  return notes;
}

interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/**
 * The deferred changes between two plans (`npm run plan -- --diff base/plan.json`): each deferred field of an RDS
 * instance that changes while applyChanges is maintenanceWindow, and each pending-reboot parameter whose value
 * changes, with what it waits for.
 */
export function pendingChangeNotes(
  base: readonly PlannedResource[],
  next: readonly PlannedResource[],
  database: Pick<DatabaseConfig, "applyChanges" | "maintenanceWindow">,
): string[] {
  const before = new Map(base.map((r) => [`${r.type}::${r.name}`, r]));
  const notes: string[] = [];
  const show = (v: unknown) => (v === undefined ? "unset" : JSON.stringify(v));
  for (const resource of next) {
    const old = before.get(`${resource.type}::${resource.name}`);
    if (!old) continue;
    if (resource.type === "aws:rds/instance:Instance" && database.applyChanges === "maintenanceWindow") {
      for (const field of DEFERRED_INSTANCE_FIELDS) {
        if (JSON.stringify(old.inputs[field]) !== JSON.stringify(resource.inputs[field]))
          notes.push(
            `pending until the maintenance window ${database.maintenanceWindow}: ${resource.name} ${field} ${show(old.inputs[field])} → ${show(resource.inputs[field])}`,
          );
      }
    }
    if (resource.type === "aws:rds/parameterGroup:ParameterGroup") {
      type Parameter = { name: string; value: string; applyMethod?: string };
      const oldValues = new Map(((old.inputs.parameters ?? []) as Parameter[]).map((p) => [p.name, p.value]));
      for (const p of (resource.inputs.parameters ?? []) as Parameter[]) {
        if (p.applyMethod === "pending-reboot" && oldValues.get(p.name) !== p.value)
          notes.push(
            `pending until a reboot of the instances using ${resource.name}: ${p.name} ${show(oldValues.get(p.name))} → ${show(p.value)} (static parameter; \`aws rds reboot-db-instance\`)`,
          );
      }
    }
  }
  return notes;
}
