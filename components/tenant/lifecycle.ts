import type { TenantConfig } from "../../config";
import type { Environment } from "../../config/common";

/** Names of a tenant's objects everywhere, derived from its id (docs/architecture.md, "Contract: names and labels"). */
export function tenantNames(tenantId: string) {
  const sqlName = `tenant_${tenantId.replace(/-/g, "_")}`;
  return {
    /** PostgreSQL login role, schema and (dedicated tiers) database. */
    role: sqlName,
    schema: sqlName,
    database: sqlName,
    /** Kubernetes namespace of the tenant's workloads. */
    namespace: `tenant-${tenantId}`,
    /** ElastiCache user name the tenant authenticates with. */
    redisUser: `tenant-${tenantId}`,
    /** Key and channel prefix in Redis. */
    keyPrefix: `tenant:${tenantId}:`,
  };
}

/** What a tenant's `state` (and `deleteData`) means for each of its resources. */
export interface Lifecycle {
  /** The PostgreSQL role may log in (and the Redis user is `on`). */
  canLogin: boolean;
  /**
   * The tenant's writes are held for a move's copy (`move.step: copy`): its role may not log in and its dedicated
   * workers are stopped, so no row is written to the old home while the move Job copies it. Redis stays on.
   */
  writesHeld: boolean;
  /** Role, schema, database and password exist. */
  keepsData: boolean;
  /** Namespace, quota, network policy, service account, connection Secret and Redis user exist. */
  hasRuntime: boolean;
  /** Data resources refuse deletion (`protect: true`). */
  protectData: boolean;
  /** Dropping the schema also drops its tables: armed only once the tenant is `deleted`. */
  dropCascade: boolean;
}

/**
 * The lifecycle table:
 *
 * | state | login | runtime (namespace, Secret, Redis user) | data (role, schema, database) | protected in production |
 * | --- | --- | --- | --- | --- |
 * | active | yes | yes | yes | yes |
 * | suspended | no (Redis user off) | yes | yes | yes |
 * | offboarded | no (Redis user off) | yes | yes | yes |
 * | deleted | no | removed | kept, unprotected, cascade armed | no |
 * | deleted + deleteData | – | removed | removed | – |
 *
 * A move's copy step (`move.step: copy`, active tenants only) holds the tenant's writes: login off, dedicated workers
 * stopped, Redis user on; everything else as active.
 *
 * Deleting data takes two reviewed changes: `state: deleted` lifts the protection (Pulumi refuses to delete a
 * resource that is protected in state), then `deleteData: true` removes the data resources.
 */
export function tenantLifecycle(
  tenant: Pick<TenantConfig, "state" | "deleteData"> & { move?: TenantConfig["move"] },
  environment: Environment,
): Lifecycle {
  const deleted = tenant.state === "deleted";
  const writesHeld = tenant.move?.step === "copy";
  return {
    canLogin: tenant.state === "active" && !writesHeld,
    writesHeld,
    keepsData: !(deleted && tenant.deleteData),
    hasRuntime: !deleted,
    protectData: environment === "production" && !deleted,
    dropCascade: deleted,
  };
}

/**
 * Reviewer notes for tenants not `active`: what their state does and what is left to do by hand. `exports` says
 * where the stack's export Jobs run and write (undefined when it runs no backup jobs: exports are then by hand).
 */
export function lifecycleNotes(
  tenants: ReadonlyArray<Pick<TenantConfig, "id" | "state" | "deleteData">>,
  exports?: { namespace: string; prefix: string },
): string[] {
  return tenants.flatMap((t) => {
    switch (t.state) {
      case "suspended":
        return [
          `tenant ${t.id} is suspended: its role cannot log in and its Redis user is off; data and credentials are kept`,
        ];
      case "offboarded":
        return [
          exports
            ? `tenant ${t.id} is offboarded: as suspended, and Job ${exports.namespace}/tenant-export-${t.id} exports its data once to the backup bucket under ` +
              `${exports.prefix}/offboarding/${t.id}/ (expiring with the backups); check it completed (EXPORT_OK in its log) before setting state: deleted`
            : `tenant ${t.id} is offboarded: as suspended. This stack runs no backup jobs (no platform:kubernetes.oidcProviderArn), so no export Job: ` +
              `export its data by hand (pg_dump of schema/database tenant_${t.id.replace(/-/g, "_")}) before setting state: deleted`,
        ];
      case "deleted":
        return [
          t.deleteData
            ? `tenant ${t.id} is deleted with deleteData: its role, schema and database are dropped by this update`
            : `tenant ${t.id} is deleted: namespace and Redis user removed, data kept but no longer protected; set deleteData: true to drop it`,
        ];
      default:
        return [];
    }
  });
}
