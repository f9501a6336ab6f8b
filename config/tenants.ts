import { z } from "zod";
import { cpuQuantity, memoryQuantity } from "./common";
import { egressRuleSchema } from "./egress";

export const TIERS = ["free", "standard", "enterprise"] as const;
export type Tier = (typeof TIERS)[number];
export const TENANT_STATES = ["active", "suspended", "offboarded", "deleted"] as const;
export type TenantState = (typeof TENANT_STATES)[number];
/**
 * The steps of a tier change across isolation models (docs/tenants.md, "Changing tier"), each a reviewed commit:
 * `copy` creates the new home beside the old one and copies the data (writes held), `switch` points the tenant's
 * DATABASE_URL at the new home, `retire` lifts the old home's protection; removing the block then drops the old home.
 */
export const MOVE_STEPS = ["copy", "switch", "retire"] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

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

/** Words that make a connector key look secret (camelCase split): its value must be a `secure:` config value. */
export const SECRET_KEY_WORDS = [
  "secret",
  "password",
  "passwd",
  "token",
  "key",
  "credential",
  "credentials",
  "private",
  "passphrase",
  "signature",
] as const;

/** Whether a connector key (camelCase) names a secret: `clientSecret`, `refreshToken`, `apiKey`, `password`. */
export const looksSecret = (key: string) =>
  key.split(/(?=[A-Z])|_/).some((word) => (SECRET_KEY_WORDS as readonly string[]).includes(word.toLowerCase()));

/** `clientSecret` → `CLIENT_SECRET`: connector names and keys become environment variable names. */
export const envName = (camel: string) => camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

const connectorIdentifier = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]{0,39}$/, "a camelCase name such as salesforce or clientSecret (letters and digits)");
const connectorValue = z.string().min(1, "a non-empty string");
/**
 * A connector's previous values during a rotation's grace period: the keys being rotated with their old values, and
 * `until`, the end of the window (ISO-8601 UTC). The workloads see both until then.
 */
const previousSchema = z
  .object({ until: z.iso.datetime({ message: 'an ISO-8601 UTC time such as "2026-12-15T00:00:00Z"' }) })
  .catchall(connectorValue);
/** One connector: its keys (e.g. clientId, clientSecret) and, while a rotation's grace period runs, `previous`. */
const connectorSchema = z
  .object({ previous: previousSchema.optional() })
  .catchall(connectorValue)
  .superRefine((connector, ctx) => {
    for (const key of Object.keys(connector)) {
      if (key !== "previous" && !connectorIdentifier.safeParse(key).success)
        ctx.addIssue({ code: "custom", path: [key], message: "a camelCase key such as clientSecret" });
    }
    for (const key of Object.keys(connector.previous ?? {}))
      if (key !== "until" && !(key in connector))
        ctx.addIssue({
          code: "custom",
          path: ["previous", key],
          message: `previous values only of the connector's own keys (${Object.keys(connector)
            .filter((k) => k !== "previous")
            .join(", ")})`,
        });
  });
export type Connector = z.output<typeof connectorSchema>;

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
  /**
   * Where the offboarding export went: the `key=` of the export Job's `EXPORT_OK` log line (state offboarded or
   * deleted). Production deletes a tenant only with it or with `exportWaived` (config/rules-lifecycle.ts).
   */
  exportedTo: z
    .string()
    .regex(
      /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+\.dump$/,
      'the S3 key of the export, "s3://<bucket>/<path>.dump"',
    )
    .optional(),
  /** Why the tenant is deleted without an export (a contract, the customer's written waiver): the reviewer reads it. */
  exportWaived: z.string().trim().min(10, "a reason of at least 10 characters").optional(),
  /** Bump to rotate the tenant's generated credentials. */
  credentialsGeneration: z.number().int().min(1).default(1),
  /** Enterprise only: a worker pool of the tenant's own in its namespace. */
  dedicatedWorkers: z.boolean().default(false),
  connectionLimit: z.number().int().min(1).max(5000).optional(),
  redisUser: z.boolean().optional(),
  /** Extra egress of this tenant's namespace, besides its tier's (`platform:kubernetes.tierEgress`). */
  egress: z.array(egressRuleSchema).optional(),
  /**
   * Third-party credentials of the tenant's workloads, `{ <connector>: { <key>: value } }`: each becomes
   * `<CONNECTOR>_<KEY>` in the Secret `tenant-connectors`, mounted by the tenant's pools. Keys that look secret must
   * be `secure:` values (`pulumi config set --secret --path 'platform:tenants[2].connectors.crm.clientSecret' …`).
   */
  connectors: z.record(connectorIdentifier, connectorSchema).default({}),
  /**
   * A tier change across isolation models in progress: `tier` is the tier the tenant moves to, `from` the tier it had
   * (whose home holds its data until the switch), `step` how far the move has come. `verified` (from `switch` on) is
   * the digest the move Job logged with TENANT_MOVE_OK: the reviewed record that the copy was verified.
   */
  move: z
    .strictObject({
      from: z.enum(TIERS),
      step: z.enum(MOVE_STEPS),
      verified: z
        .string()
        .regex(/^[0-9a-f]{64}$/, "the 64-hex-digit digest of the move Job's TENANT_MOVE_OK line (digest=…)")
        .optional(),
    })
    .optional(),
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

