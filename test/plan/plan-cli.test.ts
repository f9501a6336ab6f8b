import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runPlan, writeStackFile } from "../helpers/plan-cli";
import type { PlanDocument } from "../../tools/lib/plan";
import * as stacks from "../fixtures/stacks";

const readPlan = (outDir: string) => JSON.parse(readFileSync(join(outDir, "plan.json"), "utf8")) as PlanDocument;

// The stacks are the fixtures (test/fixtures/stacks.ts) written to files; reading Pulumi.<stack>.yaml when no
// --config is given is exercised by test/program/stacks.test.ts on the real files, and by "no-such-stack" below.
const prodFile = () => writeStackFile(stacks.production());

describe("npm run plan (offline plan contract)", () => {
  it("plans prod: exit 0, a readable preview, and every file of the contract", () => {
    const run = runPlan(["--stack", "prod", "--config", prodFile()]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Plan platform\/prod \(production\): \d+ resources, 8 tenants/m);
    const plan = readPlan(run.outDir);
    expect(plan).toMatchObject({ project: "platform", stack: "prod" });
    expect(plan.summary.resourceCount).toBe(plan.resources.length);
    expect(Object.keys(plan.summary.tenants).sort()).toEqual([
      "acme",
      "globex",
      "hooli",
      "initech",
      "piedpiper",
      "stark-labs",
      "umbrella",
      "wayne-ent",
    ]);
    expect(plan.policy.evaluated).toBeGreaterThan(0);
    for (const r of plan.resources) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(["urn", "type", "name", "parent", "protect", "retainOnDelete", "dependsOn", "inputs"]),
      );
    }
    const namespace = parse(readFileSync(join(run.outDir, "manifests/_cluster/namespace-platform.yaml"), "utf8"));
    expect(namespace).toMatchObject({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "platform", labels: { "app.kubernetes.io/part-of": "platform" } },
    });
    expect(parse(readFileSync(join(run.outDir, "prometheus-rules.yaml"), "utf8"))).toHaveProperty("groups");
    expect(readFileSync(join(run.outDir, "summary.md"), "utf8")).toMatch(
      /^# Offline plan: platform \/ prod \(production\)/,
    );
  });

  it("plans staging with exit 0", () => {
    const run = runPlan(["--stack", "staging", "--config", writeStackFile(stacks.staging())]);
    expect(run.code).toBe(0);
    expect(readPlan(run.outDir).environment).toBe("staging");
  });

  it("exits 2 on a bad config file, names the keys on stderr and writes no plan", () => {
    const config = stacks.production();
    (config["platform:tenants"] as Array<Record<string, unknown>>)[3].tier = "gold";
    (config["platform:database"] as Record<string, unknown>).backupRetentionDays = 90;
    const run = runPlan(["--stack", "bad", "--config", writeStackFile(config)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('platform:tenants[3].tier = "gold": allowed: "free", "standard", "enterprise"');
    expect(run.stderr).toContain("platform:database.backupRetentionDays = 90: must be at most 35");
    expect(existsSync(join(run.outDir, "plan.json"))).toBe(false);
    expect(readdirSync(run.outDir)).toEqual([]);
  });

  it("exits 2 when the stack file does not exist", () => {
    const run = runPlan(["--stack", "no-such-stack"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Pulumi.no-such-stack.yaml");
  });

  it("--diff shows exactly the resources of an onboarded tenant", () => {
    const base = runPlan(["--stack", "prod", "--config", prodFile()]);
    const config = stacks.production();
    (config["platform:tenants"] as unknown[]).push({ id: "soylent", name: "Soylent", tier: "standard" });
    const head = runPlan([
      "--stack",
      "prod",
      "--config",
      writeStackFile(config),
      "--diff",
      join(base.outDir, "plan.json"),
    ]);
    expect(head.code).toBe(0);
    const added = readPlan(head.outDir).summary.tenants.soylent.resources;
    expect(added.length).toBeGreaterThan(0);
    for (const urn of added) {
      const [type, name] = urn.split("::").slice(-2);
      expect(head.stdout).toContain(`\`+ create\` \`${type.split("$").pop()}\` \`${name}\``);
    }
    // pulumi's summary wording (pkg/backend/display/diff.go): "+ N to create", nothing else changes.
    expect(head.stdout).toMatch(
      new RegExp(`^\\*\\*Resources: \\+ ${added.length} to create · \\d+ unchanged\\*\\*$`, "m"),
    );
    expect(head.stdout).not.toMatch(/to delete|to replace|Refused/);
  });
});
