// A DR stack is derived, not copied: what it shares with its primary (the sections below) comes from the primary's
// stack file, `Pulumi.<platform:dr.primaryStack>.yaml` (or a DR shard's `platform:tenancy.drOf`), so an onboarding, a
// scaling change or a restore made in the primary reaches the DR stack at its next plan without a hand edit.
// A file, not a StackReference: failover happens when the primary's region is down, and the primary's file sits in the
// repository (reviewed in the same pull request), while its state and outputs may sit in the region that failed.
import type { ConfigProblem } from "./errors";
import { keyName, showValue } from "./errors";

/** Sections a DR platform stack takes from its primary's file. */
export const SHARED_WITH_PRIMARY = ["database", "redis", "workers", "jobs", "backups", "alerts", "tenants"] as const;
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
export function withPrimaryConfig(raw: Obj, read: StackReader | undefined): { raw: Obj; problems: ConfigProblem[] } {
  const dr = isObject(raw.dr) ? raw.dr : undefined;
  const tenancy = isObject(raw.tenancy) ? raw.tenancy : undefined;
  const shard = typeof tenancy?.drOf === "string";
  const primaryName = shard ? (tenancy!.drOf as string) : dr?.primaryStack;
  if (typeof primaryName !== "string") return { raw, problems: [] };
  const sourceKey = keyName("platform", shard ? ["tenancy", "drOf"] : ["dr", "primaryStack"]);
  const problems: ConfigProblem[] = [];
  const shared = shard ? SHARED_WITH_PRIMARY_SHARD : SHARED_WITH_PRIMARY;
  for (const section of shared) {
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
    return { raw, problems };
  }
  if (!shard && typeof dr?.region === "string" && primary.awsRegion !== dr.region)
    problems.push({
      key: "platform:dr.region",
      value: showValue(dr.region),
      message: `must be the region of the primary stack ${primaryName} (its aws:region is ${primary.awsRegion ?? "not set"})`,
    });
  if (problems.length > 0) return { raw, problems };

  const merged: Obj = { ...raw };
  for (const section of shared) if (primary.raw[section] !== undefined) merged[section] = primary.raw[section];
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
  return { raw: merged, problems };
}
