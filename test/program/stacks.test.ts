// The repository's own stack files: every stack parses, plans clean (policies, readiness) and the standby and the
// shards stay in step with prod. This family and fleet.test.ts are the only tests that read the real Pulumi.*.yaml
// files; every other test renders the fixtures of test/fixtures/stacks.ts, so an operator's edit to a stack file
// (the README's procedures) is judged here, by the checks a pull-request preview runs, and nowhere else.
import { copyFileSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_POLICIES, READINESS_ITEMS } from "../../policies/rules";
import type { PlanDocument } from "../../tools/lib/plan";
import { PROJECT_ROOT, loadStackConfig } from "../helpers/render";
import { parseStackConfig, problemsOf } from "../helpers/config";
import { stackFileReader } from "../../program/stack-files";
import { runPlan, writeStackFile } from "../helpers/plan-cli";
import { exampleKeyOf, revealSecure } from "../helpers/stack-secrets";
import { readStackFile, stackConfigFromObject } from "@platform/offline-plan";
import { STACK_FIXTURES, type StackName, stackFixture } from "../fixtures/stacks";

type Obj = Record<string, any>;
const names = ALL_POLICIES.map((p) => p.name);
const repoStacks = readdirSync(PROJECT_ROOT)
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();

describe("the repository's stack files", () => {
  it("are all valid config", () => {
    expect(repoStacks).toEqual([
      "prod",
      "prod-dr",
      "prod-dr-tenants-a",
      "prod-dr-tenants-b",
      "prod-tenants-a",
      "prod-tenants-b",
      "staging",
    ]);
    for (const stack of repoStacks)
      expect(problemsOf(loadStackConfig(stack), stackFileReader(PROJECT_ROOT)), stack).toEqual([]);
  });

  it("the DR stacks take what they share with their primaries from the primaries' files, and hold no copy", () => {
    const read = stackFileReader(PROJECT_ROOT);
    const parse = (stack: string) => parseStackConfig(loadStackConfig(stack), read) as Obj;
    for (const [dr, primary, shared] of [
      ["prod-dr", "prod", ["workers", "jobs", "backups", "alerts", "monitoring", "tenants", "redis"]],
      ["prod-dr-tenants-a", "prod-tenants-a", ["workers", "backups", "alerts", "tenants", "redis"]],
      ["prod-dr-tenants-b", "prod-tenants-b", ["workers", "backups", "alerts", "tenants", "redis"]],
    ] as const) {
      const file = loadStackConfig(dr);
      for (const key of shared) {
        // prod-dr's tenants entries hold only its own ciphertext of prod's tenant secrets (compared below).
        if (!(dr === "prod-dr" && key === "tenants"))
          expect(file[`platform:${key}`], `${dr} sets platform:${key}`).toBeUndefined();
        expect(withoutCiphertexts(parse(dr)[key]), `${dr} ${key}`).toEqual(withoutCiphertexts(parse(primary)[key]));
      }
    }
    const { restore: _r, retainedInstances: _i, ...database } = parse("prod").database;
    expect(parse("prod-dr").database).toEqual({ ...database, retainedInstances: [] });
  });

  it("prod-dr's own ciphertext of prod's tenant secrets decrypts to the same values", async () => {
    // Each stack file has its own salt and each value a random nonce (pulumi/pulumi
    // sdk/go/common/resource/config/crypt.go): the same secret never has the same ciphertext twice.
    const [prodKey, drKey] = await Promise.all([exampleKeyOf("prod"), exampleKeyOf("prod-dr")]);
    const prod = revealSecure(prodKey, loadStackConfig("prod")) as Obj;
    const dr = revealSecure(drKey, loadStackConfig("prod-dr")) as Obj;
    const overlay = dr["platform:tenants"] as Obj[];
    expect(overlay.length).toBeGreaterThan(0);
    for (const entry of overlay) {
      const tenant = (prod["platform:tenants"] as Obj[]).find((t) => t.id === entry.id)!;
      for (const [name, connector] of Object.entries(entry.connectors as Obj))
        for (const [key, value] of Object.entries(connector as Obj))
          expect(value, `${entry.id} ${name}.${key}`).toEqual(tenant.connectors[name][key]);
    }
  });
});

/** `config` with every `secure:` ciphertext replaced by one placeholder: each file encrypts with its own salt. */
function withoutCiphertexts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCiphertexts);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === "secure") return { secure: "<ciphertext>" };
  return Object.fromEntries(entries.map(([k, v]) => [k, withoutCiphertexts(v)]));
}

