import { z } from "zod";
import { cpuQuantity, memoryQuantity } from "./common";
import { egressRuleSchema } from "./egress";

export const TIERS = ["free", "standard", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];
export const TENANT_STATES = ["active", "suspended", "offboarded", "deleted"] as const;
export type TenantState = (typeof TENANT_STATES)[number];

/** What a tier decides: isolation, connection cap, Kubernetes quota. Tenants may override single numbers. */
export interface TierProfile {
  /** `dedicated`: a database of its own; `schema`: a schema in the shared application database. */
  isolation: "dedicated" | "schema";
  /** PostgreSQL CONNECTION LIMIT of the tenant role. */
  connectionLimit: number;
  /** Whether the limit is guaranteed capacity (counted against max_connections) or a pooled cap that may overcommit. */
  guaranteedConnections: boolean;
  quota: { cpu: string; memory: string; pods: number };
  /** LimitRange defaults for containers that declare nothing. */
  containerDefaults: { cpu: string; memory: string };
}

export const TIER_PROFILES: Record<Tier, TierProfile> = {
  free: {
    isolation: "schema",
    connectionLimit: 5,
    guaranteedConnections: false,
    quota: { cpu: "1", memory: "2Gi", pods: 10 },
    containerDefaults: { cpu: "100m", memory: "128Mi" },
  },
  standard: {
    isolation: "schema",
    connectionLimit: 20,
    guaranteedConnections: false,
    quota: { cpu: "4", memory: "8Gi", pods: 40 },
    containerDefaults: { cpu: "250m", memory: "256Mi" },
  },
  enterprise: {
    isolation: "dedicated",
    connectionLimit: 50,
    guaranteedConnections: true,
    quota: { cpu: "16", memory: "64Gi", pods: 200 },
    containerDefaults: { cpu: "500m", memory: "512Mi" },
  },
};

export const tenantSchema = z.strictObject({
  /** Stable identifier: a DNS label of 3–32 characters. Never change it: every resource name derives from it. */
  id: z
    .string()
    .min(3, "tenant ids are 3–32 characters long")
    .max(32, "tenant ids are 3–32 characters long")
    .regex(
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
      'tenant ids are DNS labels: lowercase a-z, 0-9 and "-", starting with a letter, not ending with "-"',
    )
    .refine((id) => !id.includes("--"), 'tenant ids contain no "--" (ElastiCache user ids refuse consecutive hyphens)'),
  name: z.string().min(1).max(200),
  tier: z.enum(TIERS),
  state: z.enum(TENANT_STATES).default("active"),
  /** Only with `state: deleted`: allows the tenant's database, schema and role to be dropped. */
  deleteData: z.boolean().default(false),
  /** Bump to rotate the tenant's generated credentials. */
  credentialsGeneration: z.number().int().min(1).default(1),
  /** Enterprise only: a worker pool of the tenant's own in its namespace. */
  dedicatedWorkers: z.boolean().default(false),
  connectionLimit: z.number().int().min(1).max(5000).optional(),
  redisUser: z.boolean().optional(),
  /** Extra egress of this tenant's namespace, besides its tier's (`platform:kubernetes.tierEgress`). */
  egress: z.array(egressRuleSchema).optional(),
  quota: z
    .strictObject({
      cpu: cpuQuantity.optional(),
      memory: memoryQuantity.optional(),
      pods: z.number().int().min(1).optional(),
    })
    .optional(),
});

export const tenantsSchema = z.array(tenantSchema).default([]);

type TenantEntry = z.output<typeof tenantSchema>;

/** The tenant's PostgreSQL CONNECTION LIMIT: its override, else its tier's. */
export const tenantConnectionLimit = (t: Pick<TenantEntry, "tier" | "connectionLimit">) =>
  t.connectionLimit ?? TIER_PROFILES[t.tier].connectionLimit;

/** Whether a tenant gets an ElastiCache user of its own: its `redisUser` override, else whether its tier is listed. */
export const hasRedisUser = (t: Pick<TenantEntry, "tier" | "redisUser" | "state">, tenantUserTiers: readonly Tier[]) =>
  t.state !== "deleted" && (t.redisUser ?? tenantUserTiers.includes(t.tier));

/**
 * Whether a tenant's connections count against the instance: guaranteed tiers whose role may still log in again
 * (active or suspended). Offboarded and deleted tenants' roles never log in again.
 */
export const holdsGuaranteedConnections = (t: Pick<TenantEntry, "tier" | "state">) =>
  TIER_PROFILES[t.tier].guaranteedConnections && (t.state === "active" || t.state === "suspended");
