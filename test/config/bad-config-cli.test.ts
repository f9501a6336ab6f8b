// The plan CLI on bad configs, one class of mistake per `it`: exit 2, every key named with its reason, no plan.json
// left behind, no stack trace, nothing printed that was a secret. Several bad keys share one run (each costs 1–3 s);
// the rules themselves are tested directly in kubernetes, cron, names-routing and enumerations-time-secrets tests.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PlanRun, runPlanAsync, writeStackFile } from "../helpers/plan-cli";
import * as stacks from "../fixtures/stacks";

type Config = Record<string, any>;

/** Runs the plan on a config with a stale plan.json in its out dir (a failed plan must remove it). */
async function plan(config: Config | string): Promise<PlanRun> {
  const outDir = mkdtempSync(join(tmpdir(), "plan-out-"));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "plan.json"), "{}");
  let file: string;
  if (typeof config === "string") {
    file = join(mkdtempSync(join(tmpdir(), "stack-")), "Pulumi.bad.yaml");
    writeFileSync(file, config);
  } else file = writeStackFile(config);
  return runPlanAsync(["--stack", "bad", "--config", file], outDir);
}

function expectRefused(run: PlanRun, expectations: Array<[string, string]>) {
  expect(run.code, run.stderr).toBe(2);
  expect(existsSync(join(run.outDir, "plan.json")), "a stale plan.json survived a failed plan").toBe(false);
  expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  for (const [key, reason] of expectations) {
    const line = run.stderr.split("\n").find((l) => l.includes(`- ${key} `) || l.includes(`- ${key}:`));
    expect(line, `no line names ${key}:\n${run.stderr}`).toBeDefined();
    expect(line).toContain(reason);
  }
}

const SECRETS = /ciphertext|v1:[A-Za-z0-9+/=]{8,}|offline-plan-placeholder|hunter2/;

describe("the plan refuses bad configs with exit 2, naming each key", () => {
  const runs: Record<string, PlanRun> = {};

  beforeAll(async () => {
    const values: Config = stacks.production();
    const workers = values["platform:workers"].default;
    workers.image = "ghcr.io/acme/worker:1.4.2:latest";
    workers.resources = { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } };
    workers.queue = { metric: "app_queue_depth", labels: { queue: "reports/eu" } };
    values["platform:alerts"] = {
      ...values["platform:alerts"],
      selectorLabels: { release: "prometheus stack" },
      metrics: { httpErrorMatcher: 'code=~"5(.."' },
    };
    values["platform:backups"] = { ...values["platform:backups"], verifySchedule: "0 4 * * 7" };
    values["platform:jobs"] = {
      reconcile: { schedule: "0 2 31 2 *" },
      custom: { cleanup: { schedule: "0 1 * * ?" } },
    };
    Object.assign(values["platform:database"], { performanceInsightsRetentionDays: 30, monitoringIntervalSeconds: 2 });

    // Cross-field rules run on sections that parsed cleanly: these mistakes get a run of their own.
    const crossField: Config = stacks.production();
    crossField["platform:alerts"] = {
      ...crossField["platform:alerts"],
      backupStaleHours: 24,
      routing: { pagingReceiver: "none", groupInterval: "0s" },
    };
    crossField["platform:jobs"] = { custom: { reconcile: { schedule: "0 1 * * *", command: ["app"] } } };
    crossField["platform:kubernetes"] = { ...crossField["platform:kubernetes"], namespace: "tenant-acme" };
    Object.assign(crossField["platform:database"], {
      applicationDatabase: "tenant_acme",
      restore: { pointInTime: { sourceInstance: "db-old", time: "2999-01-01T00:00:00Z" } },
    });

    const secrets: Config = stacks.production();
    secrets["platform:maintenance"] = { secure: "v1:AAAAciphertextAAAA" };
    secrets["platform:database"].adminHost = { secure: "v1:BBBBciphertextBBBB" };
    secrets["platfrom:tenants"] = [];

    const commandless: Config = stacks.production();
    commandless["platform:jobs"] = { custom: { cleanup: { schedule: "0 1 * * *" } } };

    const [v, x, s, c, m] = await Promise.all([
      plan(values),
      plan(crossField),
      plan(secrets),
      plan(commandless),
      plan("config: platform:environment=production\n"),
    ]);
    Object.assign(runs, { values: v, crossField: x, secrets: s, commandless: c, notMapping: m });
  }, 120_000);

  it("what Kubernetes accepts: label values, image references, requests above limits", () => {
    expectRefused(runs.values, [
      ["platform:workers.default.image", "invalid reference format"],
      ["platform:workers.default.resources.requests.memory", "less than or equal to the memory limit (1Gi)"],
      ["platform:workers.default.queue.labels.queue", "IsLabelValue"],
      ["platform:alerts.selectorLabels.release", "IsLabelValue"],
    ]);
  });

  it("what the CronJob controller runs: day-of-week 0–6, schedules that fire", () => {
    expectRefused(runs.values, [
      ["platform:backups.verifySchedule", "end of range (7) above maximum (6)"],
      ["platform:jobs.reconcile.schedule", "never fires"],
    ]);
  });

  it("names that must be unique", () => {
    expectRefused(runs.crossField, [
      ["platform:kubernetes.namespace", "it is platform:tenants[0]'s namespace"],
      ["platform:database.applicationDatabase", 'must not start with "tenant_"'],
      ["platform:jobs.custom.reconcile", 'the Pulumi resource "jobs-reconcile"'],
    ]);
  });

  it("alert routing reaches someone", () => {
    expectRefused(runs.crossField, [
      ["platform:alerts.routing.pagingReceiver", "reach no one"],
      ["platform:alerts.routing.groupInterval", "zero group_interval"],
      ["platform:alerts.backupStaleHours", '"0 2 * * *" (24 h)'],
    ]);
    expectRefused(runs.values, [["platform:alerts.metrics.httpErrorMatcher", "does not compile"]]);
  });

  it("enumerations are named, and a restore time in the future is refused", () => {
    expectRefused(runs.values, [
      ["platform:database.performanceInsightsRetentionDays", "allowed: 7, 31, a multiple of 31 up to 713"],
      ["platform:database.monitoringIntervalSeconds", "allowed: 0, 1, 5, 10, 15, 30, 60"],
      ["platform:jobs.custom.cleanup.command", "required: the command the job runs"],
    ]);
    expectRefused(runs.crossField, [["platform:database.restore.pointInTime.time", "is in the future"]]);
  });

  it("never echoes a secret: secure values under keys that take none; a namespace typo is refused", () => {
    expectRefused(runs.secrets, [
      ["platform:maintenance", "takes no secret"],
      ["platform:database", "takes no secret"],
      ["platfrom:tenants", 'did you mean "platform:tenants"?'],
    ]);
    expect(runs.secrets.stderr + runs.secrets.stdout).not.toMatch(SECRETS);
  });

  it("a custom job without command is a config error (exit 2), not a program error (exit 3)", () => {
    expectRefused(runs.commandless, [["platform:jobs.custom.cleanup.command", "required"]]);
    expect(runs.commandless.stderr).not.toContain("the program failed");
  });

  it("a config: that is not a mapping is one line, not one error per character", () => {
    expect(runs.notMapping.code).toBe(2);
    expect(runs.notMapping.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/"config:" must be a mapping of keys to values \(found a string\)$/),
    ]);
  });
});
