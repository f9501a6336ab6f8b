// The policy pack as the Pulumi CLI runs it, driven over the analyzer protocol. What each step mirrors:
// - start: pulumi-language-nodejs RunPlugin (sdk/nodejs/cmd/pulumi-language-nodejs/main.go): `node
//   <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine address> <pack dir>`, cwd the pack dir, with
//   PULUMI_NODEJS_TYPESCRIPT (PulumiPolicy.yaml `typescript: true`) and the stack's PULUMI_NODEJS_PROJECT/STACK/
//   DRY_RUN/PULUMI_CONFIG; the pack's gRPC server prints its port (@pulumi/policy server.js serve()).
// - configure: pkg/resource/plugin/analyzer_plugin.go (ConfigureStack, then Configure with the config the engine
//   reconciled: pkg/resource/analyzer/config.go ReconcilePolicyPackConfig = each policy's level and schema defaults,
//   then the pack's initial config, then the --policy-pack-config file, "all" first).
// - analyze: pkg/resource/deploy/step_generator.go: Analyze per resource with its inputs and AnalyzerResourceOptions
//   (protect, ignoreChanges, deleteBeforeReplace, additionalSecretOutputs, aliases, customTimeouts, parent: no
//   retainOnDelete, no dependencies), properties marshalled KeepUnknowns + KeepSecrets; AnalyzeStack once with
//   every resource's parent, dependencies and property dependencies.
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PolicyPackConfig, PolicyViolation } from "@platform/offline-plan";
import type { RecordedResource } from "@platform/offline-plan";
import { PROJECT_ROOT } from "../helpers/render";

export const PACK_DIR = join(PROJECT_ROOT, "policies");
/** The wire forms of an unknown and a secret (sdk/go/common/resource/plugin/rpc.go, sig.Secret). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const; // analyzer.proto EnforcementLevel
type Level = (typeof LEVELS)[number];
const levelNumber = (level: Level) => LEVELS.indexOf(level) as analyzerPb.EnforcementLevel;

export interface PackServer {
  client: analyzerGrpc.AnalyzerClient;
  stop(): void;
}

/** Starts the pack the way the CLI does and connects to the port it prints. */
export async function startPack(stack: { project: string; stack: string; config: Record<string, string> }) {
  const runPolicyPack = createRequire(join(PACK_DIR, "index.ts")).resolve("@pulumi/pulumi/cmd/run-policy-pack");
  const child: ChildProcess = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", PACK_DIR], {
    cwd: PACK_DIR,
    env: {
      ...process.env,
      PULUMI_NODEJS_TYPESCRIPT: "true",
      PULUMI_NODEJS_PROJECT: stack.project,
      PULUMI_NODEJS_STACK: stack.stack,
      PULUMI_NODEJS_DRY_RUN: "true",
      PULUMI_CONFIG: JSON.stringify(stack.config),
      // ts-node's compile cache (in the temp dir) would hide a compile error of an unchanged file; a fresh CI
      // machine has none, so neither does this test.
      TS_NODE_CACHE: "false",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      const line = /^(\d+)\s*$/m.exec(stdout);
      if (line) resolve(Number(line[1]));
    });
    child.on("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving:\n${stderr}`)));
  });
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": 400 * 1024 * 1024,
  });
  return { client, stop: () => (client.close(), child.kill()) } satisfies PackServer;
}

const call = <Req, Res>(client: PackServer["client"], method: string, request: Req): Promise<Res> =>
  new Promise((resolve, reject) =>
    (client as any)[method](request, (error: Error | null, response: Res) =>
      error ? reject(error) : resolve(response),
    ),
  );

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: Level;
  /** `default` of each config schema property. */
  defaults: Record<string, unknown>;
}

