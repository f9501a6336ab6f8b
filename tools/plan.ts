// The offline plan: runs the Pulumi program under the mock runtime with a stack's config, evaluates the policy
// pack, validates Kubernetes objects, and writes out/<stack>/ (contract: docs/architecture.md, "Contract: the
// offline plan"; the engine: packages/offline-plan).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, PlatformConfig, parsePlatformConfig, rawPlatformConfig } from "../config";
import { parseStackName } from "../config/tenancy";
import { TENANT_PLATFORM_OUTPUT, TENANT_PLATFORM_PASSWORD_OUTPUT } from "../program/wiring/shard";
import { exportJobsNamespace } from "../program/wiring/backups";
import { fleetPreview, validateFleet } from "./lib/fleet";
import { stackFileReader } from "../program/stack-files";
import { connectionBudget } from "../config/rules";
import { lifecycleNotes } from "../components/tenant/lifecycle";
import { deferredChangeNotes, pendingChangeNotes } from "../components/database/deferred";
import { ALL_POLICIES, DEFAULT_ENFORCEMENT, readinessReport } from "../policies/rules";
import {
  BasePlan,
  BasePlanError,
  ManifestChecks,
  PolicyPackConfig,
  REDACTED,
  StackFileError,
  StackOutputs,
  classify,
  previewMarkdown,
  previewStdout,
  readBasePlan,
  readProjectName,
  readStackFile,
  renderProgram,
  runPolicies,
} from "@platform/offline-plan";
import { restoreWindowWarning } from "../config/rules-time";
import { previousTenants, tierChangeProblems } from "../config/rules-move";
import { PlanDocument, buildPlanDocument } from "./lib/plan";
import { stdoutPreview, summaryMarkdown } from "./lib/summary";

/**
 * `PLAN_TIMINGS=1`: phase timings on stderr (for profiling the plan's own overhead; see npm run bench).
 * `PLAN_WORKER=0`: Kubernetes schema validation and manifest files in process instead of in a worker thread.
 */
const timings = process.env.PLAN_TIMINGS === "1";
const phase = (name: string) =>
  timings && console.error(`plan timing: ${name} ${(performance.now() / 1000).toFixed(2)} s`);
phase("modules loaded");

export const EXIT = { planned: 0, mandatoryViolation: 1, invalidConfig: 2, programError: 3 } as const;
const ROOT = resolve(__dirname, "..");

const USAGE = `usage: npm run plan -- --stack NAME [--config FILE] [--out DIR] [--diff OTHER/plan.json] [--fleet [--fleet-dir DIR]]
  --stack NAME     stack name; reads Pulumi.NAME.yaml from the project root unless --config is given
  --fleet          validate every stack file of the repo together (tenant ids, shard sizes, Redis users per fleet);
                   alone, or before planning --stack
  --fleet-dir DIR  the directory whose Pulumi.*.yaml files make the fleet (default: the project root)
  --platform-plan FILE  tenant shards: read the platform stack's outputs from its plan.json (planned before)
                   instead of planning it in this process, as the engine reads a StackReference
  --config FILE    any stack config file in the Pulumi.<stack>.yaml format
  --out DIR        output directory (default out/NAME)
  --diff FILE      a base plan.json: print what changes, as Markdown
exit: 0 planned · 1 mandatory policy violation(s), or a protected resource would be deleted or replaced
      · 2 invalid config or usage (a --diff base missing, unreadable, or of another project/stack) · 3 program error`;

class UsageError extends Error {}

function parseCli(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
      diff: { type: "string" },
      fleet: { type: "boolean" },
      "fleet-dir": { type: "string" },
      "platform-plan": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!values.stack && !values.fleet && values["fleet-dir"] === undefined)
    throw new UsageError("--stack (or --fleet) is required");
  return {
    fleet: values.fleet === true || values["fleet-dir"] !== undefined,
    fleetDir: resolve(values["fleet-dir"] ?? ROOT),
    stack: values.stack,
    configFile: resolve(values.config ?? join(ROOT, `Pulumi.${values.stack}.yaml`)),
    outDir: resolve(values.out ?? join(ROOT, "out", values.stack ?? "fleet")),
    diffBase: values.diff ? resolve(values.diff) : undefined,
    platformPlan: values["platform-plan"] ? resolve(values["platform-plan"]) : undefined,
  };
}

