// Names that must be unique do not collide. Each stack derives names from config: the platform namespace beside
// the tenant namespaces `tenant-<id>`, the application database beside the tenant databases and schemas
// `tenant_<id>` (id with "-" → "_"), custom CronJobs beside the built-in ones (the Pulumi engine refuses two
// resources with one URN; Kubernetes would let one object silently overwrite the other).
import { ConfigProblem, showValue } from "./errors";
import { dns1123LabelProblem } from "./kubernetes-rules";
import { ParsedSections, key } from "./rules-common";

/** Tenant namespaces (components/kubernetes/labels.ts tenantNamespaceName). */
export const TENANT_NAMESPACE_PREFIX = "tenant-";
/** Tenant databases, schemas and roles (docs/architecture.md, "Contract: names and labels": `tenant_<id>`, "-" becomes "_"). */
export const TENANT_SQL_PREFIX = "tenant_";
/** Built-in jobs of platform:jobs: their Pulumi names (`jobs-<name>`) and CronJob names custom jobs must not take. */
export const BUILT_IN_JOB_NAMES = ["reconcile", "database-maintenance"] as const;

export const tenantNamespace = (id: string) => `${TENANT_NAMESPACE_PREFIX}${id}`;
export const tenantSqlName = (id: string) => `${TENANT_SQL_PREFIX}${id.replace(/-/g, "_")}`;

/** Pairs of tenant indexes whose derived names (namespace or SQL name) coincide. */
export function tenantNameCollisions(ids: readonly string[]): { index: number; other: number; name: string }[] {
  const collisions: { index: number; other: number; name: string }[] = [];
  for (const derive of [tenantNamespace, tenantSqlName]) {
    const seen = new Map<string, number>();
    ids.forEach((id, index) => {
      const name = derive(id);
      const other = seen.get(name);
      if (other === undefined) seen.set(name, index);
      else if (ids[other] !== id) collisions.push({ index, other, name });
    });
  }
  return collisions;
}

export function nameProblems({ kubernetes, database, jobs, tenants, tenancy }: ParsedSections): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = tenants?.map((t) => t.id) ?? [];
  if (kubernetes) {
    const namespace = kubernetes.namespace;
    const owner = ids.findIndex((id) => tenantNamespace(id) === namespace);
    if (namespace.startsWith(TENANT_NAMESPACE_PREFIX))
      problems.push({
        key: key("kubernetes", "namespace"),
        value: showValue(namespace),
        message: `must not start with "${TENANT_NAMESPACE_PREFIX}": tenant namespaces are named ${TENANT_NAMESPACE_PREFIX}<id>${owner >= 0 ? ` (it is platform:tenants[${owner}]'s namespace)` : " and a tenant with that id would share it"}`,
      });
    // A shard's operations namespace (program/wiring/backups.ts shardOpsNamespace) is a namespace name too.
    if (tenancy?.role === "shard" && tenancy.shard) {
      const opsNamespace = `${namespace}-tenants-${tenancy.shard}`;
      if (dns1123LabelProblem(opsNamespace))
        problems.push({
          key: key("tenancy", "shard"),
          value: showValue(tenancy.shard),
          message: `the shard's namespace "${opsNamespace}" (${opsNamespace.length} characters) must be a DNS-1123 label of at most 63 characters; shorten platform:kubernetes.namespace or the shard name`,
        });
    }
  }
  if (database?.applicationDatabase.startsWith(TENANT_SQL_PREFIX)) {
    const owner = ids.findIndex((id) => tenantSqlName(id) === database.applicationDatabase);
    problems.push({
      key: key("database", "applicationDatabase"),
      value: showValue(database.applicationDatabase),
      message: `must not start with "${TENANT_SQL_PREFIX}": tenant databases and schemas are named ${TENANT_SQL_PREFIX}<id>${owner >= 0 ? ` (it is platform:tenants[${owner}]'s)` : " and a tenant with that id would collide with it"}`,
    });
  }
  for (const name of Object.keys(jobs?.custom ?? {})) {
    if ((BUILT_IN_JOB_NAMES as readonly string[]).includes(name))
      problems.push({
        key: key("jobs", "custom", name),
        value: showValue(name),
        message: `the name of a built-in job (${BUILT_IN_JOB_NAMES.join(", ")}): both would be the Pulumi resource "jobs-${name}", which the engine refuses; choose another name (configure the built-in one under platform:jobs.${name === "reconcile" ? "reconcile" : "databaseMaintenance"})`,
      });
  }
  for (const { index, other, name } of tenantNameCollisions(ids))
    problems.push({
      key: key("tenants", index, "id"),
      value: showValue(ids[index]),
      message: `derives the same name "${name}" as platform:tenants[${other}].id (${showValue(ids[other])}); tenant ids must stay distinct after "-" becomes "_"`,
    });
  return problems;
}
