// The one other state in which a tenant's PostgreSQL data may go without `protect` in production: the old home of a
// tier move at its retire step (docs/tenants.md, "Changing tier"; components/tenant/postgres.ts). Its data has been
// copied and verified into the new home, which the same stack holds protected, and the tenant's workloads already
// point there (the switch). Recognised by shape, as the analyzer sees it: an unprotected schema `tenant_x` owned by
// `tenant_x`, dropping its tables with it (`dropCascade`), while a protected schema of the same name and owner lives
// in another database; an unprotected database `tenant_x` whose schema is such a retired home. The tenant's role is
// shared by both homes and never qualifies.
import type { PolicyResource } from "@pulumi/policy";
import { known, ofType } from "./util";

export const POSTGRES_SCHEMA = "postgresql:index/schema:Schema";
export const POSTGRES_DATABASE = "postgresql:index/database:Database";

const str = (read: () => unknown) => {
  const value = known(read);
  return typeof value === "string" ? value : undefined;
};

/** A schema's identity as the provider creates it: its name, owner and database. */
function schemaOf(resource: PolicyResource) {
  return {
    name: str(() => resource.props.name),
    owner: str(() => resource.props.owner),
    database: str(() => resource.props.database),
    dropCascade: known(() => resource.props.dropCascade) === true,
    protect: resource.opts.protect === true,
  };
}

/** Whether `schema` is a retired move home: unprotected, cascading, its tenant's protected new home elsewhere. */
function isRetiredSchema(schema: ReturnType<typeof schemaOf>, schemas: ReturnType<typeof schemaOf>[]): boolean {
  if (schema.protect || !schema.dropCascade || !schema.owner?.startsWith("tenant_") || schema.name !== schema.owner)
    return false;
  return schemas.some(
    (other) =>
      other.protect &&
      other.name === schema.name &&
      other.owner === schema.owner &&
      other.database !== undefined &&
      other.database !== schema.database,
  );
}

/** Whether an unprotected schema or database is the old home of a tier move at its retire step. */
export function isRetiredMoveHome(resource: PolicyResource, resources: readonly PolicyResource[]): boolean {
  const schemas = ofType(resources, POSTGRES_SCHEMA).map(schemaOf);
  if (resource.type === POSTGRES_SCHEMA) return isRetiredSchema(schemaOf(resource), schemas);
  if (resource.type === POSTGRES_DATABASE) {
    const name = str(() => resource.props.name);
    const owner = str(() => resource.props.owner);
    if (!name || !owner?.startsWith("tenant_")) return false;
    const inside = schemas.filter((s) => s.database === name && s.owner === owner);
    return inside.length > 0 && inside.every((s) => isRetiredSchema(s, schemas));
  }
  return false;
}