describe("the fixtures the other tests render (test/fixtures/stacks.ts)", () => {
  it("are these files' config, key for key, apart from the secure: ciphertexts", () => {
    // Fixtures exist so an edit of a stack file breaks no unit test; this check makes the edit carry the fixture
    // along, so what the unit tests render never drifts from what the stacks deploy.
    expect(Object.keys(STACK_FIXTURES).sort()).toEqual(repoStacks);
    for (const stack of repoStacks)
      expect(withoutCiphertexts(stackFixture(stack as StackName)), stack).toEqual(
        withoutCiphertexts(loadStackConfig(stack)),
      );
  });
});

describe("the stack files as the offline plan reads them", () => {
  it("read the same through the plan's reader as through the tests' YAML parser", () => {
    // The offline plan reads the files with js-yaml's core schema (packages/offline-plan/src/stack-file.ts), the
    // tests with the yaml package: the same config, so tests and plans see one truth.
    for (const stack of repoStacks) {
      const path = join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
      expect(readStackFile(path, "platform"), stack).toEqual(stackConfigFromObject(loadStackConfig(stack), "platform"));
    }
  });
});

describe("planning the repository's stacks", () => {
  it.each(["prod", "staging"])(
    "%s plans with exit 0, policies evaluated, no mandatory violation and a readiness checklist",
    (stack) => {
      const run = runPlan(["--stack", stack]);
      expect(run.code).toBe(0);
      const plan = JSON.parse(readFileSync(join(run.outDir, "plan.json"), "utf8")) as PlanDocument;
      expect(plan.policy.evaluated).toBeGreaterThan(0);
      expect(plan.policy.policies).toEqual(expect.arrayContaining(names));
      expect(plan.policy.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
      const summary = readFileSync(join(run.outDir, "summary.md"), "utf8");
      for (const item of READINESS_ITEMS)
        expect(summary).toMatch(new RegExp(`^\\| ${item.item} \\| (✅ pass|❌ fail) \\| `, "m"));
    },
  );

  it("`npm run plan -- --stack prod-dr` exits 0 with no policy violation, standby and promoted", () => {
    const promoted = loadStackConfig("prod-dr") as Obj;
    Object.assign(promoted["platform:dr"], { role: "primary", regionAvailable: false });
    // The promoted file beside prod's, which it takes its shared sections from.
    const promotedFile = writeStackFile(promoted);
    copyFileSync(join(PROJECT_ROOT, "Pulumi.prod.yaml"), join(dirname(promotedFile), "Pulumi.prod.yaml"));
    for (const args of [
      ["--stack", "prod-dr"],
      ["--stack", "prod-dr", "--config", promotedFile],
    ]) {
      const run = runPlan(args);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain("0 mandatory violations");
    }
  });
});

describe("offline plan of the prod shards", () => {
  const resources = (run: { outDir: string }) =>
    JSON.parse(readFileSync(join(run.outDir, "plan.json"), "utf8")).resources;
  let shardB: ReturnType<typeof runPlan>;

  it("plans each prod shard with exit 0, resolving prod's outputs from its own offline plan, no unknowns", () => {
    for (const stack of ["prod-tenants-a", "prod-tenants-b"]) {
      const run = runPlan(["--stack", stack]);
      expect(run.code, run.stderr).toBe(0);
      const plan = readFileSync(join(run.outDir, "plan.json"), "utf8");
      expect(plan).not.toContain("[unknown]");
      expect(plan).toContain(`of acme-org/platform/prod`);
      shardB = run;
    }
  });

  it("--platform-plan reads the platform's outputs from its plan.json and plans the shard identically", () => {
    const prod = runPlan(["--stack", "prod"]);
    const fromPlan = runPlan(["--stack", "prod-tenants-b", "--platform-plan", join(prod.outDir, "plan.json")]);
    expect(fromPlan.code, fromPlan.stderr).toBe(0);
    expect(resources(fromPlan)).toEqual(resources(shardB));
    const wrong = runPlan(["--stack", "prod-tenants-b", "--platform-plan", join(shardB.outDir, "plan.json")]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('is the plan of stack "prod-tenants-b", not "prod"');
  });

  it("--diff works per shard: onboarding shows only the new tenant's resources", () => {
    const config = loadStackConfig("prod-tenants-b") as Obj;
    config["platform:tenants"].push({ id: "globo-gym", name: "Globo Gym", tier: "free" });
    const head = runPlan([
      "--stack",
      "prod-tenants-b",
      "--config",
      writeStackFile(config),
      "--diff",
      join(shardB.outDir, "plan.json"),
    ]);
    expect(head.code, head.stderr).toBe(0);
    expect(head.stdout).toContain("tenant-globo-gym");
    expect(head.stdout).not.toMatch(/tenant-(massive-dynamic|vandelay|dunder-mifflin)/);
  });
});
