// A DR stack is derived, not copied: what it shares with its primary (the sections below) comes from the primary's
// stack file, `Pulumi.<platform:dr.primaryStack>.yaml` (or a DR shard's `platform:tenancy.drOf`), so an onboarding, a
// scaling change or a restore made in the primary reaches the DR stack at its next plan without a hand edit.
// A file, not a StackReference: failover happens when the primary's region is down, and the primary's file sits in the
// repository (reviewed in the same pull request), while its state and outputs may sit in the region that failed.
// Secrets are the one exception: a `secure:` value is encrypted for its own stack, so the DR stack's file keeps its
// own ciphertext of each secret the primary's tenants hold, in entries naming only the tenant and the secret
// (`- { id: acme, connectors: { salesforce: { clientSecret: { secure: … } } } }`), laid over the primary's entries.
import type { ConfigProblem } from "./errors";
import { keyName, showValue } from "./errors";

/** Sections a DR platform stack takes from its primary's file. */
export const SHARED_WITH_PRIMARY = [
  "database",
  "redis",
  "workers",
  "jobs",
  "backups",
  "alerts",
  "monitoring",
  "tenants",
] as const;
/** Sections a DR shard takes from the shard it mirrors. */
export const SHARED_WITH_PRIMARY_SHARD = ["redis", "workers", "backups", "alerts", "tenants"] as const;
/** The primary's database keys that describe its own instances: the DR stack follows them as `dr.primaryInstances`. */
const PRIMARY_INSTANCE_KEYS = ["restore", "retainedInstances"] as const;

/** A stack file as the parser needs it: the raw `platform:*` config and `aws:region`. */
export interface RawStack {
  raw: Record<string, unknown>;
  awsRegion?: string;
}
/** Reads `Pulumi.<stack>.yaml` beside the stack being parsed; undefined when there is none. */
export type StackReader = (stack: string) => RawStack | undefined;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The raw config of a DR stack with its shared sections filled in from the primary's file. A stack without
 * `dr.primaryStack` / `tenancy.drOf` is returned as it is. Problems name the key: a shared section also set here,
 * an unreadable primary file, a primary in another region than `dr.region`.
 */
export function withPrimaryConfig(
  raw: Obj,
  read: StackReader | undefined,
  secretKeys?: readonly string[],
): { raw: Obj; problems: ConfigProblem[]; secretKeys?: readonly string[] } {
  const dr = isObject(raw.dr) ? raw.dr : undefined;
  const tenancy = isObject(raw.tenancy) ? raw.tenancy : undefined;
  const shard = typeof tenancy?.drOf === "string";
  const primaryName = shard ? (tenancy!.drOf as string) : dr?.primaryStack;
  if (typeof primaryName !== "string") return { raw, problems: [], secretKeys };
  const sourceKey = keyName("platform", shard ? ["tenancy", "drOf"] : ["dr", "primaryStack"]);
  const problems: ConfigProblem[] = [];
  const shared = shard ? SHARED_WITH_PRIMARY_SHARD : SHARED_WITH_PRIMARY;
  for (const section of shared) {
    // The DR stack's own ciphertext of the primary tenants' secrets (see above) is the only tenants entry it holds.
    if (section === "tenants" && Array.isArray(raw.tenants) && raw.tenants.every(isSecretOverlay)) continue;
    if (raw[section] !== undefined)
      problems.push({
        key: `platform:${section}`,
        message: `comes from the primary stack's file (Pulumi.${primaryName}.yaml, ${sourceKey}): remove it here and edit it there`,
      });
  }
  if (dr?.primaryInstances !== undefined)
    problems.push({
      key: "platform:dr.primaryInstances",
      message: `is read from Pulumi.${primaryName}.yaml (its platform:database.restore and retainedInstances), never set by hand`,
    });
  const primary = read?.(primaryName);
  if (!primary) {
    problems.push({
      key: sourceKey,
      value: showValue(primaryName),
      message: `no stack file Pulumi.${primaryName}.yaml beside this one: a DR stack takes its shared sections from its primary's file`,
    });
    return { raw, problems, secretKeys };
  }
  if (!shard && typeof dr?.region === "string" && primary.awsRegion !== dr.region)
    problems.push({
      key: "platform:dr.region",
      value: showValue(dr.region),
      message: `must be the region of the primary stack ${primaryName} (its aws:region is ${primary.awsRegion ?? "not set"})`,
    });
  const merged: Obj = { ...raw };
  for (const section of shared) if (primary.raw[section] !== undefined) merged[section] = primary.raw[section];
  const tenants = overlaySecrets(primary.raw.tenants, raw.tenants, primaryName, secretKeys);
  problems.push(...tenants.problems);
  if (tenants.value !== undefined) merged.tenants = tenants.value;
  if (!shard && isObject(primary.raw.database)) {
    const database: Obj = { ...primary.raw.database };
    const instances: Obj = {};
    for (const k of PRIMARY_INSTANCE_KEYS) {
      if (database[k] !== undefined) instances[k] = database[k];
      delete database[k];
    }
    merged.database = database;
    merged.dr = { ...dr, primaryInstances: instances };
  }
  return { raw: merged, problems, secretKeys: tenants.secretKeys ?? secretKeys };
}