export async function analyzerInfo(pack: PackServer) {
  const info = await call<Empty, analyzerPb.AnalyzerInfo>(pack.client, "getAnalyzerInfo", new Empty());
  const policies: PolicyInfo[] = info.getPoliciesList().map((p) => {
    const properties = (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, any>;
    const defaults = Object.fromEntries(
      Object.entries(properties)
        .filter(([, schema]) => schema && "default" in schema)
        .map(([key, schema]) => [key, schema.default]),
    );
    return {
      name: p.getName(),
      description: p.getDescription(),
      enforcementLevel: LEVELS[p.getEnforcementlevel()],
      defaults,
    };
  });
  const initialConfig: PolicyPackConfig = {};
  info.getInitialconfigMap().forEach((value, key) => {
    initialConfig[key] = {
      enforcementLevel: LEVELS[value.getEnforcementlevel()],
      ...(value.getProperties()?.toJavaScript() ?? {}),
    };
  });
  return { name: info.getName(), version: info.getVersion(), policies, initialConfig };
}

export async function pluginVersion(pack: PackServer): Promise<string> {
  return (await call<Empty, { getVersion(): string }>(pack.client, "getPluginInfo", new Empty())).getVersion();
}

type Reconciled = Record<string, { enforcementLevel: Level; properties: Record<string, unknown> }>;

/** pkg/resource/analyzer/config.go ReconcilePolicyPackConfig (defaults, then initial config, then the file). */
export function reconcile(policies: PolicyInfo[], ...configs: PolicyPackConfig[]): Reconciled {
  const result: Reconciled = Object.fromEntries(
    policies.map((p) => [p.name, { enforcementLevel: p.enforcementLevel, properties: { ...p.defaults } }]),
  );
  for (const config of configs) {
    const parsed = Object.entries(config).map(([name, value]) => {
      if (typeof value === "string") return [name, value as Level, {}] as const;
      const { enforcementLevel, ...properties } = value;
      return [name, enforcementLevel as Level | undefined, properties] as const;
    });
    const all = parsed.find(([name]) => name === "all");
    if (all?.[1]) for (const entry of Object.values(result)) entry.enforcementLevel = all[1];
    for (const [name, level, properties] of parsed) {
      const entry = (result[name] ??= { enforcementLevel: undefined as never, properties: {} });
      if (level) entry.enforcementLevel = level;
      Object.assign(entry.properties, properties);
    }
  }
  return result;
}

export async function configure(
  pack: PackServer,
  stack: { project: string; stack: string; config: Record<string, string>; secretKeys: string[] },
  policyConfig: Reconciled,
) {
  const stackRequest = new analyzerPb.AnalyzerStackConfigureRequest()
    .setProject(stack.project)
    .setStack(stack.stack)
    .setOrganization("organization")
    .setDryRun(true)
    .setConfigSecretKeysList(stack.secretKeys);
  for (const [key, value] of Object.entries(stack.config)) stackRequest.getConfigMap().set(key, value);
  await call(pack.client, "configureStack", stackRequest);
  const request = new analyzerPb.ConfigureAnalyzerRequest();
  for (const [name, { enforcementLevel, properties }] of Object.entries(policyConfig)) {
    const entry = new analyzerPb.PolicyConfig()
      .setEnforcementlevel(levelNumber(enforcementLevel))
      .setProperties(Struct.fromJavaScript(properties as never));
    request.getPolicyconfigMap().set(name, entry);
  }
  await call(pack.client, "configure", request);
}

/** Recorded inputs in their wire form: "[secret]" placeholders as secrets, "[unknown]" as the unknown sentinel. */
function wireValue(value: unknown): unknown {
  if (value === "[secret]") return { ...SECRET_SIG, value };
  if (value === "[unknown]") return UNKNOWN;
  if (Array.isArray(value)) return value.map(wireValue);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !key.startsWith("__")) // SkipInternalKeys
        .map(([key, v]) => [key, wireValue(v)]),
    );
  return value;
}

