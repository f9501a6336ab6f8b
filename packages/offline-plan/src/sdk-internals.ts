// THE ONE FILE THAT USES PRIVATE INTERNALS OF THE PULUMI NODE.JS SDK (@pulumi/pulumi). Everything else in this
// package uses its public API (pulumi.runtime.*, the wire-format constants of @pulumi/pulumi/runtime/rpc).
//
// Why: the SDK's public mock API (`pulumi.runtime.setMocks`) hands a mock only a resource's type, name, inputs,
// provider and import id. What the engine receives in `pulumi preview` is more: the URN it assigns, the parent,
// `protect`, `retainOnDelete`, dependencies per property, `additionalSecretOutputs`. Only the monitor the mocks sit
// behind sees the whole RegisterResource request, and the SDK offers no hook there. So the engine:
//   1. subclasses MockMonitor (@pulumi/pulumi/runtime/mocks: exported, but not re-exported by pulumi.runtime, and
//      called with the raw protobuf RegisterResourceRequest), reading the request through its generated getters;
//   2. assigns URNs with MockMonitor's private `newUrn`, as the stock mock does;
//   3. answers with the SDK's generated RegisterResourceResponse (@pulumi/pulumi/proto/resource_pb, no typings) and
//      google-protobuf's Struct, resolved from the SDK's own location so the message classes are the SDK's;
//   4. waits for outstanding registrations with settings' `waitForRPCs` (@internal) after the program returns.
// When an SDK upgrade breaks the plan, look here first (test: packages/offline-plan/test/render.test.ts).
import { dirname } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperty, serializeProperties } from "@pulumi/pulumi/runtime/rpc";

const RESOURCE_PB = require.resolve("@pulumi/pulumi/proto/resource_pb");
const { RegisterResourceResponse } = require(RESOURCE_PB) as { RegisterResourceResponse: new () => ProtoResponse };
const STRUCT_PB = require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [dirname(RESOURCE_PB)] });
const { Struct } = require(STRUCT_PB) as { Struct: { fromJavaScript(value: Record<string, unknown>): unknown } };
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

interface ProtoResponse {
  setUrn(urn: string): void;
  setId(id: string): void;
  setObject(object: unknown): void;
}

/** A RegisterResource request, read once from the SDK's protobuf message: what the engine would receive. */
export interface RegistrationRequest {
  type: string;
  name: string;
  /** Parent URN; "" for the root stack. */
  parent: string;
  custom: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  dependencies: string[];
  /** Per input property, the URNs its value came from (properties without any left out). */
  propertyDependencies: Record<string, string[]>;
  /** The `import` option's id; "" when not set. */
  importId: string;
  /** Resource options the engine's step generator reads (pulumi/pulumi pkg/resource/deploy/step_generator.go). */
  ignoreChanges: string[];
  replaceOnChanges: string[];
  /** The `deleteBeforeReplace` option; undefined when the program did not set it (the engine tells them apart). */
  deleteBeforeReplace?: boolean;
  /**
   * The `aliases` option as the SDK sends it to a monitor that supports structured aliases (resource.js,
   * mapAliasesForRequest): a URN, or a spec whose empty fields mean "the resource's own".
   */
  aliases: {
    urn?: string;
    name?: string;
    type?: string;
    stack?: string;
    project?: string;
    parentUrn?: string;
    noParent?: boolean;
  }[];
  /** Provider reference `<urn>::<id>`; "" when the default provider is used. */
  provider: string;
  additionalSecretOutputs: string[];
  /** Inputs in the wire form (secrets, resource references and unknowns as signature objects). */
  object: Record<string, unknown>;
}

function readRegistration(req: any): RegistrationRequest {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
    const urns: string[] = deps.getUrnsList();
    if (urns.length > 0) propertyDependencies[key] = urns;
  });
  return {
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent(),
    custom: req.getCustom(),
    protect: req.getProtect() === true,
    retainOnDelete: req.getRetainondelete() === true,
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    importId: req.getImportid(),
    ignoreChanges: req.getIgnorechangesList(),
    replaceOnChanges: req.getReplaceonchangesList(),
    deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() === true : undefined,
    aliases: (req.getAliasesList() as any[]).map((alias) => {
      if (alias.getUrn()) return { urn: alias.getUrn() as string };
      const spec = alias.getSpec();
      return {
        name: spec.getName() || undefined,
        type: spec.getType() || undefined,
        stack: spec.getStack() || undefined,
        project: spec.getProject() || undefined,
        parentUrn: spec.getParenturn() || undefined,
        noParent: spec.getNoparent() === true,
      };
    }),
    provider: req.getProvider(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    object: req.getObject()?.toJavaScript() ?? {},
  };
}

/**
 * The stock MockMonitor, with the whole registration request handed to `registered` and the stack's outputs to
 * `outputsRegistered`. The mocks see exactly what they see under `pulumi.runtime.setMocks`.
 */
export abstract class InterceptingMonitor extends MockMonitor {
  /**
   * Called once per registration after the mocks answered, with the state they returned (wire form); returns the
   * state the engine sends back to the program.
   */
  protected abstract registered(
    request: RegistrationRequest,
    urn: string,
    state: Record<string, unknown>,
  ): Record<string, unknown>;

  /** Called with each `registerOutputs` of a resource (the stack's outputs among them), in wire form. */
  protected abstract outputsRegistered(urn: string, outputs: Record<string, unknown>): void;

  override async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    try {
      const request = readRegistration(req);
      const inputs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(request.object))
        if (value !== undefined) inputs[key] = deserializeProperty(value);
      const result = await this.mocks.newResource({
        type: request.type,
        name: request.name,
        inputs,
        provider: request.provider,
        custom: request.custom,
        id: request.importId,
      });
      const urn: string = (this as any).newUrn(request.parent, request.type, request.name);
      const state: Record<string, unknown> = await serializeProperties("", result.state);
      this.resources.set(urn, { urn, id: result.id ?? null, state });
      const response = new RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(result.id || "");
      response.setObject(Struct.fromJavaScript(this.registered(request, urn, state)));
      callback(null, response);
    } catch (error) {
      callback(error, undefined);
    }
  }

  override registerResourceOutputs(req: any, callback: (err: any, response: any) => void): void {
    this.outputsRegistered(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
    super.registerResourceOutputs(req, callback);
  }
}

/**
 * Puts the SDK in mock mode with `monitor` as the engine: `setMocks` sets the runtime's feature flags as the SDK
 * defines them for mocks, then `setMockOptions` swaps its stock monitor for this one. Then the stack config.
 */
export async function installMonitor(
  monitor: InterceptingMonitor,
  options: { project: string; stack: string; config: Record<string, string>; secretKeys?: string[] },
): Promise<void> {
  await pulumi.runtime.setMocks(monitor.mocks, options.project, options.stack, false);
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, false);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
}

/** Runs the program as the stack's body (the root stack resource, its outputs) and waits for every registration. */
export async function runStack(program: () => Promise<unknown> | unknown): Promise<void> {
  await pulumi.runtime.runInPulumiStack(async () => (await program()) as pulumi.Inputs | undefined);
  await waitForRPCs();
}
