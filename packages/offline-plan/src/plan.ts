// Building blocks of a plan document: counts by key, resources grouped under the component they descend from, and
// Kubernetes schema errors as mandatory violations of a pseudo-policy. The document's own shape (plan.json) is the
// caller's contract; these parts are the same for any program.
import type { SchemaFinding } from "./kubernetes";
import type { PolicyViolation } from "./policy-runner";
import type { RecordedResource } from "./render";

/** Counts of items by key, sorted by key. */
export const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
};

/**
 * Resources grouped under the nearest ancestor (or themselves) that `groupOf` names a group for: e.g. every
 * descendant of each top-level component of one type. Groups in the order their roots were registered, each with
 * its resources in registration order (the root included).
 */
export function groupByAncestor(
  resources: readonly RecordedResource[],
  groupOf: (resource: RecordedResource) => string | undefined,
): Map<string, RecordedResource[]> {
  const rootOf = new Map<string, string>();
  for (const r of resources) {
    const group = groupOf(r);
    if (group !== undefined) rootOf.set(r.urn, group);
  }
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const ownerOf = (r: RecordedResource): string | undefined => {
    for (let urn: string | undefined = r.urn; urn; urn = byUrn.get(urn)?.parent) {
      const group = rootOf.get(urn);
      if (group) return group;
    }
    return undefined;
  };
  const groups = new Map<string, RecordedResource[]>([...rootOf.values()].map((id) => [id, []]));
  for (const r of resources) {
    const owner = ownerOf(r);
    if (owner) groups.get(owner)!.push(r);
  }
  return groups;
}

/** The pseudo-policy under which Kubernetes schema errors are reported, so they block like any mandatory policy. */
export const KUBERNETES_SCHEMA_POLICY = "kubernetes-schema";

/** Schema errors as mandatory violations of the `kubernetes-schema` pseudo-policy. */
export const schemaViolations = (errors: readonly SchemaFinding[]): PolicyViolation[] =>
  errors.map((e) => ({
    policy: KUBERNETES_SCHEMA_POLICY,
    enforcementLevel: "mandatory",
    urn: e.urn,
    message: `${e.object} does not match the Kubernetes schema: ${e.message}`,
  }));
