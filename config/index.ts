// The domain model's entry: parses the raw `platform:*` namespace into one validated, defaulted PlatformConfig, or
// a ConfigError listing every problem (key, value, what is allowed). Imports nothing of the project outside config/.
import { z } from "zod";
import { ENVIRONMENTS, Environment, awsRegion } from "./common";
import { ALERT_RECEIVER_SECRET_KEYS, alertReceiverProblems } from "./operations";
import { SECTIONS_NOT_IN_SHARDS, TENANCY_ROLES, TenancyRole } from "./tenancy";
import { ConfigError, ConfigProblem, didYouMean, problemsFromIssues, showValue } from "./errors";
import { ParsedSections, crossFieldProblems } from "./rules";
import { timeBoundProblems } from "./rules-time";
import { StackReader, withPrimaryConfig } from "./dr-shared";

export type { RawStack, StackReader } from "./dr-shared";
import { monitorSelectorLabels } from "./monitoring";
import { connectorSecretProblems, redactConnectors } from "./tenants";
import { PlatformConfig, sectionSchemas } from "./sections";

// A process parses the stack config once or twice: zod's compiled fast path (generated with `new Function` per
// object schema) costs more to build than it saves here, at 10 tenants and at 1,000.
z.config({ jitless: true });

export { ConfigError } from "./errors";
export type { ConfigProblem } from "./errors";

export const NAMESPACE = "platform";

export type {
  PlatformConfig,
  TenantConfig,
  WorkerPoolConfig,
  NetworkConfig,
  DatabaseConfig,
  RedisConfig,
  JobsConfig,
  AlertsConfig,
} from "./sections";

export const SECTION_KEYS = ["environment", ...Object.keys(sectionSchemas("production"))] as const;
/** Keys that hold secrets (`secure:` values): validated here, read by the program as secret Outputs. */
export const SECRET_KEYS = [...ALERT_RECEIVER_SECRET_KEYS] as const;
const KNOWN_KEYS: readonly string[] = [...SECTION_KEYS, ...SECRET_KEYS];

export interface ParseOptions {
  /** Full keys (`platform:x`) whose values are secret; when given, secret-only keys must be among them. */
  secretKeys?: readonly string[];
  /** The time time-bound operations are judged against (a point-in-time restore). Defaults to the current time. */
  now?: Date;
  /** Reads another stack file beside this one: a DR stack's primary (config/dr-shared.ts). */
  readStack?: StackReader;
}

/**
 * Turns the raw `platform:*` config (values already JSON-decoded, keys without the namespace) and the AWS region
 * into one validated, fully defaulted PlatformConfig. Throws ConfigError listing every problem found.
 */
