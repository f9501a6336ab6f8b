// The benchmark's floor: the bare Pulumi SDK re-registering exactly the resources of a recorded plan.json (same
// types, names, parents, providers, dependencies, protect flags, inputs and declared output properties) under the
// same mocks, with no program, no typed SDK classes, no recording, policies or output files. Usage: tsx tools/bench-floor.ts PLAN.json
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

const declared = new Map<string, string[]>();

/**
 * Every property a typed SDK class declares for a type token (inputs and outputs: `resourceInputs["x"]` in its
 * generated constructor), read from the package's source without loading it. A registration declares these keys
 * (unset outputs included), so the floor registers the same property set; empty when the file is not found.
 */
export function declaredProperties(type: string): string[] {
  const cached = declared.get(type);
  if (cached) return cached;
  const [pkg, module, kind] = type.split(":");
  // aws:elasticache/user:User → elasticache/user.js; postgresql:index/role:Role → role.js;
  // kubernetes:networking.k8s.io/v1:NetworkPolicy → networking/v1/networkPolicy.js.
  const [first, ...rest] = module.split("/");
  const candidates = [`${first === "index" ? rest.join("/") : module}.js`, join(first.split(".")[0], ...rest, `${kind[0].toLowerCase()}${kind.slice(1)}.js`)];
  let keys: string[] = [];
  try {
    const root = dirname(require.resolve(`@pulumi/${pkg}`));
    const path = candidates.map((c) => join(root, c)).find((p) => existsSync(p));
    if (path) keys = [...new Set([...readFileSync(path, "utf8").matchAll(/resourceInputs\["(\w+)"\]/g)].map((m) => m[1]))];
  } catch {
    keys = [];
  }
  declared.set(type, keys);
  return keys;
}
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
        const props = { ...Object.fromEntries(declaredProperties(r.type).map((k) => [k, undefined])), ...r.inputs };
        resource = new Custom(r.type, r.name, props, { ...opts, provider });
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
