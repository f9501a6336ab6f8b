import type {
  EnforcementLevel,
  Policy,
  PolicyResource,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { RecordedResource } from "./render";

export interface PolicyViolation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  urn?: string;
  message: string;
}

export interface PolicyReport {
  /** Number of (policy, resource) and (policy, stack) evaluations performed. */
  evaluated: number;
  /** Names of the policies that ran (not disabled). */
  policies: string[];
  violations: PolicyViolation[];
}

/**
 * Policy pack config in the `pulumi preview --policy-pack-config` format: `{ "<policy>": "advisory" }` or
 * `{ "<policy>": { "enforcementLevel": "advisory", ...properties }, "all": "mandatory" }`.
 */
export type PolicyPackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

const pulumiTypeOf = (resourceClass: unknown): string | undefined =>
  (resourceClass as { __pulumiType?: string } | undefined)?.__pulumiType;

function levelFor(policy: Policy, defaultLevel: EnforcementLevel, config: PolicyPackConfig): EnforcementLevel {
  const entry = config[policy.name] ?? config.all;
  if (typeof entry === "string") return entry;
  return entry?.enforcementLevel ?? policy.enforcementLevel ?? defaultLevel;
}

function propertiesFor(policy: Policy, config: PolicyPackConfig): Record<string, unknown> {
  const entry = config[policy.name];
  if (!entry || typeof entry === "string") return {};
  const { enforcementLevel: _ignored, ...properties } = entry;
  return properties;
}

class NotApplicable extends Error {}

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as Promise<unknown> | undefined)?.then === "function";

/** A resource validation; `validateResourceOfType` tags it with the one type it applies to (`__pulumiType`). */
type Validation = ((args: unknown, report: (message: string, urn?: string) => void) => unknown) & {
  __pulumiType?: string;
};

/**
 * Evaluates @pulumi/policy policies against recorded resources the way the Pulumi engine's analyzer does:
 * resource policies see each resource's inputs and options, stack policies see every resource with its parent and
 * dependencies resolved. Offline, options also carry `retainOnDelete`, which the engine's analyzer does not send.
 *
 * Runs (policies × resources) validations, tens of thousands in a large stack. As the policy server does, a
 * validation tagged with its resource type (`validateResourceOfType`) only sees resources of that type, instead of
 * throwing "not applicable" for every other one. The argument objects are built once per resource and share one
 * `getConfig` and one report callback per policy, and a validation that returns no promise is not awaited.
 */
export async function runPolicies(
  policies: readonly Policy[],
  resources: readonly RecordedResource[],
  options: { defaultEnforcementLevel?: EnforcementLevel; config?: PolicyPackConfig } = {},
): Promise<PolicyReport> {
  const config = options.config ?? {};
  const defaultLevel = options.defaultEnforcementLevel ?? "advisory";
  const report: PolicyReport = { evaluated: 0, policies: [], violations: [] };
  let properties: Record<string, unknown> = {};
  const getConfig = () => properties;
  const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
  };
  const policyResources = toPolicyResources(resources);
  const resourceArgs = policyResources.map((resource) => ({ ...resource, getConfig, notApplicable }));

  for (const policy of policies) {
    const level = levelFor(policy, defaultLevel, config);
    if (level === "disabled") continue;
    report.policies.push(policy.name);
    properties = propertiesFor(policy, config);
    let currentUrn: string | undefined;
    const reportViolation = (message: string, urn?: string) => {
      report.violations.push({ policy: policy.name, enforcementLevel: level, urn: urn ?? currentUrn, message });
    };
    const failed = (error: unknown, where: string) => {
      if (!(error instanceof NotApplicable))
        throw new Error(`policy ${policy.name} failed${where}: ${(error as Error).message}`);
    };

    if ("validateResource" in policy && policy.validateResource) {
      const validations = ([] as unknown[]).concat(
        (policy as ResourceValidationPolicy).validateResource,
      ) as Validation[];
      for (const args of resourceArgs) {
        report.evaluated++;
        currentUrn = args.urn;
        for (const validate of validations) {
          if (validate.__pulumiType !== undefined && validate.__pulumiType !== args.type) continue;
          try {
            const result = validate(args, reportViolation);
            if (isPromise(result)) await result;
          } catch (error) {
            failed(error, ` on ${args.urn}`);
          }
        }
      }
    }
    if ("validateStack" in policy && policy.validateStack) {
      report.evaluated++;
      currentUrn = undefined;
      try {
        await (policy as StackValidationPolicy).validateStack(
          { resources: policyResources, getConfig, notApplicable } as never,
          reportViolation,
        );
      } catch (error) {
        failed(error, "");
      }
    }
  }
  return report;
}

type OfflinePolicyResource = PolicyResource & { opts: PolicyResource["opts"] & { retainOnDelete: boolean } };

function toPolicyResources(resources: readonly RecordedResource[]): OfflinePolicyResource[] {
  const byUrn = new Map<string, OfflinePolicyResource>();
  const list = resources.map((r) => {
    const resource: OfflinePolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: r.inputs,
      opts: {
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.additionalSecretOutputs ?? [],
        parent: r.parent,
      },
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass: unknown) => pulumiTypeOf(resourceClass) === r.type,
      asType: (resourceClass: unknown) => (pulumiTypeOf(resourceClass) === r.type ? (r.inputs as never) : undefined),
    } as unknown as OfflinePolicyResource;
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const resource = list[i] as {
      parent?: PolicyResource;
      dependencies: PolicyResource[];
      propertyDependencies: Record<string, PolicyResource[]>;
    };
    const resolve = (urns: readonly string[]) =>
      urns.map((urn) => byUrn.get(urn)).filter((d): d is OfflinePolicyResource => d !== undefined);
    resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
    resource.dependencies = resolve(r.dependsOn);
    resource.propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies ?? {}).map(([key, urns]) => [key, resolve(urns)]),
    );
  });
  return list;
}

export const isMandatory = (violation: PolicyViolation) => violation.enforcementLevel === "mandatory";