/** A tenants entry of a DR file: the tenant's id and its connectors' secrets, nothing else. */
const isSecretOverlay = (entry: unknown) =>
  isObject(entry) && Object.keys(entry).every((k) => k === "id" || k === "connectors");

const isSecure = (v: unknown) => isObject(v) && Object.keys(v).length === 1 && typeof v.secure === "string";

/** Deep merge of plain objects: `over` wins. */
const deepMerge = (base: unknown, over: unknown): unknown =>
  isObject(base) && isObject(over) && !isSecure(over)
    ? Object.fromEntries(
        [...new Set([...Object.keys(base), ...Object.keys(over)])].map((k) => [k, deepMerge(base[k], over[k])]),
      )
    : (over ?? base);

const setPath = (target: Obj, path: string[], value: unknown) => {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Obj;
  node[path[path.length - 1]] = value;
};

/** Paths of `secure:` values left in a value (ciphertext of another stack, which this stack cannot decrypt). */
const securePaths = (value: unknown, path: string): string[] =>
  isSecure(value)
    ? [path]
    : isObject(value)
      ? Object.entries(value).flatMap(([k, v]) => securePaths(v, `${path}.${k}`))
      : [];

/**
 * The primary's tenants with this stack's own secrets laid over them (by tenant id), the secret key paths of the
 * overlay moved to the merged entries' indexes, and a problem for each secret of the primary left without one here.
 */
function overlaySecrets(
  primaryTenants: unknown,
  overlay: unknown,
  primaryName: string,
  secretKeys: readonly string[] | undefined,
): { value?: unknown; problems: ConfigProblem[]; secretKeys?: readonly string[] } {
  if (!Array.isArray(primaryTenants)) return { problems: [] };
  const entries = Array.isArray(overlay) ? (overlay as Obj[]) : [];
  const problems: ConfigProblem[] = [];
  const moved: string[] = (secretKeys ?? []).filter((k) => !k.startsWith("platform:tenants["));
  entries.forEach((entry, j) => {
    const i = primaryTenants.findIndex((t) => isObject(t) && t.id === entry.id);
    if (i < 0)
      problems.push({
        key: `platform:tenants[${j}].id`,
        value: showValue(entry.id),
        message: `names no tenant of Pulumi.${primaryName}.yaml: this stack's tenants entries only carry its own ciphertext of the primary tenants' secrets`,
      });
    for (const k of secretKeys ?? [])
      if (k.startsWith(`platform:tenants[${j}].`))
        moved.push(k.replace(`platform:tenants[${j}].`, `platform:tenants[${i}].`));
  });
  const value = primaryTenants.map((tenant) => {
    const own = entries.find((e) => isObject(tenant) && e.id === tenant.id);
    return structuredClone(own ? deepMerge(tenant, own) : tenant);
  });
  value.forEach((tenant, i) => {
    for (const path of securePaths(tenant, `platform:tenants[${i}]`)) {
      // Reported once, here: the value stands in as a secret placeholder for the checks that follow.
      setPath(tenant as Obj, path.split(".").slice(1), `[a secret of Pulumi.${primaryName}.yaml]`);
      moved.push("platform:tenants", path);
      problems.push({
        key: path,
        value: "[secret]",
        message: `is a secret of Pulumi.${primaryName}.yaml, encrypted for that stack: give this stack its own with an entry { id: ${(tenant as Obj).id}, connectors: … } set by \`pulumi config set --secret --path\``,
      });
    }
  });
  return { value, problems, secretKeys: secretKeys || problems.length > 0 ? moved : undefined };
}
