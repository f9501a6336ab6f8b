// The benchmark's floor: the Pulumi SDK re-registering exactly the resources of a recorded plan.json (same types,
// names, parents, providers, dependencies, protect flags and inputs) under the same mocks, with no program, no
// recording, policies or output files. Each resource is registered through its typed SDK class, as any program
// registering it must (the class adds its own options: secret outputs, aliases, the provider version); components
// and providers through the generic classes.
//   tsx tools/bench/floor.ts PLAN.json [--generic]
// `--generic` registers custom resources through the generic CustomResource with the class's declared properties
// instead, which skips the typed classes' module loading and option handling (the floor the bench used first).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
// Only the two engine modules it needs (not the package index): the floor loads nothing the SDK does not.
import { createMocks } from "@platform/offline-plan/mocks";
import type { PlanDocument } from "../lib/plan";
import { REDACTED } from "@platform/offline-plan/serialized";

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
  const file = classFile(type);
  const keys = file
    ? [...new Set([...readFileSync(file, "utf8").matchAll(/resourceInputs\["(\w+)"\]/g)].map((m) => m[1]))]
    : [];
  declared.set(type, keys);
  return keys;
}

/** The SDK module file of a type token's class, when the package ships one. */
function classFile(type: string): string | undefined {
  if (type.startsWith(PROVIDER_PREFIX)) {
    try {
      return require.resolve(`@pulumi/${type.slice(PROVIDER_PREFIX.length)}/provider`);
    } catch {
      return undefined;
    }
  }
  const [pkg, module, kind] = type.split(":");
  // aws:elasticache/user:User → elasticache/user.js; postgresql:index/role:Role → role.js;
  // kubernetes:networking.k8s.io/v1:NetworkPolicy → networking/v1/networkPolicy.js.
  const [first, ...rest] = module.split("/");
  const candidates = [
    `${first === "index" ? rest.join("/") : module}.js`,
    join(first.split(".")[0], ...rest, `${kind[0].toLowerCase()}${kind.slice(1)}.js`),
  ];
  try {
    const root = dirname(require.resolve(`@pulumi/${pkg}`));
    return candidates.map((c) => join(root, c)).find((p) => existsSync(p));
  } catch {
    return undefined;
  }
}
class Provider extends pulumi.ProviderResource {}

type TypedClass = new (
  name: string,
  args: Record<string, unknown>,
  opts: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;
const typedClasses = new Map<string, TypedClass | undefined>();

/** The typed SDK class of a type token (the export of its module whose `__pulumiType` is the token), if any. */
export function typedClass(type: string): TypedClass | undefined {
  if (typedClasses.has(type)) return typedClasses.get(type);
  const file = classFile(type);
  const token = type.startsWith(PROVIDER_PREFIX) ? type.slice(PROVIDER_PREFIX.length) : type;
  const found = file
    ? (Object.values(require(file) as Record<string, unknown>).find(
        (v) => (v as { __pulumiType?: string })?.__pulumiType === token,
      ) as TypedClass | undefined)
    : undefined;
  typedClasses.set(type, found);
  return found;
}

const PROVIDER_PREFIX = "pulumi:providers:";
const jsonEncoded = new Map<string, string[]>();

/**
 * A typed provider class JSON-encodes its structured inputs (`pulumi.output(args.x).apply(JSON.stringify)`), so the
 * recorded inputs hold them encoded: decoded here, the class encodes them back to the same values.
 */
function providerArgs(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  let keys = jsonEncoded.get(type);
  if (!keys) {
    const file = classFile(type);
    keys = file
      ? [
          ...readFileSync(file, "utf8").matchAll(
            /resourceInputs\["(\w+)"\] = pulumi\.output\(.*\)\.apply\(JSON\.stringify\);$/gm,
          ),
        ].map((m) => m[1])
      : [];
    jsonEncoded.set(type, keys);
  }
  const args = { ...inputs };
  for (const key of keys) if (typeof args[key] === "string") args[key] = JSON.parse(args[key] as string);
  return args;
}

/** Recorded inputs with each redacted value ("[secret]") registered as a secret again, as the program sent it. */
function withSecrets(value: unknown): unknown {
  if (value === REDACTED) return pulumi.secret(REDACTED);
  if (Array.isArray(value)) return value.map(withSecrets);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSecrets(v)]));
  return value;
}

/** The floor as a Pulumi program: registers the plan's resources in their recorded order and returns its outputs. */
export function floorProgram(plan: PlanDocument, options: { generic?: boolean } = {}) {
  return async () => {
    const byUrn = new Map<string, pulumi.Resource>();
    for (const recorded of plan.resources) {
      const r = { ...recorded, inputs: withSecrets(recorded.inputs) as Record<string, unknown> };
      const opts = {
        parent: r.parent ? byUrn.get(r.parent) : undefined,
        protect: r.protect || undefined,
        retainOnDelete: r.retainOnDelete || undefined,
        dependsOn: r.dependsOn.map((urn) => byUrn.get(urn)).filter((x): x is pulumi.Resource => x !== undefined),
      };
      let resource: pulumi.Resource;
      const custom = r.type.split(":").length === 3 && !r.type.startsWith("platform:");
      const Typed = custom && !options.generic ? typedClass(r.type) : undefined;
      if (r.type.startsWith(PROVIDER_PREFIX)) {
        resource = Typed
          ? new Typed(r.name, providerArgs(r.type, r.inputs), opts)
          : new Provider(r.type.slice(PROVIDER_PREFIX.length), r.name, r.inputs, opts);
      } else if (custom) {
        const provider = r.provider ? (byUrn.get(r.provider) as pulumi.ProviderResource | undefined) : undefined;
        const props = Typed
          ? r.inputs
          : { ...Object.fromEntries(declaredProperties(r.type).map((k) => [k, undefined])), ...r.inputs };
        resource = Typed
          ? new Typed(r.name, props, { ...opts, provider })
          : new Custom(r.type, r.name, props, { ...opts, provider });
      } else resource = new Component(r.type, r.name, opts);
      byUrn.set(r.urn, resource);
    }
    return plan.outputs as Record<string, any>;
  };
}

export async function registerPlan(plan: PlanDocument, options: { generic?: boolean } = {}): Promise<number> {
  // The same runtime conditions as the plan's renderer (packages/offline-plan/src/render.ts): no source-mapped stack captures.
  process.setSourceMapsEnabled(false);
  await pulumi.runtime.setMocks(createMocks({ region: "us-east-1" }), plan.project, plan.stack, false);
  await runInPulumiStack(floorProgram(plan, options));
  return plan.resources.length;
}

if (require.main === module) {
  const [file, flag] = process.argv.slice(2);
  if (!file || (flag !== undefined && flag !== "--generic")) {
    console.error("usage: tsx tools/bench/floor.ts PLAN.json [--generic]");
    process.exit(2);
  }
  registerPlan(JSON.parse(readFileSync(file, "utf8")) as PlanDocument, { generic: flag === "--generic" }).then(
    (count) => console.log(`floor: registered ${count} resources`),
    (error) => {
      console.error(error);
      process.exit(3);
    },
  );
}
