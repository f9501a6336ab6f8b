// Helpers shared by the rules: environment-aware config, Kubernetes pod templates, and joining resources that refer
// to each other (a bucket and its settings resources, an instance and its parameter group).
import { UnknownValueError } from "@pulumi/policy";
import type { PolicyConfigSchema, PolicyResource, PolicyResourceOptions } from "@pulumi/policy";
import { Cron } from "croner";

// Props as the analyzer hands them over: plain JSON (inputs for resource policies, outputs for stack policies).
export type Props = Record<string, any>;

export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Config schema of every rule whose requirement depends on the environment. Policies cannot read stack config, so
 * the environment comes from the policy pack config (`policies/config/<environment>.json`); it defaults to
 * production, so a pack run without config is as strict as it gets.
 */
export const ENVIRONMENT_CONFIG: PolicyConfigSchema = {
  properties: { environment: { type: "string", enum: [...ENVIRONMENTS], default: "production" } },
};

/** The environment a rule runs for, from its policy config (the offline runner does not apply schema defaults). */
export function environmentOf(args: { getConfig<T extends object>(): T }): Environment {
  return args.getConfig<{ environment?: Environment }>().environment ?? "production";
}

export const isProduction = (args: { getConfig<T extends object>(): T }) => environmentOf(args) === "production";

/**
 * True when the resources come from the offline plan's recording, which alone carries `retainOnDelete` and shows
 * secret values as "[secret]" (the engine's analyzer hands policies secrets already unwrapped).
 */
export const isOfflineRecording = (opts: PolicyResourceOptions) => "retainOnDelete" in opts;

/**
 * Tag of an RDS instance a reviewed config change is retiring (`platform:database.retainedInstances[].retire`): it
 * may drop deletion protection and `protect` so the next change can delete it (RDS still takes its final snapshot).
 */
export const RETIRING_TAG = { key: "platform:lifecycle", value: "retiring" } as const;
export const isRetiring = (props: Props | undefined) => props?.tags?.[RETIRING_TAG.key] === RETIRING_TAG.value;

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

/** `"ns/name"` or `"name"` of a Kubernetes object, falling back to the Pulumi name. */
export function objectName(props: Props, fallback: string): string {
  const name = props?.metadata?.name ?? fallback;
  return props?.metadata?.namespace ? `${props.metadata.namespace}/${name}` : String(name);
}

/** The Kind of a Kubernetes type token (`kubernetes:apps/v1:Deployment` → `Deployment`). */
export const kindOf = (type: string) => type.split(":").pop() ?? type;

export const labelsOf = (props: Props): Record<string, string> => props?.metadata?.labels ?? {};

/** Kubernetes workload types, with where their pod template's spec lives. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  "kubernetes:core/v1:Pod": ["spec"],
};

/** Workloads that run until stopped (probes apply to them, not to Jobs). */
export const LONG_RUNNING_WORKLOADS = [
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
];

export const isWorkload = (type: string) => type in POD_SPEC_PATHS;

/** The pod spec of a workload object, or undefined for other types. */
export function podSpecOf(type: string, props: Props): Props | undefined {
  const path = POD_SPEC_PATHS[type];
  if (!path) return undefined;
  let node: Props | undefined = props;
  for (const key of path) node = node?.[key];
  return node;
}

export interface ContainerRef {
  container: Props;
  /** `container "app"` or `init container "migrate"`. */
  label: string;
  init: boolean;
}

/** Containers and init containers of a pod spec. */
export function containersOf(podSpec: Props | undefined): ContainerRef[] {
  const main = ((podSpec?.containers ?? []) as Props[]).map((c) => ({
    container: c,
    label: `container "${c.name}"`,
    init: false,
  }));
  const init = ((podSpec?.initContainers ?? []) as Props[]).map((c) => ({
    container: c,
    label: `init container "${c.name}"`,
    init: true,
  }));
  return [...main, ...init];
}

/** `Deployment "ns/name"`: how messages name a Kubernetes object. */
export const describeObject = (type: string, props: Props, name: string) =>
  `${kindOf(type)} "${objectName(props, name)}"`;

/** True when every label of `selector` is set to the same value in `labels` (an empty selector matches nothing here). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * Reads a value that a preview may not know yet (the engine's proxy throws on unknowns): undefined instead. Only for
 * reads that merely narrow a join; a rule's own checks let the error through, so the engine reports the rule as
 * "can't run during preview" rather than passing it.
 */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return undefined;
    throw error;
  }
}

export const ofType = (resources: readonly PolicyResource[], type: string) => resources.filter((r) => r.type === type);

/**
 * The resources of `candidates` that `from` refers to through `property`. Under the engine, `propertyDependencies`
 * says exactly which resource fed the property; otherwise the property's value is matched against each candidate's
 * key (e.g. a parameter group's name), then a single candidate among `from`'s dependencies is taken.
 */
export function linkedResources(
  from: PolicyResource,
  property: string,
  candidates: readonly PolicyResource[],
  keyOf: (candidate: PolicyResource) => unknown,
): PolicyResource[] {
  const byProperty = (from.propertyDependencies?.[property] ?? []).filter((r) => candidates.includes(r));
  if (byProperty.length > 0) return byProperty;
  const values = ([] as unknown[])
    .concat(known(() => from.props?.[property]) ?? [])
    .filter((v) => typeof v === "string" && v !== "");
  const byValue = candidates.filter((c) => {
    const key = known(() => keyOf(c));
    return typeof key === "string" && values.includes(key);
  });
  if (byValue.length > 0) return byValue;
  const byDependency = from.dependencies.filter((d) => candidates.includes(d));
  return byDependency.length === 1 ? byDependency : [];
}

/** A parameter group's parameters as a name → value map (values as strings). */
export function parameterMap(group: PolicyResource | undefined): Map<string, string> {
  const parameters = (group?.props?.parameters ?? []) as Array<{ name?: string; value?: unknown }>;
  return new Map(parameters.filter((p) => typeof p.name === "string").map((p) => [p.name as string, String(p.value)]));
}

/** Longest gap in minutes between consecutive runs of a five-field cron schedule (UTC, next 60 runs). */
export function longestIntervalMinutes(expression: string): number {
  const runs = new Cron(expression, { paused: true, timezone: "UTC" }).nextRuns(60, new Date("2030-01-01T00:00:00Z"));
  let longest = 0;
  for (let i = 1; i < runs.length; i++)
    longest = Math.max(longest, (runs[i].getTime() - runs[i - 1].getTime()) / 60_000);
  return longest;
}
