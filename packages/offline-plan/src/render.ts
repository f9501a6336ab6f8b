// Runs a Pulumi program under the SDK's mock runtime and records every resource registration as the engine would
// receive it in `pulumi preview` (URN, parent, options, dependencies, inputs with secrets redacted), plus the stack's
// outputs. The SDK internals this needs are confined to ./sdk-internals.ts.
import type * as pulumi from "@pulumi/pulumi";
import { MockContext, StackOutputs, createMocks } from "./mocks";
import { InterceptingMonitor, RegistrationRequest, installMonitor, runStack } from "./sdk-internals";
import { isWireSecret, normalizeValue, wireSecret } from "./serialized";

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
  /** Resource options the engine's step generator reads (pulumi/pulumi pkg/resource/deploy/step_generator.go). */
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  /** Set only when the program set the option (`deleteBeforeReplace` defined), as the engine distinguishes. */
  deleteBeforeReplace?: boolean;
  /** URN of the explicit provider, when one was passed. */
  provider?: string;
  /** The URNs the `aliases` option names: the engine matches an old resource by these when its own URN is new. */
  aliases?: string[];
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
  /** Mocks of the program's own: computed outputs of more resource types, data-source results (see MockContext). */
  mocks?: Pick<MockContext, "outputs" | "calls">;
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
class RecordingMonitor extends InterceptingMonitor {
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

  /** Records the registration; the outputs a resource declares secret (`additionalSecretOutputs`) go back secret. */
  protected registered(request: RegistrationRequest, urn: string, state: Record<string, unknown>) {
    if (request.type === ROOT_STACK_TYPE) this.stackUrn = urn;
    else this.record(request, urn);
    return withSecretOutputs(state, request.additionalSecretOutputs);
  }

  protected outputsRegistered(urn: string, wire: Record<string, unknown>): void {
    if (urn !== this.stackUrn) return;
    const secretPaths: string[] = [];
    this.stackOutputs = normalizeValue(wire, "", secretPaths) as Record<string, unknown>;
    const secretOutputNames = [...new Set(secretPaths.map((path) => path.split(/[.[]/)[0]))];
    this.referenceable = {
      outputs: normalizeValue(wire, "", [], true) as Record<string, unknown>,
      secretOutputNames,
    };
  }

  private record(request: RegistrationRequest, urn: string) {
    const secretPaths: string[] = [];
    const resource: RecordedResource = {
      urn,
      type: request.type,
      name: request.name,
      parent: request.parent || undefined,
      custom: request.custom,
      protect: request.protect,
      retainOnDelete: request.retainOnDelete,
      dependsOn: request.dependencies,
      propertyDependencies: request.propertyDependencies,
      importId: request.importId || undefined,
      ...(request.ignoreChanges.length > 0 ? { ignoreChanges: request.ignoreChanges } : {}),
      ...(request.replaceOnChanges.length > 0 ? { replaceOnChanges: request.replaceOnChanges } : {}),
      ...(request.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: request.deleteBeforeReplace } : {}),
      provider: request.provider ? request.provider.split("::").slice(0, -1).join("::") : undefined,
      ...(request.aliases.length > 0 ? { aliases: request.aliases.map((a) => aliasUrn(urn, request, a)) } : {}),
      additionalSecretOutputs: request.additionalSecretOutputs,
      inputs: normalizeValue(request.object, "", secretPaths) as Record<string, unknown>,
      secretPaths,
      revealedInputs: this.revealSecrets
        ? (normalizeValue(request.object, "", [], true) as Record<string, unknown>)
        : undefined,
    };
    this.recorded.push(resource);
    this.onRecord?.(resource);
  }
}

/** The state with the named outputs wrapped as secrets (once: the SDK's list and the program's may both name one). */
function withSecretOutputs(state: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  if (keys.length === 0) return state;
  const result = { ...state };
  for (const key of new Set(keys))
    if (key in result && !isWireSecret(result[key])) result[key] = wireSecret(result[key]);
  return result;
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
    createMocks({ region, stackReferences: options.stackReferences, ...options.mocks }),
    options.revealSecrets ?? false,
    options.onRecord,
  );
  await installMonitor(monitor, options);

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
    await runStack(program);
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

/**
 * The URN an alias names: each empty field of the spec is the resource's own (its name, type, parent, stack and
 * project; pulumi/pulumi sdk/go/common/resource/alias.go, `Alias.GetURN`), `noParent` drops the parent. Built the way
 * every recorded URN is, by the SDK's MockMonitor `newUrn` (@pulumi/pulumi runtime/mocks.js: the parent's own type,
 * not its whole chain), so an alias matches the URN its old resource was recorded under.
 */
export function aliasUrn(
  urn: string,
  request: Pick<RegistrationRequest, "name" | "type" | "parent">,
  alias: RegistrationRequest["aliases"][number],
): string {
  if (alias.urn) return alias.urn;
  const [head, project] = urn.split("::");
  const stack = head.slice("urn:pulumi:".length);
  const parentUrn = alias.noParent ? undefined : (alias.parentUrn ?? (request.parent || undefined));
  const parentType = parentUrn?.split("::")[2]?.split("$").pop();
  const type = alias.type ?? request.type;
  const qualified = parentType ? `${parentType}$${type}` : type;
  const prefix = `urn:pulumi:${alias.stack ?? stack}::${alias.project ?? project}`;
  return `${prefix}::${qualified}::${alias.name ?? request.name}`;
}