/** Where a tier keeps a tenant's data: `dedicated` (a database of its own) or `schema` (in the shared database). */
export const isolationOf = (tier: Tier) => TIER_PROFILES[tier].isolation;

/**
 * A tenant's move between isolation models, when its entry has one: where the data lives now (`from`, the old home)
 * and where it goes (`to`, the tier's), and the step. Undefined for tenants not moving.
 */
export function tenantMove(t: Pick<TenantEntry, "tier" | "move">) {
  if (!t.move) return undefined;
  return { from: isolationOf(t.move.from), to: isolationOf(t.tier), step: t.move.step, verified: t.move.verified };
}

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

/**
 * Connector keys that look secret but hold a plain value. `secretKeys` as the caller knows them: the Pulumi CLI
 * marks a whole key secret when any value inside it is `secure:` (pulumi/pulumi sdk/go/common/resource/config/
 * value.go, `hasSecureValue`), so the program can only require `platform:tenants` to be secret; the offline plan
 * reads the file and lists each secure path (`platform:tenants[2].connectors.crm.clientSecret`), and then each
 * secret-looking value must be one of them. The value is never shown.
 */
export function connectorSecretProblems(
  tenants: unknown,
  secretKeys: readonly string[] | undefined,
  namespace: string,
): { key: string; value: string; message: string }[] {
  if (!secretKeys || !Array.isArray(tenants)) return [];
  const perPath = secretKeys.some((k) => k.startsWith(`${namespace}:tenants[`));
  const problems: { key: string; value: string; message: string }[] = [];
  tenants.forEach((tenant, i) => {
    const connectors = (tenant as { connectors?: unknown })?.connectors;
    if (!connectors || typeof connectors !== "object") return;
    for (const [name, connector] of Object.entries(connectors as Record<string, unknown>)) {
      if (!connector || typeof connector !== "object") continue;
      const entries = Object.entries(connector as Record<string, unknown>);
      const previous = (connector as { previous?: unknown }).previous;
      const paths = [
        ...entries.filter(([key]) => key !== "previous").map(([key]) => [key, `connectors.${name}.${key}`]),
        ...(previous && typeof previous === "object" ? Object.keys(previous) : [])
          .filter((key) => key !== "until")
          .map((key) => [key, `connectors.${name}.previous.${key}`]),
      ];
      for (const [key, path] of paths) {
        if (!looksSecret(key)) continue;
        const full = `${namespace}:tenants[${i}].${path}`;
        const secure = perPath ? secretKeys.includes(full) : secretKeys.includes(`${namespace}:tenants`);
        if (!secure)
          problems.push({
            key: full,
            value: "[not shown]",
            message: `"${key}" names a secret, and a plain value sits readable in Pulumi.<stack>.yaml: set it with \`pulumi config set --secret --path '${full}' <value>\``,
          });
      }
    }
  });
  return problems;
}

/** A copy of the raw tenants with every connector value replaced, for error messages that show values. */
export function redactConnectors(tenants: unknown): unknown {
  if (!Array.isArray(tenants)) return tenants;
  const redact = (value: unknown): unknown =>
    value && typeof value === "object"
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]))
      : "[not shown]";
  return tenants.map((t) =>
    t && typeof t === "object" && "connectors" in t ? { ...t, connectors: redact((t as any).connectors) } : t,
  );
}
