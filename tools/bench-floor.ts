// The benchmark's floor: the bare Pulumi SDK re-registering exactly the resources of a recorded plan.json (same
// types, names, parents, providers, dependencies, protect flags and inputs) under the same mocks, with no program,
// no typed SDK classes, no recording, policies or output files. Usage: tsx tools/bench-floor.ts PLAN.json
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { createMocks } from "./lib/mocks";
import type { PlanDocument } from "./lib/plan";

class Component extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

class Custom extends pulumi.CustomResource {}
class Provider extends pulumi.ProviderResource {}

export async function registerPlan(plan: PlanDocument): Promise<number> {
  // The same runtime conditions as the plan's renderer (tools/lib/render.ts): no source-mapped stack captures.
  process.setSourceMapsEnabled(false);
  await pulumi.runtime.setMocks(createMocks({ region: "us-east-1" }), plan.project, plan.stack, false);
  const byUrn = new Map<string, pulumi.Resource>();
  await runInPulumiStack(async () => {
    for (const r of plan.resources) {
      const opts = {
        parent: r.parent ? byUrn.get(r.parent) : undefined,
        protect: r.protect || undefined,
        retainOnDelete: r.retainOnDelete || undefined,
        dependsOn: r.dependsOn.map((urn) => byUrn.get(urn)).filter((x): x is pulumi.Resource => x !== undefined),
      };
      let resource: pulumi.Resource;
      if (r.type.startsWith("pulumi:providers:")) resource = new Provider(r.type.slice("pulumi:providers:".length), r.name, r.inputs, opts);
      else if (r.type.split(":").length === 3 && !r.type.startsWith("platform:")) {
        const provider = r.provider ? (byUrn.get(r.provider) as pulumi.ProviderResource | undefined) : undefined;
        resource = new Custom(r.type, r.name, r.inputs, { ...opts, provider });
      } else resource = new Component(r.type, r.name, opts);
      byUrn.set(r.urn, resource);
    }
    return plan.outputs as Record<string, any>;
  });
  return byUrn.size;
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: tsx tools/bench-floor.ts PLAN.json");
    process.exit(2);
  }
  registerPlan(JSON.parse(readFileSync(file, "utf8")) as PlanDocument).then(
    (count) => console.log(`floor: registered ${count} resources`),
    (error) => {
      console.error(error);
      process.exit(3);
    },
  );
}