function options(resource: RecordedResource) {
  return new analyzerPb.AnalyzerResourceOptions()
    .setProtect(resource.protect)
    .setIgnorechangesList([])
    .setAdditionalsecretoutputsList(resource.additionalSecretOutputs ?? [])
    .setAliasesList([])
    .setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts())
    .setParent(resource.parent ?? "");
}

export interface Analyzed {
  violations: PolicyViolation[];
  /** "can't run <policy> during preview" diagnostics: a property it read was unknown. */
  cannotRun: string[];
}

/**
 * The engine attributes a resource policy's diagnostic to the analyzed resource (analyze_snapshot.go
 * analyzeResource: events.OnPolicyViolation(r.URN, d)); a stack policy's to the URN it names (else the stack).
 */
function collect(
  into: Analyzed,
  descriptions: Map<string, string>,
  response: analyzerPb.AnalyzeResponse,
  analyzedUrn?: string,
) {
  for (const d of response.getDiagnosticsList()) {
    const message = d.getMessage();
    if (/^can't run policy '[^']+' from policy pack .* during preview/.test(message)) {
      into.cannotRun.push(`${d.getPolicyname()} ${d.getUrn()}`);
      continue;
    }
    // The server reports "<description>\n<message>" (@pulumi/policy server.js makeReportViolationFun).
    const description = descriptions.get(d.getPolicyname()) ?? "";
    into.violations.push({
      policy: d.getPolicyname(),
      enforcementLevel: LEVELS[d.getEnforcementlevel()],
      urn: analyzedUrn ?? (d.getUrn() || undefined),
      message: message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message,
    });
  }
}

/**
 * A preview as the engine runs the analyzers: Analyze for every resource in registration order, then AnalyzeStack.
 * `unknown(resource, property)` says which input properties are still unknown (a first preview).
 */
export async function analyzeAsEngine(
  pack: PackServer,
  policies: PolicyInfo[],
  resources: readonly RecordedResource[],
  unknown: (resource: RecordedResource, property: string) => boolean = () => false,
): Promise<Analyzed> {
  const descriptions = new Map(policies.map((p) => [p.name, p.description]));
  const properties = (r: RecordedResource) =>
    Struct.fromJavaScript(
      wireValue(
        Object.fromEntries(Object.entries(r.inputs).map(([key, value]) => [key, unknown(r, key) ? UNKNOWN : value])),
      ) as never,
    );
  const result: Analyzed = { violations: [], cannotRun: [] };
  for (const r of resources) {
    const request = new analyzerPb.AnalyzeRequest()
      .setUrn(r.urn)
      .setType(r.type)
      .setName(r.name)
      .setProperties(properties(r))
      .setOptions(options(r));
    collect(result, descriptions, await call(pack.client, "analyze", request), r.urn);
  }
  const stackRequest = new analyzerPb.AnalyzeStackRequest().setResourcesList(
    resources.map((r) => {
      const resource = new analyzerPb.AnalyzerResource()
        .setUrn(r.urn)
        .setType(r.type)
        .setName(r.name)
        .setProperties(properties(r))
        .setOptions(options(r))
        .setParent(r.parent ?? "")
        .setDependenciesList(r.dependsOn);
      for (const [key, urns] of Object.entries(r.propertyDependencies ?? {}))
        if (urns.length > 0)
          resource
            .getPropertydependenciesMap()
            .set(key, new analyzerPb.AnalyzerPropertyDependencies().setUrnsList(urns));
      return resource;
    }),
  );
  collect(result, descriptions, await call(pack.client, "analyzeStack", stackRequest));
  return result;
}

/** Violations in one comparable order. */
export const sorted = (violations: readonly PolicyViolation[]) =>
  violations
    .map(({ policy, enforcementLevel, urn, message }) => ({ policy, enforcementLevel, urn, message }))
    .sort((a, b) => `${a.policy} ${a.urn} ${a.message}`.localeCompare(`${b.policy} ${b.urn} ${b.message}`));
