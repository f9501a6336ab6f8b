// The policy mistake cases (plan-mistakes.test.ts) and the resource options the engine never sends, under the real
// analyzer protocol: the served pack must block exactly what the offline runner blocks, so a pull request the
// offline plan passes is not blocked by `pulumi preview --policy-pack`, and the reverse.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_POLICIES, DEFAULT_ENFORCEMENT } from "../../policies/rules";
import { PolicyPackConfig, runPolicies } from "@platform/offline-plan";
import type { RecordedResource } from "@platform/offline-plan";
import { stackConfigFromObject } from "@platform/offline-plan";
import { PROJECT_ROOT, renderStack } from "../helpers/render";
import { resource } from "../helpers/recorded";
import {
  PackServer,
  PolicyInfo,
  analyzeAsEngine,
  analyzerInfo,
  configure,
  reconcile,
  sorted,
  startPack,
} from "./analyzer-client";
import * as stacks from "../fixtures/stacks";

type Config = Record<string, any>;
const PRODUCTION = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "policies/config/production.json"), "utf8"),
) as PolicyPackConfig;

let pack: PackServer;
let policies: PolicyInfo[];
const prod = stackConfigFromObject(stacks.production(), "platform");

beforeAll(async () => {
  pack = await startPack({ project: "platform", stack: "prod", config: prod.config });
  const info = await analyzerInfo(pack);
  policies = info.policies;
  await configure(
    pack,
    { project: "platform", stack: "prod", ...prod },
    reconcile(policies, info.initialConfig, PRODUCTION),
  );
}, 120_000);
afterAll(() => pack?.stop());

const offline = async (resources: RecordedResource[]) =>
  sorted(
    (await runPolicies(ALL_POLICIES, resources, { defaultEnforcementLevel: DEFAULT_ENFORCEMENT, config: PRODUCTION }))
      .violations,
  );

// The same mistakes as plan-mistakes.test.ts, each valid config but unsafe.
const mistakes: Array<[string, (config: Config) => void, string]> = [
  [
    "Multi-AZ off",
    (c) => Object.assign(c["platform:database"], { multiAz: false, allowSingleAz: true, singleAzReason: "pilot cost" }),
    "rds-multi-az",
  ],
  ["backup retention of 1 day", (c) => (c["platform:database"].backupRetentionDays = 1), "rds-backup-retention"],
  ["deletion protection off", (c) => (c["platform:database"].deletionProtection = false), "rds-deletion-protection"],
  ["backups not replicated", (c) => (c["platform:backups"].replicateToDr = false), "backup-bucket-replication"],
  [
    "a :latest worker image",
    (c) => (c["platform:workers"].default.image = "ghcr.io/acme/worker:latest"),
    "kubernetes-image-tag",
  ],
  [
    "an untagged worker image",
    (c) => (c["platform:workers"].reports.image = "ghcr.io/acme/worker"),
    "kubernetes-image-tag",
  ],
];

describe("policy mistakes under the analyzer protocol", () => {
  it.each(mistakes.map(([what, change, policy]) => [what, policy, change] as const))(
    "%s: the served pack reports exactly the offline runner's violations (%s)",
    async (_what, policy, change) => {
      const config = stacks.production();
      change(config);
      const { resources } = await renderStack(config, { stack: "prod" });
      const served = await analyzeAsEngine(pack, policies, resources);
      const expected = await offline(resources);
      expect(expected.map((v) => v.policy)).toContain(policy);
      expect(sorted(served.violations)).toEqual(expected);
      expect(served.cannotRun).toEqual([]);
    },
  );
});

describe("resource options the engine does not send", () => {
  it("retainOnDelete is not protection: a retained but unprotected production database is blocked both ways", async () => {
    const retained = resource(
      "aws:rds/instance:Instance",
      "platform-db",
      {
        engine: "postgres",
        deletionProtection: true,
        multiAz: true,
        backupRetentionPeriod: 30,
        storageEncrypted: true,
      },
      { retainOnDelete: true, protect: false },
    );
    const served = sorted((await analyzeAsEngine(pack, policies, [retained])).violations);
    const expected = await offline([retained]);
    expect(served.map((v) => v.policy)).toContain("stateful-resources-protected");
    expect(served).toEqual(expected);
  });
});