export function parsePlatformConfig(
  rawConfig: Record<string, unknown>,
  awsRegionValue?: string,
  options: ParseOptions = {},
): PlatformConfig {
  // A DR stack's shared sections come from its primary's file; the checks below run on the result.
  const shared = withPrimaryConfig(rawConfig, options.readStack, options.secretKeys);
  options = { ...options, secretKeys: shared.secretKeys };
  let raw = shared.raw;
  const problems: ConfigProblem[] = [...shared.problems];
  // Under the real CLI a `secure:` value arrives decrypted: a secret key's value is never shown in a message.
  const isSecret = (key: string) => options.secretKeys?.includes(`${NAMESPACE}:${key}`) ?? false;
  const shown = (key: string) => (isSecret(key) ? "[secret]" : showValue(raw[key]));
  raw = { ...raw };
  for (const key of Object.keys(raw)) {
    const namespaced = /^([^:]*):(.*)$/.exec(key);
    if (namespaced) {
      // rawPlatformConfig keeps keys of a namespace that looks like a typo of ours under their full name.
      problems.push({
        key,
        value: options.secretKeys?.includes(key) ? "[secret]" : showValue(raw[key]),
        message: `namespace "${namespaced[1]}" looks like a typo of "${NAMESPACE}": did you mean "${NAMESPACE}:${namespaced[2]}"? The program reads only ${NAMESPACE}:* keys, so this one would be ignored`,
      });
      delete raw[key];
      continue;
    }
    // `platform:tenants` may hold `secure:` values, under `connectors` only: the CLI then marks the whole key secret
    // (pulumi/pulumi sdk/go/common/resource/config/value.go, `hasSecureValue`); the offline plan lists each path.
    if (key === "tenants" && isSecret(key)) {
      const misplaced = (options.secretKeys ?? []).filter(
        (k) => k.startsWith(`${NAMESPACE}:tenants[`) && !/^[^:]+:tenants\[\d+\]\.connectors\./.test(k),
      );
      for (const path of misplaced)
        problems.push({
          key: path,
          value: "[secret]",
          message: `takes no secret: within ${NAMESPACE}:tenants only connector values (tenants[i].connectors.<name>.<key>) are set with --secret --path; set this one as plain config (its value is not shown)`,
        });
      if (misplaced.length > 0) delete raw[key];
      if (misplaced.length > 0) continue;
    }
    if (key !== "tenants" && isSecret(key) && !(SECRET_KEYS as readonly string[]).includes(key)) {
      problems.push({
        key: `${NAMESPACE}:${key}`,
        value: "[secret]",
        message: `takes no secret: only ${SECRET_KEYS.map((k) => `${NAMESPACE}:${k}`).join(", ")} are set with --secret; set this key as plain config (its value is not shown)`,
      });
      delete raw[key];
      continue;
    }
    if (!KNOWN_KEYS.includes(key)) {
      const suggestion = didYouMean(key, KNOWN_KEYS);
      problems.push({
        key: `${NAMESPACE}:${key}`,
        value: shown(key),
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
    else {
      // Connector values are secrets: a problem elsewhere in a tenant entry must not print them.
      const shown = section === "tenants" ? redactConnectors(raw[section]) : raw[section];
      problems.push(...problemsFromIssues(NAMESPACE, section, shown, schema as z.ZodType, result.error.issues));
    }
  }

  const alerts = parsed.alerts as PlatformConfig["alerts"] | undefined;
  // Receivers belong to the stack that routes alerts: a shard only adds its tenants' rules.
  if (role !== "shard")
    problems.push(...alertReceiverProblems(raw, env, alerts?.enabled ?? true, options.secretKeys, NAMESPACE));
  problems.push(...connectorSecretProblems(raw.tenants, options.secretKeys, NAMESPACE));
  problems.push(...crossFieldProblems(parsed as Partial<PlatformConfig> & { environment: Environment }, role));
  problems.push(...timeBoundProblems(parsed as ParsedSections, options.now ?? new Date()));
  if (problems.length > 0) throw new ConfigError(problems);
  const config = parsed as PlatformConfig;
  // Every rule and monitor object carries `release: <platform:monitoring.release>`, the label the operator selects by.
  config.alerts = { ...config.alerts, selectorLabels: monitorSelectorLabels(config.monitoring, config.alerts) };
  return config;
}

/**
 * Reads the namespace out of Pulumi's flat config map (`{"platform:tenants": "[...]"}`), decoding JSON values
 * the way the Pulumi CLI serialises structured config.
 */
export function rawPlatformConfig(all: Record<string, string>): { raw: Record<string, unknown>; awsRegion?: string } {
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(all)) {
    const [namespace, ...rest] = fullKey.split(":");
    const typo = namespace !== NAMESPACE && rest.length > 0 && didYouMean(namespace, [NAMESPACE]) === NAMESPACE;
    if (namespace !== NAMESPACE && !typo) continue;
    // A key of a namespace that looks like a typo of ours is kept under its full name; the parser refuses it.
    const key = typo ? fullKey : rest.join(":");
    try {
      raw[key] = JSON.parse(text);
    } catch {
      raw[key] = text;
    }
  }
  return { raw, awsRegion: all["aws:region"] };
}
