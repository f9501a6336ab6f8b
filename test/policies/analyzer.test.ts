// The policy pack under the real analyzer protocol (test/policies/analyzer-client.ts says what each step mirrors)
// must find exactly what the offline plan's runner finds, for every kind of stack: otherwise the offline plan would
// promise a check `pulumi preview --policy-pack policies` does not make, or miss one it makes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_POLICIES, DEFAULT_ENFORCEMENT } from "../../policies/rules";
import { PolicyPackConfig, runPolicies } from "@platform/offline-plan";
import type { RecordedResource } from "@platform/offline-plan";
import { stackConfigFromObject } from "@platform/offline-plan";
import { PROJECT_ROOT, platformReference, renderStack } from "../helpers/render";
import {
  PACK_DIR,
  PackServer,
  PolicyInfo,
  analyzeAsEngine,
  analyzerInfo,
  configure,
  pluginVersion,
  reconcile,
  sorted,
  startPack,
} from "./analyzer-client";
import * as stacks from "../fixtures/stacks";

const packConfig = (environment: string) =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, "policies/config", `${environment}.json`), "utf8")) as PolicyPackConfig;

let pack: PackServer;
let policies: PolicyInfo[];
let initialConfig: PolicyPackConfig;
const prod = stackConfigFromObject(stacks.production(), "platform");

beforeAll(async () => {
  pack = await startPack({ project: "platform", stack: "prod", config: prod.config });
  ({ policies, initialConfig } = await analyzerInfo(pack));
}, 120_000);
afterAll(() => pack?.stop());

/** The offline runner and the served pack on the same resources, configured for the stack's environment. */
async function bothWays(stack: stacks.StackName, resources: RecordedResource[]) {
  const raw = stacks.stackFixture(stack);
  const environment = String(raw["platform:environment"]);
  const { config, secretKeys } = stackConfigFromObject(raw, "platform");
  const offline = await runPolicies(ALL_POLICIES, resources, {
    defaultEnforcementLevel: DEFAULT_ENFORCEMENT,
    config: packConfig(environment),
  });
  await configure(
    pack,
    { project: "platform", stack, config, secretKeys },
    reconcile(policies, initialConfig, packConfig(environment)),
  );
  const served = await analyzeAsEngine(pack, policies, resources);
  return { offline: sorted(offline.violations), served: sorted(served.violations), cannotRun: served.cannotRun };
}

describe("the policy pack served as the Pulumi CLI runs it", () => {
  it("starts from PulumiPolicy.yaml's runtime and entry and answers GetAnalyzerInfo and GetPluginInfo", async () => {
    const yaml = readFileSync(join(PACK_DIR, "PulumiPolicy.yaml"), "utf8");
    expect(yaml).toMatch(/runtime:\n  name: nodejs\n  options:\n    typescript: true/);
    const info = await analyzerInfo(pack);
    expect(info.name).toBe("platform-policies");
    expect(info.policies.map((p) => p.name).sort()).toEqual(ALL_POLICIES.map((p) => p.name).sort());
    expect(info.policies.every((p) => p.enforcementLevel === "mandatory")).toBe(true);
    const sdk = JSON.parse(readFileSync(join(PACK_DIR, "node_modules/@pulumi/policy/package.json"), "utf8")).version;
    expect(await pluginVersion(pack)).toBe(sdk.replace(/^v/, ""));
  });

  it.each(["prod", "staging", "prod-dr"] as const)("%s: the same violations as the offline runner", async (stack) => {
    const { resources } = await renderStack(stacks.stackFixture(stack), { stack });
    const { offline, served, cannotRun } = await bothWays(stack, resources);
    expect(cannotRun).toEqual([]);
    expect(served).toEqual(offline);
  });

  it("a tenant shard: the same violations as the offline runner", async () => {
    const { resources } = await renderStack(stacks.productionShard("a"), {
      stack: "prod-tenants-a",
      stackReferences: await platformReference(stacks.production()),
    });
    const { offline, served } = await bothWays("prod-tenants-a", resources);
    expect(served).toEqual(offline);
  });
});
