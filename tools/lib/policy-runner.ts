import type { EnforcementLevel, Policy, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
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
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

const pulumiTypeOf = (resourceClass: unknown): string | undefined => (resourceClass as { __pulumiType?: string } | undefined)?.__pulumiType;

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

/**
 * Evaluates @pulumi/policy policies against recorded resources the way the Pulumi engine's analyzer does:
 * resource policies see each resource's inputs and options, stack policies see every resource with its parent and
 * dependencies resolved. Offline, options also carry `retainOnDelete`, which the engine's analyzer does not send.
 */
export async function runPolicies(
  policies: readonly Policy[],
  resources: readonly RecordedResource[],
  options: { defaultEnforcementLevel?: EnforcementLevel; config?: PolicyPackConfig } = {},
): Promise<PolicyReport> {
  const config = options.config ?? {};
  const defaultLevel = options.defaultEnforcementLevel ?? "advisory";
  const report: PolicyReport = { evaluated: 0, policies: [], violations: [] };
  const policyResources = toPolicyResources(resources);

  for (const policy of policies) {
    const level = levelFor(policy, defaultLevel, config);
    if (level === "disabled") continue;
    report.policies.push(policy.name);
    const properties = propertiesFor(policy, config);
    const report_ = (urnDefault?: string) => (message: string, urn?: string) =>
      report.violations.push({ policy: policy.name, enforcementLevel: level, urn: urn ?? urnDefault, message });
    const notApplicable = (reason?: string): never => {
      throw new NotApplicable(reason);
    };

    if ("validateResource" in policy && policy.validateResource) {
      const validations = ([] as unknown[]).concat((policy as ResourceValidationPolicy).validateResource);
      for (const resource of policyResources) {
        report.evaluated++;
        const args = { ...resource, getConfig: () => properties, notApplicable };
        for (const validate of validations as Array<(a: unknown, r: (m: string, u?: string) => void) => unknown>) {
          try {
            await validate(args, report_(resource.urn));
          } catch (error) {
            if (!(error instanceof NotApplicable)) throw new Error(`policy ${policy.name} failed on ${resource.urn}: ${(error as Error).message}`);
          }
        }
      }
    }
    if ("validateStack" in policy && policy.validateStack) {
      report.evaluated++;
      try {
        await (policy as StackValidationPolicy).validateStack({ resources: policyResources, getConfig: () => properties, notApplicable } as never, report_());
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw new Error(`policy ${policy.name} failed: ${(error as Error).message}`);
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
        additionalSecretOutputs: [],
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
    const resource = list[i] as { parent?: PolicyResource; dependencies: PolicyResource[] };
    resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
    resource.dependencies = r.dependsOn.map((urn) => byUrn.get(urn)).filter((d): d is OfflinePolicyResource => d !== undefined);
  });
  return list;
}

export const isMandatory = (violation: PolicyViolation) => violation.enforcementLevel === "mandatory";
