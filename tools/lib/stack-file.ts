import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface StackConfig {
  /** Flat config as the Pulumi CLI hands it to the program: namespaced keys, JSON-encoded structured values. */
  config: Record<string, string>;
  /** Keys whose value is a `secure:` ciphertext in the file. */
  secretKeys: string[];
}

/** What an encrypted (`secure:`) value stands in for offline: the plan cannot decrypt, and never needs to. */
export const offlineSecretPlaceholder = (key: string) => `offline-plan-placeholder-for-${key.replace(/[^a-zA-Z0-9]+/g, "-")}`;

/**
 * Reads a `Pulumi.<stack>.yaml` file the way the Pulumi CLI does: keys without a namespace get the project's,
 * structured values are JSON-encoded, and `secure:` values are secret (replaced by a placeholder offline).
 */
export function readStackFile(path: string, project: string): StackConfig {
  const document = parse(readFileSync(path, "utf8")) as { config?: Record<string, unknown> } | null;
  if (document === null || typeof document !== "object") throw new Error(`${path}: not a Pulumi stack file (expected a mapping with a "config:" key)`);
  return stackConfigFromObject(document.config ?? {}, project);
}

export function stackConfigFromObject(raw: Record<string, unknown>, project: string): StackConfig {
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) {
      config[fullKey] = offlineSecretPlaceholder(fullKey);
      secretKeys.push(fullKey);
    } else {
      config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}

/** The project name from Pulumi.yaml. */
export function readProjectName(pulumiYamlPath: string): string {
  const document = parse(readFileSync(pulumiYamlPath, "utf8")) as { name?: string };
  if (!document?.name) throw new Error(`${pulumiYamlPath}: no project name`);
  return document.name;
}
