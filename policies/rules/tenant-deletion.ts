// The one state in which a tenant's PostgreSQL data may go without `protect` in production: the first step of the
// documented two-step deletion (docs/tenants.md, "Deletion"; components/tenant/lifecycle.ts). In that state the
// tenant's role cannot log in, its schemas drop their tables with them (`dropCascade`), and its runtime is gone: no
// namespace labelled with the tenant and no ElastiCache user of it in the stack. Anything else unprotected (an
// active or suspended tenant's data, a role of no tenant) stays a violation.
import type { PolicyResource } from "@pulumi/policy";
import { known, labelsOf, ofType } from "./util";

export const POSTGRES_ROLE = "postgresql:index/role:Role";
export const POSTGRES_SCHEMA = "postgresql:index/schema:Schema";
export const POSTGRES_DATABASE = "postgresql:index/database:Database";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const ELASTICACHE_USER = "aws:elasticache/user:User";
/** The label of a tenant's namespace (components/kubernetes/labels.ts), its value the tenant id. */
const TENANT_LABEL = "platform.io/tenant";

/** A tenant's SQL name from its id (`wayne-ent` → `tenant_wayne_ent`), as the tenant component names its role. */
const sqlName = (tenantId: string) => `tenant_${tenantId.replace(/-/g, "_")}`;
const str = (read: () => unknown) => {
  const value = known(read);
  return typeof value === "string" ? value : undefined;
};

/**
 * Names of the tenant roles in the documented deletion state: a `tenant_*` role with login off, every schema it
 * owns with `dropCascade`, and no namespace or Redis user of the tenant left in the stack.
 */
export function rolesBeingDeleted(resources: readonly PolicyResource[]): Set<string> {
  const runtime = new Set<string>();
  for (const ns of ofType(resources, NAMESPACE)) {
    const id = known(() => labelsOf(ns.props)[TENANT_LABEL]);
    if (typeof id === "string") runtime.add(sqlName(id));
  }
  for (const user of ofType(resources, ELASTICACHE_USER)) {
    const userName = str(() => user.props.userName);
    if (userName?.startsWith("tenant-")) runtime.add(sqlName(userName.slice("tenant-".length)));
  }
  const schemas = ofType(resources, POSTGRES_SCHEMA);
  const deleting = new Set<string>();
  for (const role of ofType(resources, POSTGRES_ROLE)) {
    const name = str(() => role.props.name);
    if (!name?.startsWith("tenant_") || known(() => role.props.login) !== false || runtime.has(name)) continue;
    const owned = schemas.filter((s) => str(() => s.props.owner) === name);
    if (owned.every((s) => known(() => s.props.dropCascade) === true)) deleting.add(name);
  }
  return deleting;
}

/** Whether an unprotected PostgreSQL role, schema or database belongs to a tenant in the documented deletion state. */
export function isDocumentedDeletion(resource: PolicyResource, deleting: ReadonlySet<string>): boolean {
  switch (resource.type) {
    case POSTGRES_ROLE:
      return deleting.has(str(() => resource.props.name) ?? "");
    case POSTGRES_SCHEMA:
      return deleting.has(str(() => resource.props.owner) ?? "") && known(() => resource.props.dropCascade) === true;
    case POSTGRES_DATABASE:
      return deleting.has(str(() => resource.props.owner) ?? "");
    default:
      return false;
  }
}
