import { z } from "zod";
import { ENVIRONMENTS, Environment, awsRegion } from "./schema/common";
import { databaseSchema, kubernetesSchema, networkSchema, redisSchema } from "./schema/data";
import { backupsSchema, jobsSchema, workersSchema } from "./schema/workloads";
import {
  ALERT_RECEIVER_SECRET_KEYS,
  alertReceiverProblems,
  alertsSchema,
  drSchema,
  maintenanceSchema,
} from "./schema/operations";
import { tenantsSchema } from "./schema/tenants";
import { SECTIONS_NOT_IN_SHARDS, TENANCY_ROLES, TenancyRole, tenancySchema } from "./schema/tenancy";
import { ConfigError, ConfigProblem, didYouMean, problemsFromIssues, showValue } from "./schema/errors";
import { crossFieldProblems } from "./schema/rules";

// A process parses the stack config once or twice: zod's compiled fast path (generated with `new Function` per
// object schema) costs more to build than it saves here, at 10 tenants and at 1,000.
z.config({ jitless: true });

export { ConfigError } from "./schema/errors";
export type { ConfigProblem } from "./schema/errors";

export const NAMESPACE = "platform";

/**
 * Every section of the `platform:*` namespace, its schema for an environment, and whether the stack needs it.
 * Production requires the data tier and its operations, except in a tenant shard (`platform:tenancy.role: shard`),
 * which holds tenants on another stack's data tier and takes defaults for the sections it reads.
 */
function sectionSchemas(env: Environment, role: TenancyRole = "single") {
  const req = env === "production" && role !== "shard";
  return {
    tenancy: { schema: tenancySchema, required: false },
    network: { schema: networkSchema, required: role !== "shard" },
    kubernetes: { schema: kubernetesSchema.prefault({}), required: false },
    database: { schema: req ? databaseSchema(env) : databaseSchema(env).prefault({}), required: req },
    redis: { schema: req ? redisSchema(env) : redisSchema(env).prefault({}), required: req },
    workers: { schema: req ? workersSchema : workersSchema.default({}), required: req },
    jobs: { schema: jobsSchema(env).prefault({}), required: false },
    backups: { schema: req ? backupsSchema(env) : backupsSchema(env).prefault({}), required: req },
    alerts: { schema: alertsSchema(env).prefault({}), required: false },
    dr: { schema: req ? drSchema(env) : drSchema(env).optional(), required: req },
    maintenance: { schema: maintenanceSchema, required: false },
    tenants: { schema: tenantsSchema, required: false },
  } satisfies Record<string, { schema: z.ZodType; required: boolean }>;
}

type Sections = ReturnType<typeof sectionSchemas>;
export type PlatformConfig = { [K in keyof Sections]: z.output<Sections[K]["schema"]> } & {
  environment: Environment;
  /** The stack's AWS region (`aws:region`). */
  region: string;
};
export type TenantConfig = PlatformConfig["tenants"][number];
export type WorkerPoolConfig = PlatformConfig["workers"][string];

export const SECTION_KEYS = ["environment", ...Object.keys(sectionSchemas("production"))] as const;
/** Keys that hold secrets (`secure:` values): validated here, read by the program as secret Outputs. */
export const SECRET_KEYS = [...ALERT_RECEIVER_SECRET_KEYS] as const;
const KNOWN_KEYS: readonly string[] = [...SECTION_KEYS, ...SECRET_KEYS];

export interface ParseOptions {
  /** Full keys (`platform:x`) whose values are secret; when given, secret-only keys must be among them. */
  secretKeys?: readonly string[];
}

/**
 * Turns the raw `platform:*` config (values already JSON-decoded, keys without the namespace) and the AWS region
 * into one validated, fully defaulted PlatformConfig. Throws ConfigError listing every problem found.
 */
export function parsePlatformConfig(
  raw: Record<string, unknown>,
  awsRegionValue?: string,
  options: ParseOptions = {},
): PlatformConfig {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) {
      const suggestion = didYouMean(key, KNOWN_KEYS);
      problems.push({
        key: `${NAMESPACE}:${key}`,
        value: showValue(raw[key]),
        message: `unknown key${suggestion ? ` — did you mean "${NAMESPACE}:${suggestion}"?` : ""} Allowed keys: ${KNOWN_KEYS.map((k) => `${NAMESPACE}:${k}`).join(", ")}`,
      });
    }
  }

  const environment = z.enum(ENVIRONMENTS).safeParse(raw.environment);
  if (!environment.success) {
    problems.push({
      key: `${NAMESPACE}:environment`,
      value: raw.environment === undefined ? undefined : showValue(raw.environment),
      message: `required; allowed: ${ENVIRONMENTS.map((e) => `"${e}"`).join(", ")} (it decides the defaults of every other section)`,
    });
    throw new ConfigError(problems);
  }
  const env = environment.data;

  const region = awsRegion.safeParse(awsRegionValue);
  if (!region.success) {
    problems.push({
      key: "aws:region",
      value: awsRegionValue === undefined ? undefined : showValue(awsRegionValue),
      message: "required: an AWS region such as us-east-1",
    });
  }

  const parsed: Record<string, unknown> = { environment: env, region: awsRegionValue };
  // The role decides which sections apply; read it on its own so a typo elsewhere in the section does not change it.
  const roleValue = (raw.tenancy as { role?: unknown } | undefined)?.role;
  const role: TenancyRole = TENANCY_ROLES.find((r) => r === roleValue) ?? "single";
  for (const [section, { schema, required }] of Object.entries(sectionSchemas(env, role))) {
    if (role === "shard" && (SECTIONS_NOT_IN_SHARDS as readonly string[]).includes(section)) {
      if (raw[section] !== undefined) {
        problems.push({
          key: `${NAMESPACE}:${section}`,
          message: `not used by a tenant shard (platform:tenancy.role "shard"): the data tier, DR and the platform's jobs belong to the platform stack (platform:tenancy.platformStack); remove this section`,
        });
      }
      continue;
    }
    if (raw[section] === undefined && required) {
      problems.push({
        key: `${NAMESPACE}:${section}`,
        message: `required in ${env}: add a "${NAMESPACE}:${section}" section (see the config reference in the README)`,
      });
      continue;
    }
    const result = (schema as z.ZodType).safeParse(raw[section]);
    if (result.success) parsed[section] = result.data;
    else
      problems.push(...problemsFromIssues(NAMESPACE, section, raw[section], schema as z.ZodType, result.error.issues));
  }

  const alerts = parsed.alerts as PlatformConfig["alerts"] | undefined;
  // Receivers belong to the stack that routes alerts: a shard only adds its tenants' rules.
  if (role !== "shard")
    problems.push(...alertReceiverProblems(raw, env, alerts?.enabled ?? true, options.secretKeys, NAMESPACE));
  problems.push(...crossFieldProblems(parsed as Partial<PlatformConfig> & { environment: Environment }, role));
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed as PlatformConfig;
}

/**
 * Reads the namespace out of Pulumi's flat config map (`{"platform:tenants": "[...]"}`), decoding JSON values
 * the way the Pulumi CLI serialises structured config.
 */
export function rawPlatformConfig(all: Record<string, string>): { raw: Record<string, unknown>; awsRegion?: string } {
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [namespace, ...rest] = fullKey.split(":");
    if (namespace !== NAMESPACE) continue;
    const key = rest.join(":");
    try {
      raw[key] = JSON.parse(text);
    } catch {
      raw[key] = text;
    }
  }
  return { raw, awsRegion: all["aws:region"] };
}