/** Policy pack config per environment (`policies/config/<environment>.json`), as passed to --policy-pack-config. */
function policyConfigFor(environment: string): PolicyPackConfig {
  const file = join(ROOT, "policies", "config", `${environment}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig) : {};
}

/** A failed plan leaves no plan.json behind, so nothing reads an earlier run's as this one's. */
const dropStalePlan = (outDir: string) => rmSync(join(outDir, "plan.json"), { force: true });

/** plan.json and summary.md (ManifestChecks writes manifests/ and prometheus-rules.yaml). */
function writeOutputs(outDir: string, plan: PlanDocument, markdown: string) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "plan.json"), `${JSON.stringify(plan, null, 2)}\n`);
  writeFileSync(join(outDir, "summary.md"), markdown);
}

/** Where the stack's tenant export Jobs run and write, for the offboarding notes. */
function exportNotes(config: PlatformConfig) {
  const namespace = exportJobsNamespace(config);
  return namespace ? { namespace, prefix: config.environment } : undefined;
}

/** The PostgreSQL connection budget of a stack that owns the data tier. */
function connectionNote(config: Parameters<typeof connectionBudget>[0]) {
  const budget = connectionBudget(config);
  return `PostgreSQL connections: ${budget.guaranteed} guaranteed (platform pool + dedicated tenants) and ${budget.pooledCaps} pooled caps against max_connections ${budget.maxConnections}; overcommit ratio ${budget.overcommitRatio.toFixed(2)}`;
}

/**
 * A platform stack's outputs from its plan.json: secret values are "[secret]" there, so the outputs that hold one are
 * marked secret and the shard's plan shows them redacted, as it would anyway.
 */
function outputsOfPlan(file: string, stack: string, key: string): StackOutputs {
  if (!existsSync(file))
    throw new ReferenceError_(`${key}: --platform-plan ${file}: no such plan.json (plan the platform stack first)`);
  const plan = JSON.parse(readFileSync(file, "utf8")) as PlanDocument;
  if (plan.stack !== stack)
    throw new ReferenceError_(`${key}: --platform-plan ${file} is the plan of stack "${plan.stack}", not "${stack}"`);
  return {
    outputs: plan.outputs,
    secretOutputNames: Object.keys(plan.outputs).filter((k) =>
      JSON.stringify(plan.outputs[k]).includes(JSON.stringify(REDACTED)),
    ),
  };
}

/** A config problem of the referenced stack (exit 2), as opposed to a failure of its program (exit 3). */
class ReferenceError_ extends Error {}

/**
 * For a tenant shard: finds the platform stack's file (`<org>/<project>/<stack>` → Pulumi.<stack>.yaml beside the
 * shard's file, else in the project root), renders it and returns its outputs keyed by the reference name.
 */
async function resolvePlatformReference(
  config: PlatformConfig,
  configFile: string,
  project: string,
  platformPlan?: string,
) {
  if (config.tenancy.role !== "shard") return undefined;
  const name = config.tenancy.platformStack!;
  const target = parseStackName(name);
  const key = `platform:tenancy.platformStack = "${name}"`;
  if (target.project !== project)
    throw new ReferenceError_(
      `${key}: names project "${target.project}"; shards reference a stack of this project (${project})`,
    );
  const checked = (file: string, outputs: StackOutputs) => {
    const missing = [TENANT_PLATFORM_OUTPUT, TENANT_PLATFORM_PASSWORD_OUTPUT].filter((k) => !(k in outputs.outputs));
    if (missing.length > 0)
      throw new ReferenceError_(
        `${key}: ${file} has no output ${missing.join(", ")} (a plan made before tenant shards existed? plan the platform stack again)`,
      );
    return { file, outputs: { [name]: outputs } };
  };
  if (platformPlan) return checked(platformPlan, outputsOfPlan(platformPlan, target.stack, key));
  const file = [dirname(configFile), ROOT]
    .map((dir) => join(dir, `Pulumi.${target.stack}.yaml`))
    .find((f) => existsSync(f));
  if (!file)
    throw new ReferenceError_(
      `${key}: no stack file Pulumi.${target.stack}.yaml beside ${basename(configFile)} or in the project root; the offline plan reads the platform stack from it`,
    );
  let platformConfig;
  try {
    platformConfig = readStackFile(file, project);
    const { raw, awsRegion } = rawPlatformConfig(platformConfig.config);
    const parsed = parsePlatformConfig(raw, awsRegion, {
      secretKeys: platformConfig.secretKeys,
      readStack: stackFileReader(dirname(file)),
    });
    if (parsed.tenancy.role === "shard")
      throw new ReferenceError_(`${key}: ${file} is itself a tenant shard; reference the platform stack`);
  } catch (error) {
    if (error instanceof ReferenceError_) throw error;
    throw new ReferenceError_(`${key}: the platform stack ${file} is invalid: ${(error as Error).message}`);
  }
  const program = require(join(ROOT, "index.ts")) as () => Promise<unknown>;
  const rendered = await renderProgram(program, { project, stack: target.stack, ...platformConfig });
  return checked(file, rendered.stackOutputs);
}

export async function main(argv: string[]): Promise<number> {
  let cli;
  try {
    cli = parseCli(argv);
  } catch (error) {
    console.error(`plan: ${(error as Error).message}\n${USAGE}`);
    return EXIT.invalidConfig;
  }
  const project = readProjectName(join(ROOT, "Pulumi.yaml"));
  if (cli.fleet) {
    const report = validateFleet(cli.fleetDir, project);
    for (const problem of report.problems) console.error(`fleet: ${problem.message}`);
    console.log(fleetPreview(report));
    if (report.problems.length > 0) return EXIT.invalidConfig;
  }
  if (cli.stack === undefined) return EXIT.planned;
  // Started first: the worker loads the schema validators while this thread reads the config and runs the program.
  const checks = new ManifestChecks(process.env.PLAN_WORKER !== "0");
  try {
    return await planFromStackFile(cli, project, cli.stack, checks);
  } finally {
    checks.close();
  }
}

/** Reads and validates the stack file, resolves a shard's platform reference, then plans the stack. */
async function planFromStackFile(
  cli: ReturnType<typeof parseCli>,
  project: string,
  stack: string,
  checks: ManifestChecks,
): Promise<number> {
  if (!existsSync(cli.configFile)) {
    console.error(
      `plan: no stack config file ${cli.configFile} (create Pulumi.${cli.stack}.yaml or pass --config FILE)`,
    );
    dropStalePlan(cli.outDir);
    return EXIT.invalidConfig;
  }
  let stackConfig;
  let config;
  try {
    stackConfig = readStackFile(cli.configFile, project);
    const { raw, awsRegion } = rawPlatformConfig(stackConfig.config);
    config = parsePlatformConfig(raw, awsRegion, {
      secretKeys: stackConfig.secretKeys,
      readStack: stackFileReader(dirname(cli.configFile)),
    });
  } catch (error) {
    console.error(`plan: ${error instanceof StackFileError ? "" : `${cli.configFile}: `}${(error as Error).message}`);
    if (!(error instanceof ConfigError) && !(error instanceof StackFileError))
      console.error("plan: the file is not valid YAML in the Pulumi.<stack>.yaml format");
    dropStalePlan(cli.outDir);
    return EXIT.invalidConfig;
  }

  // The program reads a DR stack's primary file where this stack file is (program/stack-files.ts).
  process.env.PLATFORM_STACK_DIR ??= dirname(cli.configFile);
  const restoreWarning = restoreWindowWarning(config, new Date());
  if (restoreWarning) console.error(`plan: warning: ${restoreWarning}`);

  // A tenant shard reads the platform stack's outputs: render that stack first, in this process (offline, faithful).
  let platformReference: Awaited<ReturnType<typeof resolvePlatformReference>>;
  try {
    platformReference = await resolvePlatformReference(config, cli.configFile, project, cli.platformPlan);
  } catch (error) {
    console.error(`plan: ${cli.configFile}: ${(error as Error).message}`);
    dropStalePlan(cli.outDir);
    return error instanceof ReferenceError_ ? EXIT.invalidConfig : EXIT.programError;
  }

  let base: BasePlan | undefined;
  try {
    base = cli.diffBase ? readBasePlan(cli.diffBase, project, stack) : undefined;
  } catch (error) {
    if (!(error instanceof BasePlanError)) throw error;
    console.error(`plan: ${error.message}`);
    dropStalePlan(cli.outDir);
    return EXIT.invalidConfig;
  }
  // Against the previous plan: a tier change across isolation models needs a move, taken one step at a time.
  const moveProblems = base
    ? tierChangeProblems(config.tenants, previousTenants((base as { outputs?: unknown }).outputs))
    : [];
  if (moveProblems.length > 0) {
    console.error(`plan: ${cli.configFile}: ${new ConfigError(moveProblems).message}`);
    dropStalePlan(cli.outDir);
    return EXIT.invalidConfig;
  }

  phase("platform reference resolved");
  return planStack(cli, { project, stack, stackConfig, config, platformReference, checks, base });
}

/** Renders the stack (its Kubernetes objects checked as they come), evaluates the pack and writes out/<stack>/. */
async function planStack(
  cli: ReturnType<typeof parseCli>,
  args: {
    project: string;
    stack: string;
    stackConfig: ReturnType<typeof readStackFile>;
    config: PlatformConfig;
    platformReference: Awaited<ReturnType<typeof resolvePlatformReference>>;
    checks: ManifestChecks;
    base?: BasePlan;
  },
): Promise<number> {
  const { project, stack, config, platformReference, checks, base } = args;
  let rendered;
  try {
    const program = require(join(ROOT, "index.ts")) as () => Promise<unknown>;
    rendered = await renderProgram(program, {
      project,
      stack,
      ...args.stackConfig,
      stackReferences: platformReference?.outputs,
      onRecord: checks.add,
    });
  } catch (error) {
    console.error(`plan: the program failed: ${(error as Error).stack ?? String(error)}`);
    dropStalePlan(cli.outDir);
    return EXIT.programError;
  }

  phase("program rendered");
  // The worker validates and writes the manifests while this thread evaluates the policy pack.
  const schemaReport = checks.finish(cli.outDir);
  schemaReport.catch(() => undefined); // awaited below; not an unhandled rejection while the policies run
  const policy = await runPolicies(ALL_POLICIES, rendered.resources, {
    defaultEnforcementLevel: DEFAULT_ENFORCEMENT,
    config: policyConfigFor(config.environment),
  });
  phase("policies evaluated");
  const schema = { validated: checks.manifests.length, ...(await schemaReport) };
  phase("schema validated, manifests written");
  const baseResources = base?.resources;
  const notes = [
    ...(baseResources && config.tenancy.role !== "shard"
      ? pendingChangeNotes(baseResources, rendered.resources, config.database)
      : []),
    ...(config.tenancy.role === "shard"
      ? [
          `tenant shard "${config.tenancy.shard}" of ${config.tenancy.platformStack}: ${config.tenants.length} of at most ${config.tenancy.maxTenantsPerShard} tenants; data tier read from that stack's outputs (${platformReference?.file ?? "?"})`,
        ]
      : [connectionNote(config), ...deferredChangeNotes(config.database)]),
    ...lifecycleNotes(config.tenants, exportNotes(config)),
    ...schema.unvalidated.map((u) => `not schema-validated: ${u.object} (${u.message})`),
  ];
  const plan = buildPlanDocument({
    project,
    stack,
    environment: config.environment,
    resources: rendered.resources,
    outputs: rendered.outputs,
    policy,
    schema,
    notes,
  });

  // What `pulumi up` would do from the base plan's state: each step classified by the providers' replace rules.
  const changes = base ? classify(base.resources, plan.resources) : undefined;
  const preview = changes && previewMarkdown(changes, `Changes against ${cli.diffBase}`);
  const readiness = readinessReport(plan.policy, Object.keys(plan.summary.byType));
  writeOutputs(cli.outDir, plan, summaryMarkdown(plan, { preview, readiness }));
  phase("outputs written");
  console.log(stdoutPreview(plan, cli.outDir, changes && previewStdout(changes, cli.diffBase!)));
  if (preview) console.log(`\n${preview}`);
  for (const v of plan.policy.violations.filter((x) => x.enforcementLevel === "mandatory")) {
    console.error(`mandatory policy violation [${v.policy}] ${v.urn ?? "stack"}: ${v.message}`);
  }
  for (const s of changes?.refused ?? []) console.error(`refused: ${s.refused}`);
  const refused = (changes?.refused.length ?? 0) > 0;
  return plan.summary.mandatoryViolations > 0 || refused ? EXIT.mandatoryViolation : EXIT.planned;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`plan: ${(error as Error).stack ?? String(error)}`);
      process.exit(EXIT.programError);
    },
  );
}
