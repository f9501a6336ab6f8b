// What the backup jobs cover: the databases to dump (the application database and each dedicated tenant's) and
// the one-off exports of offboarded tenants, with where each lands in the bucket. Pure functions of the tenant list.
import type * as pulumi from "@pulumi/pulumi";

/** An offboarded tenant's data to export once: its schema in the application database, or its own database. */
export interface TenantExport {
  tenantId: string;
  /** The database to dump. */
  database: pulumi.Input<string>;
  /** Only this schema of it (pooled tenants); the whole database when undefined (dedicated tenants). */
  schema?: string;
}

/** Where a tenant's export lands: `s3://<bucket>/<prefix>/offboarding/<tenant>/<database>/<timestamp>.dump`. */
export const tenantExportPrefix = (prefix: string, tenantId: string) => `${prefix}/offboarding/${tenantId}`;

/** The exports of the offboarded tenants: pooled ones' schema in the application database, dedicated ones' database. */
export function tenantExports(
  applicationDatabase: pulumi.Input<string>,
  tenants: { id: string; isolation: "dedicated" | "schema"; state: string }[],
): TenantExport[] {
  return tenants
    .filter((t) => t.state === "offboarded")
    .map((t) =>
      t.isolation === "dedicated"
        ? { tenantId: t.id, database: tenantDatabaseName(t.id) }
        : { tenantId: t.id, database: applicationDatabase, schema: tenantDatabaseName(t.id) },
    );
}

/** PostgreSQL name of a tenant's database (ids are DNS labels; "-" becomes "_"). */
export const tenantDatabaseName = (tenantId: string) => `tenant_${tenantId.replace(/-/g, "_")}`;

/**
 * The databases to back up: the application database (which also holds the schema-isolated tenants) and the
 * database of every tenant with a dedicated one that still has data (all states but `deleted`).
 */
export function backupDatabaseNames(
  applicationDatabase: string,
  tenants: { id: string; isolation: "dedicated" | "schema"; state: string }[],
): string[] {
  return [
    applicationDatabase,
    ...tenants.filter((t) => t.isolation === "dedicated" && t.state !== "deleted").map((t) => tenantDatabaseName(t.id)),
  ];
}
