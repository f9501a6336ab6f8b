import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperty, serializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
// The SDK's generated protobuf messages (no type declarations ship for them).
const { RegisterResourceResponse } = require("@pulumi/pulumi/proto/resource_pb") as {
  RegisterResourceResponse: new () => any;
};
import * as settings from "@pulumi/pulumi/runtime/settings";
// getStore is internal to the SDK; the mock setup below mirrors what pulumi.runtime.setMocks does.
const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): Record<string, unknown> };
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { StackOutputs, createMocks } from "./mocks";
import { REDACTED, isWireSecret, normalizeValue, wireSecret } from "./serialized";

export { REDACTED } from "./serialized";
export type { StackOutputs } from "./mocks";

/** One resource as the program registered it: what the engine would receive in `pulumi preview`. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource (the stack for top-level resources). */
  parent?: string;
  /** Whether this is a provider resource (custom) or a component. */
  custom: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  /** URNs of explicit and implied dependencies. */
  dependsOn: string[];
  /** Per input property, the URNs of the resources its value came from (what the engine's analyzer passes on). */
  propertyDependencies?: Record<string, string[]>;
  /** The `import` resource option: the id of an existing cloud resource this one adopts instead of creating. */
  importId?: string;
  /** URN of the explicit provider, when one was passed. */
  provider?: string;
  /** The `ignoreChanges` resource option (input names the engine does not diff), when set. */
  ignoreChanges?: string[];
  /** Inputs with secret values replaced by "[secret]" and resource references by their URN. */
  inputs: Record<string, unknown>;
  /** Outputs the engine returns as secrets (`additionalSecretOutputs`: the program's and the SDK class's). */
  additionalSecretOutputs?: string[];
  /** Paths of inputs that are secret (`a.b[0].c`), for checks that secrets stay secret. */
  secretPaths: string[];
  /** Inputs with secret values revealed; only present when rendering with `revealSecrets` (tests). */
  revealedInputs?: Record<string, unknown>;
}

export interface RenderOptions {
  project: string;
  stack: string;
  /** Flat Pulumi config, as `pulumi config` holds it: `{"platform:tenants": "[...]"}` with JSON-encoded values. */
  config: Record<string, string>;
  /** Config keys that are secret. */
  secretKeys?: string[];
  /** Keep secret values in `revealedInputs` (for tests that assert on generated credentials). */
  revealSecrets?: boolean;
  /** Outputs of the stacks the program references (`pulumi:pulumi:StackReference`), by fully qualified name. */
  stackReferences?: Readonly<Record<string, StackOutputs>>;
  /** Called with each resource as it is recorded, while the program still runs (checks that can start early). */
  onRecord?: (resource: RecordedResource) => void;
}

export interface RenderResult {
  resources: RecordedResource[];
  /** Stack outputs, secrets redacted. */
  outputs: Record<string, unknown>;
  /** Stack outputs with secrets revealed and the names of the secret ones: what a StackReference to this stack reads. */
  stackOutputs: StackOutputs;
}

/** A program failure, with what had been registered before it (for checks that nothing was half-created). */
export class RenderError extends Error {
  constructor(
    readonly cause: unknown,
    readonly resources: RecordedResource[],
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "RenderError";
    if (cause instanceof Error && cause.stack) this.stack = cause.stack;
  }
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** A mock monitor that records every registration request with its options, then answers like the stock mock. */
class RecordingMonitor extends MockMonitor {
  readonly recorded: RecordedResource[] = [];
  stackOutputs: Record<string, unknown> = {};
  referenceable: StackOutputs = { outputs: {}, secretOutputNames: [] };
  private stackUrn?: string;

  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly revealSecrets: boolean,
    private readonly onRecord?: (resource: RecordedResource) => void,
  ) {
    super(mocks);
  }

