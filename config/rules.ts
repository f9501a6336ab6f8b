// Cross-field rules: the checks that read more than one field or section, run after every section parsed. Each
// area's rules live in a rules-<area>.ts module; this file only runs them in order. To add a rule module, export a
// function taking the parsed sections and returning ConfigProblem[], and add it to the list below.
import type { ConfigProblem } from "./errors";
import type { TenancyRole } from "./tenancy";
import type { ParsedSections } from "./rules-common";
import { tenancyProblems, tenantProblems } from "./rules-tenants";
import { alertProblems, backupProblems, workerProblems } from "./rules-workloads";
import { dataProblems } from "./rules-data";
import { capacityProblems } from "./rules-capacity";
import { moveProblems } from "./rules-move";
import { operationsProblems } from "./rules-operations";
import { nameProblems } from "./rules-names";
import { alertingProblems } from "./rules-alerting";
import { lifecycleProblems } from "./rules-lifecycle";
import { runbookProblems } from "./rules-runbooks";
import { monitoringProblems } from "./monitoring";
import { hasRedisUser } from "./tenants";
import { toolImageProblems } from "./workloads";

export { MAX_TENANT_REDIS_USERS } from "./rules-tenants";
export { connectionBudget } from "./rules-capacity";
export type { ParsedSections } from "./rules-common";

/** Rules that involve more than one field. Each runs only when the sections it reads parsed cleanly. */
export function crossFieldProblems(
  config: ParsedSections,
  role: TenancyRole = config.tenancy?.role ?? "single",
): ConfigProblem[] {
  const shard = role === "shard";
  return [
    ...tenancyProblems(config),
    ...tenantProblems(config),
    ...lifecycleProblems(config),
    ...runbookProblems(config),
    ...workerProblems(config, shard),
    ...dataProblems(config),
    ...alertProblems(config),
    ...monitoringProblems({
      ...config,
      tenantRedisUsers:
        config.redis && config.tenants?.filter((t) => hasRedisUser(t, config.redis!.tenantUserTiers)).length,
    }),
    ...capacityProblems(config),
    ...moveProblems(config),
    ...backupProblems(config, shard),
    ...toolImageProblems(config),
    ...operationsProblems(config),
    ...nameProblems(config),
    ...alertingProblems(config),
  ];
}
