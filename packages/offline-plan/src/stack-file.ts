import { readFileSync } from "node:fs";
// js-yaml, not the `yaml` package the rest of the tools use: @pulumi/pulumi loads it anyway, and the plan reads one
// stack file per run, so its process skips loading a second YAML library. The core schema, as YAML 1.2 has it (no
// timestamps or merge keys): what the Pulumi CLI reads the same way.
import { CORE_SCHEMA, load } from "js-yaml";

const parse = (text: string): unknown => load(text, { schema: CORE_SCHEMA });

export interface StackConfig {
  /** Flat config as the Pulumi CLI hands it to the program: namespaced keys, JSON-encoded structured values. */
  config: Record<string, string>;
  /** Keys whose value is a `secure:` ciphertext in the file. */
  secretKeys: string[];
}

/** What an encrypted (`secure:`) value stands in for offline: the plan cannot decrypt, and never needs to. */
export const offlineSecretPlaceholder = (key: string) =>
  `offline-plan-placeholder-for-${key.replace(/[^a-zA-Z0-9]+/g, "-")}`;

/**
 * Reads a `Pulumi.<stack>.yaml` file the way the Pulumi CLI does: keys without a namespace get the project's,
 * structured values are JSON-encoded, and `secure:` values are secret (replaced by a placeholder offline).
 */
export function readStackFile(path: string, project: string): StackConfig {
  const document = parse(readFileSync(path, "utf8")) as { config?: Record<string, unknown> } | null;
  if (document === null || typeof document !== "object")
    throw new StackFileError(`${path}: not a Pulumi stack file (expected a mapping with a "config:" key)`);
  const config: unknown = document.config ?? {};
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw new StackFileError(
      `${path}: "config:" must be a mapping of keys to values (found ${Array.isArray(config) ? "a list" : `a ${typeof config}`})`,
    );
  return stackConfigFromObject(config as Record<string, unknown>, project);
}

/** The stack file is not in the Pulumi.<stack>.yaml shape: one message says what is wrong with it. */
export class StackFileError extends Error {}

/** Whether a value holds a `secure:` ciphertext anywhere (`pulumi config set --secret --path` nests them). */
const holdsSecure = (value: unknown): boolean =>
  value !== null &&
  typeof value === "object" &&
  (("secure" in value && Object.keys(value).length === 1) || Object.values(value).some(holdsSecure));

export function stackConfigFromObject(raw: Record<string, unknown>, project: string): StackConfig {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    if (
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      Object.keys(value).length === 1 &&
      "secure" in value
    ) {
      config[fullKey] = offlineSecretPlaceholder(fullKey);
      secretKeys.push(fullKey);
    } else {
      // A `secure:` value inside a structured one (`pulumi config set --secret --path`): the CLI treats the whole
      // key as secret (pulumi/pulumi sdk/go/common/resource/config/value.go, `hasSecureValue`); offline, each such
      // value becomes a placeholder and its path (`platform:tenants[2].connectors.crm.clientSecret`) is listed too.
      const paths: string[] = [];
      const replaced = replaceNestedSecure(value, fullKey, paths);
      if (paths.length > 0) secretKeys.push(fullKey, ...paths);
      config[fullKey] = typeof replaced === "string" ? replaced : JSON.stringify(replaced);
    }
  }
  return { config, secretKeys };
}

const isSecure = (value: unknown): value is { secure: string } =>
  value !== null &&
  typeof value === "object" &&
  !Array.isArray(value) &&
  Object.keys(value).length === 1 &&
  typeof (value as { secure?: unknown }).secure === "string";

function replaceNestedSecure(value: unknown, path: string, paths: string[]): unknown {
  if (isSecure(value)) {
    paths.push(path);
    return offlineSecretPlaceholder(path);
  }
  if (Array.isArray(value)) return value.map((v, i) => replaceNestedSecure(v, `${path}[${i}]`, paths));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceNestedSecure(v, `${path}.${k}`, paths)]),
    );
  return value;
}

/** The project name from Pulumi.yaml. */
export function readProjectName(pulumiYamlPath: string): string {
  const document = parse(readFileSync(pulumiYamlPath, "utf8")) as { name?: string };
  if (!document?.name) throw new Error(`${pulumiYamlPath}: no project name`);
  return document.name;
}