  /**
   * MockMonitor's registration, reading the request's wire form once for both the mocks and the recording, and
   * returning the outputs a resource declares secret (`additionalSecretOutputs`) as secrets, as the engine does.
   */
  override async registerResource(req: any, callback: (err: any, response: any) => void): Promise<void> {
    try {
      const type: string = req.getType();
      const name: string = req.getName();
      const object: Record<string, unknown> = req.getObject()?.toJavaScript() ?? {};
      const inputs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(object))
        if (value !== undefined) inputs[key] = deserializeProperty(value);
      const result = await this.mocks.newResource({
        type,
        name,
        inputs,
        provider: req.getProvider(),
        custom: req.getCustom(),
        id: req.getImportid(),
      });
      const urn: string = (this as any).newUrn(req.getParent(), type, name); // private in the SDK's typings
      const state: Record<string, unknown> = await serializeProperties("", result.state);
      this.resources.set(urn, { urn, id: result.id ?? null, state });
      const response = new RegisterResourceResponse();
      response.setUrn(urn);
      response.setId(result.id || "");
      response.setObject(
        Struct.fromJavaScript(
          withSecretOutputs(state, req.getAdditionalsecretoutputsList()) as Parameters<typeof Struct.fromJavaScript>[0],
        ),
      );
      if (type === ROOT_STACK_TYPE) this.stackUrn = urn;
      else this.record(req, type, urn, object);
      callback(null, response);
    } catch (error) {
      callback(error, undefined);
    }
  }

  override registerResourceOutputs(req: any, callback: (err: any, response: any) => void): void {
    if (req.getUrn() === this.stackUrn) {
      const wire = req.getOutputs()?.toJavaScript() ?? {};
      const secretPaths: string[] = [];
      this.stackOutputs = normalizeValue(wire, "", secretPaths) as Record<string, unknown>;
      const secretOutputNames = [...new Set(secretPaths.map((path) => path.split(/[.[]/)[0]))];
      this.referenceable = {
        outputs: normalizeValue(wire, "", [], true) as Record<string, unknown>,
        secretOutputNames,
      };
    }
    super.registerResourceOutputs(req, callback);
  }

  private record(req: any, type: string, urn: string, object: Record<string, unknown>) {
    const secretPaths: string[] = [];
    const providerRef: string = req.getProvider();
    const resource: RecordedResource = {
      urn,
      type,
      name: req.getName(),
      parent: req.getParent() || undefined,
      custom: req.getCustom(),
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      dependsOn: req.getDependenciesList(),
      propertyDependencies: propertyDependenciesOf(req),
      importId: req.getImportid() || undefined,
      provider: providerRef ? providerRef.split("::").slice(0, -1).join("::") : undefined,
      ignoreChanges: req.getIgnorechangesList().length > 0 ? req.getIgnorechangesList() : undefined,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      inputs: normalizeValue(object, "", secretPaths) as Record<string, unknown>,
      secretPaths,
      revealedInputs: this.revealSecrets
        ? (normalizeValue(object, "", [], true) as Record<string, unknown>)
        : undefined,
    };
    this.recorded.push(resource);
    this.onRecord?.(resource);
  }
}

function propertyDependenciesOf(req: any): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
    const urns: string[] = deps.getUrnsList();
    if (urns.length > 0) result[key] = urns;
  });
  return result;
}

/** The state with the named outputs wrapped as secrets (once: the SDK's list and the program's may both name one). */
function withSecretOutputs(state: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  if (keys.length === 0) return state;
  const result = { ...state };
  for (const key of new Set(keys))
    if (key in result && !isWireSecret(result[key])) result[key] = wireSecret(result[key]);
  return result;
}

function configureMockRuntime(monitor: RecordingMonitor, options: RenderOptions) {
  settings.setMockOptions(monitor, options.project, options.stack, false);
  const store = getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
  });
  pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
}

let renderQueue: Promise<unknown> = Promise.resolve();

/**
 * Runs a Pulumi program under the mock runtime with the given stack config and returns every resource it
 * registered. The runtime is process-global, so renders are serialised. Errors thrown by the program (including
 * config errors) reject the returned promise.
 */
export function renderProgram(
  program: () => Promise<unknown> | unknown,
  options: RenderOptions,
): Promise<RenderResult> {
  const run = renderQueue.then(() => renderNow(program, options));
  renderQueue = run.catch(() => undefined);
  return run;
}

async function renderNow(program: () => Promise<unknown> | unknown, options: RenderOptions): Promise<RenderResult> {
  const region = options.config["aws:region"] ?? "us-east-1";
  const monitor = new RecordingMonitor(
    createMocks({ region, stackReferences: options.stackReferences }),
    options.revealSecrets ?? false,
    options.onRecord,
  );
  configureMockRuntime(monitor, options);

  // The SDK captures a stack trace for every resource and every internal promise; with source maps on (tsx turns
  // them on) each capture is mapped through them, which costs more than the registration itself. Off while the
  // program runs; back on before anyone reads an error's stack (stacks are formatted when first read).
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  const asyncErrors: unknown[] = [];
  const onError = (error: unknown) => asyncErrors.push(error);
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);
  try {
    await runInPulumiStack(async () => (await program()) as any);
    await (settings as any).waitForRPCs();
  } catch (error) {
    asyncErrors.unshift(error);
  } finally {
    // A failed program rejects several runtime promises; let them all settle while the handlers still listen.
    await new Promise((resolve) => setTimeout(resolve, 10));
    process.off("unhandledRejection", onError);
    process.off("uncaughtException", onError);
    process.setSourceMapsEnabled(sourceMaps);
  }
  if (asyncErrors.length > 0) throw new RenderError(asyncErrors[0], monitor.recorded);
  return { resources: monitor.recorded, outputs: monitor.stackOutputs, stackOutputs: monitor.referenceable };
}

export const isSecretPlaceholder = (value: unknown) => value === REDACTED;
