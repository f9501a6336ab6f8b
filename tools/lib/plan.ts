// plan.json, the platform's offline plan document: the engine's parts (packages/offline-plan) in the contract's shape,
// with what only this platform knows: its environment and its resources by tenant.
import {
  KUBERNETES_SCHEMA_POLICY,
  PolicyReport,
  PolicyViolation,
  RecordedResource,
  SchemaFinding,
  countBy,
  groupByAncestor,
  schemaViolations,
} from "@platform/offline-plan";

export const TENANT_COMPONENT_TYPE = "platform:tenant:Tenant";

/** plan.json, the offline plan's contract (docs/architecture.md, "Contract: the offline plan"). */
export interface PlanDocument {
  project: string;
  stack: string;
  environment: string;
  resources: Array<
    Pick<
      RecordedResource,
      | "urn"
      | "type"
      | "name"
      | "parent"
      | "protect"
      | "retainOnDelete"
      | "dependsOn"
      | "provider"
      | "inputs"
      | "importId"
      | "ignoreChanges"
      | "replaceOnChanges"
      | "deleteBeforeReplace"
      | "aliases"
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

/** Groups resources under the tenant whose Tenant component they descend from (tenant id = component name less "tenant-"). */
export const tenantResources = (resources: readonly RecordedResource[]): Map<string, RecordedResource[]> =>
  groupByAncestor(resources, (r) => (r.type === TENANT_COMPONENT_TYPE ? r.name.replace(/^tenant-/, "") : undefined));

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
  const violations: PolicyViolation[] = [...args.policy.violations, ...schemaViolations(args.schema.errors)];
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
    resources: resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      dependsOn: r.dependsOn,
      provider: r.provider,
      // The resource options the engine's diff reads (absent when the program did not set them).
      importId: r.importId,
      ignoreChanges: r.ignoreChanges,
      replaceOnChanges: r.replaceOnChanges,
      deleteBeforeReplace: r.deleteBeforeReplace,
      aliases: r.aliases,
      inputs: r.inputs,
    })),
    outputs: args.outputs,
    policy: {
      evaluated: args.policy.evaluated + args.schema.validated,
      policies: [...args.policy.policies, KUBERNETES_SCHEMA_POLICY],
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
