// The PostgreSQL connection budget and the rule that the guaranteed connections fit the instance.
import type { PlatformConfig } from "./sections";
import { effectiveMaxConnections } from "./capacity";
import { ConfigProblem, showValue } from "./errors";
import { holdsGuaranteedConnections, tenantConnectionLimit } from "./tenants";
import { ParsedSections, key, showList } from "./rules-common";

/**
 * The PostgreSQL connection budget. Guaranteed: the platform pool plus the limits of guaranteed-tier (dedicated)
 * tenants whose role may log in (active or suspended). Pooled caps: limits of pooled tiers, which may overcommit
 * (they share what is left). `overcommitRatio` = all limits together / max_connections.
 */
export function connectionBudget(config: Pick<PlatformConfig, "database" | "tenants">) {
  const maxConnections = effectiveMaxConnections(config.database) ?? NaN;
  const live = config.tenants.filter((t) => t.state === "active" || t.state === "suspended");
  const guaranteedTenants = live
    .filter(holdsGuaranteedConnections)
    .map((t) => ({ id: t.id, connectionLimit: tenantConnectionLimit(t) }));
  const guaranteed =
    config.database.platformPoolConnections + guaranteedTenants.reduce((sum, t) => sum + t.connectionLimit, 0);
  const pooledCaps = live
    .filter((t) => !holdsGuaranteedConnections(t))
    .reduce((sum, t) => sum + tenantConnectionLimit(t), 0);
  const reserved = 3; // rds_superuser_reserved_connections
  return {
    maxConnections,
    guaranteed,
    guaranteedTenants,
    pooledCaps,
    reserved,
    available: maxConnections - reserved,
    overcommitRatio: (guaranteed + pooledCaps) / maxConnections,
  };
}

export function capacityProblems({ database, tenants }: ParsedSections): ConfigProblem[] {
  if (!database || !tenants) return [];
  const budget = connectionBudget({ database, tenants });
  if (Number.isNaN(budget.maxConnections)) {
    return [
      {
        key: key("database", "instanceClass"),
        value: showValue(database.instanceClass),
        message: "unknown instance class: set platform:database.maxConnections so tenant capacity can be checked",
      },
    ];
  }
  if (budget.guaranteed > budget.available) {
    const largestFirst = [...budget.guaranteedTenants]
      .sort((a, b) => b.connectionLimit - a.connectionLimit)
      .map((t) => `${t.id}=${t.connectionLimit}`);
    return [
      {
        key: key("tenants"),
        value: `${budget.guaranteed} guaranteed connections`,
        message:
          `guaranteed connections ${budget.guaranteed} exceed ${database.instanceClass}'s max_connections ${budget.maxConnections} less ${budget.reserved} reserved (${budget.available}) by ${budget.guaranteed - budget.available}: ` +
          `platform pool ${database.platformPoolConnections} + ${budget.guaranteedTenants.length} dedicated tenants (${showList(largestFirst)}). ` +
          "Use a larger platform:database.instanceClass (or set max_connections), lower connectionLimit on entries, or move tenants to another stack",
      },
    ];
  }
  return [];
}
