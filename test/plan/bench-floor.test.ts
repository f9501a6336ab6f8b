import { describe, expect, it } from "vitest";
import { floorProgram } from "../../tools/bench/floor";
import { buildPlanDocument } from "../../tools/lib/plan";
import { RecordedResource, renderProgram } from "@platform/offline-plan";
import { renderStack } from "../helpers/render";
import * as stacks from "../fixtures/stacks";

const byUrn = (resources: RecordedResource[]) => [...resources].sort((a, b) => a.urn.localeCompare(b.urn));

/** What the engine receives for a resource, as the recording holds it. */
const registration = (r: RecordedResource) => ({
  urn: r.urn,
  parent: r.parent,
  custom: r.custom,
  protect: r.protect,
  retainOnDelete: r.retainOnDelete,
  provider: r.provider,
  dependsOn: [...r.dependsOn].sort(),
  inputs: r.inputs,
  secretPaths: [...r.secretPaths].sort(),
  additionalSecretOutputs: [...new Set(r.additionalSecretOutputs)].sort(),
});

describe("the benchmark's floor (tools/bench/floor.ts)", () => {
  it("registers exactly the resources of the plan it is given, with the options the typed SDK classes send", async () => {
    const rendered = await renderStack(stacks.production(), { stack: "prod" });
    const plan = buildPlanDocument({
      project: "platform",
      stack: "prod",
      environment: "production",
      resources: rendered.resources,
      outputs: rendered.outputs,
      policy: { evaluated: 0, policies: [], violations: [] },
      schema: { validated: 0, errors: [], unvalidated: [] },
      notes: [],
    });
    const floor = await renderProgram(floorProgram(plan), { project: "platform", stack: "prod", config: {} });
    expect(byUrn(floor.resources).map(registration)).toEqual(byUrn(rendered.resources).map(registration));
    expect(floor.outputs).toEqual(rendered.outputs);
    // The generic CustomResource registers the same inputs but none of the classes' own options.
    const generic = await renderProgram(floorProgram(plan, { generic: true }), {
      project: "platform",
      stack: "prod",
      config: {},
    });
    expect(byUrn(generic.resources).map((r) => r.inputs)).toEqual(byUrn(rendered.resources).map((r) => r.inputs));
    expect(generic.resources.filter((r) => (r.additionalSecretOutputs ?? []).length > 0)).toEqual([]);
  });
});
