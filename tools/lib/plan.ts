import type { PolicyReport, PolicyViolation } from "./policy-runner";
import type { RecordedResource } from "./render";
import type { SchemaFinding } from "./kubernetes";

export const TENANT_COMPONENT_TYPE = "platform:tenant:Tenant";

/** plan.json, the offline plan's contract (docs/architecture.md, "Contract: the offline plan"). */
export interface PlanDocument {
  project: string;
  stack: string;
  environment: string;
  resources: Array<
    Pick<
      RecordedResource,
      "urn" | "type" | "name" | "parent" | "protect" | "retainOnDelete" | "dependsOn" | "provider" | "inputs"
    >
  >;
  outputs: Record<string, unknown>;
  policy: { evaluated: number; policies: string[]; violations: PolicyViolation[] };
  kubernetesSchema: { validated: number; errors: SchemaFinding[]; unvalidated: SchemaFinding[] };
  summary: {
    resourceCount: number;
    byType: Record<string, number>;
    /** Per tenant: its resources (every descendant of its Tenant component). */
    tenants: Record<string, { resourceCount: number; byType: Record<string, number>; resources: string[] }>;
    protectedCount: number;
    mandatoryViolations: number;
    /** Extra facts components report for reviewers (e.g. the connection overcommit ratio). */
    notes: string[];
  };
}

export const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
};

/** Groups resources under the tenant whose Tenant component they descend from (tenant id = component name less "tenant-"). */
export function tenantResources(resources: readonly RecordedResource[]): Map<string, RecordedResource[]> {
  const tenantOf = new Map<string, string>();
  for (const r of resources) if (r.type === TENANT_COMPONENT_TYPE) tenantOf.set(r.urn, r.name.replace(/^tenant-/, ""));
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const ownerOf = (r: RecordedResource): string | undefined => {
    for (let urn: string | undefined = r.urn; urn; urn = byUrn.get(urn)?.parent) {
      const tenant = tenantOf.get(urn);
      if (tenant) return tenant;
    }
    return undefined;
  };
  const groups = new Map<string, RecordedResource[]>([...tenantOf.values()].map((id) => [id, []]));
  for (const r of resources) {
    const owner = ownerOf(r);
    if (owner) groups.get(owner)!.push(r);
  }
  return groups;
}

export function buildPlanDocument(args: {
  project: string;
  stack: string;
  environment: string;
  resources: readonly RecordedResource[];
  outputs: Record<string, unknown>;
  policy: PolicyReport;
  schema: { validated: number; errors: SchemaFinding[]; unvalidated: SchemaFinding[] };
  notes?: string[];
}): PlanDocument {
  const { resources } = args;
  const schemaViolations: PolicyViolation[] = args.schema.errors.map((e) => ({
    policy: "kubernetes-schema",
    enforcementLevel: "mandatory",
    urn: e.urn,
    message: `${e.object} does not match the Kubernetes schema: ${e.message}`,
  }));
  const violations = [...args.policy.violations, ...schemaViolations];
  const tenants = Object.fromEntries(
    [...tenantResources(resources)].map(([id, list]) => [
      id,
      { resourceCount: list.length, byType: countBy(list, (r) => r.type), resources: list.map((r) => r.urn) },
    ]),
  );
  return {
    project: args.project,
    stack: args.stack,
    environment: args.environment,
    resources: resources.map(({ urn, type, name, parent, protect, retainOnDelete, dependsOn, provider, inputs }) => ({
      urn,
      type,
      name,
      parent,
      protect,
      retainOnDelete,
      dependsOn,
      provider,
      inputs,
    })),
    outputs: args.outputs,
    policy: {
      evaluated: args.policy.evaluated + args.schema.validated,
      policies: [...args.policy.policies, "kubernetes-schema"],
      violations,
    },
    kubernetesSchema: args.schema,
    summary: {
      resourceCount: resources.length,
      byType: countBy(resources, (r) => r.type),
      tenants,
      protectedCount: resources.filter((r) => r.protect).length,
      mandatoryViolations: violations.filter((v) => v.enforcementLevel === "mandatory").length,
      notes: args.notes ?? [],
    },
  };
}
