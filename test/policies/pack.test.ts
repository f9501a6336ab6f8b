import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_POLICIES, READINESS_ITEMS, readinessReport } from "../../policies/rules";
import { runPolicies } from "@platform/offline-plan";
import { packConfig, resource } from "./fixtures";

const ENVIRONMENTS = ["production", "staging", "development"];
const names = ALL_POLICIES.map((p) => p.name);

describe("the policy pack", () => {
  it("lists uniquely named, kebab-case, described policies", () => {
    expect(new Set(names).size).toBe(names.length);
    for (const policy of ALL_POLICIES) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.description?.length).toBeGreaterThan(20);
    }
  });

  it("documents every policy in policies/README.md", () => {
    const readme = readFileSync(join(__dirname, "../../policies/README.md"), "utf8");
    for (const name of names) expect(readme).toContain(`| \`${name}\` |`);
  });

  it.each(ENVIRONMENTS)(
    "policies/config/%s.json names real policies, declared properties, and its own environment",
    (environment) => {
      const config = packConfig(environment);
      for (const [policyName, entry] of Object.entries(config)) {
        const policy = ALL_POLICIES.find((p) => p.name === policyName);
        expect(policy, `${environment}.json: ${policyName}`).toBeDefined();
        if (typeof entry === "string") continue;
        const { enforcementLevel: _level, ...properties } = entry;
        for (const property of Object.keys(properties))
          expect(Object.keys(policy!.configSchema?.properties ?? {})).toContain(property);
      }
      for (const policy of ALL_POLICIES.filter((p) => p.configSchema?.properties?.environment)) {
        expect(config[policy.name], `${environment}.json sets environment for ${policy.name}`).toMatchObject({
          environment,
        });
      }
    },
  );

  it("relaxes production-only rules outside production, through the pack config alone", async () => {
    const single = [
      resource("aws:rds/instance:Instance", "db", {
        storageEncrypted: true,
        kmsKeyId: "k",
        finalSnapshotIdentifier: "f",
        backupRetentionPeriod: 7,
        multiAz: false,
      }),
    ];
    const run = async (environment: string) =>
      (
        await runPolicies(ALL_POLICIES, single, {
          defaultEnforcementLevel: "mandatory",
          config: packConfig(environment),
        })
      ).violations
        .map((v) => `${v.enforcementLevel} ${v.policy}`)
        .sort();
    expect(await run("production")).toEqual([
      "mandatory alerting-in-production",
      "mandatory rds-backup-retention",
      "mandatory rds-deletion-protection",
      "mandatory rds-force-ssl",
      "mandatory rds-multi-az",
      "mandatory stateful-resources-protected",
    ]);
    expect(await run("staging")).toEqual(["mandatory rds-force-ssl"]);
  });
});

describe("the readiness checklist", () => {
  it("maps the eight checklist items to policies of the pack", () => {
    expect(READINESS_ITEMS.map((i) => i.item)).toEqual([
      "HA",
      "Backups",
      "TLS",
      "Network policies",
      "Limits",
      "Probes",
      "Alerting",
      "Secrets",
    ]);
    for (const item of READINESS_ITEMS) for (const policy of item.policies) expect(names).toContain(policy);
  });

  it("fails an item with a violation of one of its policies, a disabled policy, or nothing to check", () => {
    const report = {
      policies: names.filter((n) => n !== "kubernetes-probes"),
      violations: [{ policy: "rds-multi-az" }, { policy: "rds-multi-az" }],
    };
    const items = Object.fromEntries(
      readinessReport(report, ["aws:rds/instance:Instance", "kubernetes:apps/v1:Deployment"]).map((i) => [i.item, i]),
    );
    expect(items.HA).toEqual({ item: "HA", passed: false, detail: "rds-multi-az: 2 violations" });
    expect(items.Probes).toEqual({
      item: "Probes",
      passed: false,
      detail: "not checked (disabled): kubernetes-probes",
    });
    expect(items.Alerting).toEqual({
      item: "Alerting",
      passed: false,
      detail: "nothing to check: no PrometheusRule in the plan",
    });
    expect(items.Limits).toEqual({
      item: "Limits",
      passed: true,
      detail: "kubernetes-resources, kubernetes-tenant-quota, kubernetes-cronjob-limits pass",
    });
    expect(items.Secrets.passed).toBe(true);
  });
});
