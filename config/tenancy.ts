import { z } from "zod";
import { dnsLabel } from "./common";

export const TENANCY_ROLES = ["single", "platform", "shard"] as const;
export type TenancyRole = (typeof TENANCY_ROLES)[number];

/** Tenants a shard stack may hold unless `maxTenantsPerShard` says otherwise: keeps one `pulumi up` small and fast. */
export const DEFAULT_MAX_TENANTS_PER_SHARD = 100;

/**
 * `platform:tenancy`: which part of the fleet this stack holds (docs/shards.md).
 * - `single` (default): the data tier, the platform and every tenant in one stack.
 * - `platform`: the data tier and the platform only; tenant shards reference it. No tenants of its own.
 * - `shard`: tenants only, on the data tier of `platformStack` (read through a StackReference).
 * A `single` stack also exports what shards need, so a fleet can move tenants out of it shard by shard.
 */
export const tenancySchema = z
  .strictObject({
    role: z.enum(TENANCY_ROLES).default("single"),
    /** Shards only: the fully qualified platform stack, `<org>/<project>/<stack>` (e.g. `acme-org/platform/prod`). */
    platformStack: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
        'a fully qualified stack name "<org>/<project>/<stack>", e.g. "acme-org/platform/prod"',
      )
      .optional(),
    /** Shards only: the shard's name, a DNS label (`Pulumi.<platform>-tenants-<shard>.yaml`). */
    shard: dnsLabel(1, 20, "a shard name").optional(),
    /**
     * DR shards only: the shard of the primary fleet this one mirrors (`prod-tenants-a`), whose tenants, worker pools,
     * backups, alerts and Redis settings it takes from `Pulumi.<drOf>.yaml` (config/dr-shared.ts).
     */
    drOf: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'a stack name such as "prod-tenants-a"')
      .optional(),
    /**
     * DR shards only (with `drOf`): `standby` (the default) holds no tenant objects, as its DR platform; `primary` after failover adopts
     * the replicated tenant objects and runs the tenants' workloads.
     */
    drRole: z.enum(["standby", "primary"]).optional(),
    /** Most tenants one shard stack may hold. Defaults to 100. */
    maxTenantsPerShard: z.number().int().min(1).max(1000).default(DEFAULT_MAX_TENANTS_PER_SHARD),
  })
  .prefault({});

export type TenancyConfig = z.output<typeof tenancySchema>;

/** Splits `<org>/<project>/<stack>`. */
export function parseStackName(fullName: string): { org: string; project: string; stack: string } {
  const [org, project, stack] = fullName.split("/");
  return { org, project, stack };
}

/** Sections a tenant shard does not use: the data tier and the platform's own workloads live in the platform stack. */
export const SECTIONS_NOT_IN_SHARDS = ["network", "database", "dr", "maintenance", "jobs"] as const;
