// Fixtures for policy tests: recorded resources as the offline plan records them, and a runner that returns the
// violations of a set of policies with the environment's pack config applied.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Policy } from "@pulumi/policy";
import { PolicyPackConfig, PolicyViolation, runPolicies } from "@platform/offline-plan";
import type { RecordedResource } from "@platform/offline-plan";
import { PROJECT_ROOT } from "../helpers/render";

import { resource } from "../helpers/recorded";

export { resource, urnOf } from "../helpers/recorded";

/** `resource` for a Kubernetes object: name and namespace in metadata; Pulumi name `<namespace>-<kind>-<name>`. */
export function k8s(
  type: string,
  name: string,
  namespace: string | undefined,
  body: Record<string, unknown>,
  labels: Record<string, string> = {},
): RecordedResource {
  const kind = type.split(":").pop()!.toLowerCase();
  return resource(type, `${namespace ?? "cluster"}-${kind}-${name}`, {
    ...body,
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
  });
}

/** The pack config of an environment, as the plan applies it (policies/config/<environment>.json). */
export const packConfig = (environment: string) =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, "policies", "config", `${environment}.json`), "utf8")) as PolicyPackConfig;

/** Violations of `policies` over `resources` with the default level mandatory and the environment's pack config. */
export async function violationsOf(
  policies: readonly Policy[],
  resources: RecordedResource[],
  environment = "production",
): Promise<PolicyViolation[]> {
  return (
    await runPolicies(policies, resources, { defaultEnforcementLevel: "mandatory", config: packConfig(environment) })
  ).violations;
}

/** A deep copy of the fixture with the resource `name` changed by `change`. */
export function mutate(
  resources: RecordedResource[],
  name: string,
  change: (inputs: Record<string, any>, resource: RecordedResource) => void,
): RecordedResource[] {
  const copy = structuredClone(resources);
  const target = copy.find((r) => r.name === name);
  if (!target) throw new Error(`fixture has no resource ${name}`);
  change(target.inputs, target);
  return copy;
}

/** The one-violation expectation: policy, level, resource and the exact message. */
export const violation = (
  policy: string,
  urn: string | undefined,
  message: string,
  enforcementLevel = "mandatory",
) => ({ policy, enforcementLevel, urn, message });

/** A fixture transform: change one resource's inputs (or the recorded resource itself). */
export const edit =
  (name: string, change: (inputs: Record<string, any>, resource: RecordedResource) => void) =>
  (resources: RecordedResource[]) =>
    mutate(resources, name, change);

/** A fixture transform: leave one resource out. */
export const without = (name: string) => (resources: RecordedResource[]) => {
  if (!resources.some((r) => r.name === name)) throw new Error(`fixture has no resource ${name}`);
  return resources.filter((r) => r.name !== name);
};

export type Transform = (resources: RecordedResource[]) => RecordedResource[];
