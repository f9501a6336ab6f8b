import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config";
import { parseStack } from "../helpers/config";
import * as stacks from "../fixtures/stacks";

type Obj = Record<string, any>;

/** The prod stack's `platform:*` config as the program sees it, mutated by `change`. */
function prodWith(change: (raw: Obj) => void): () => unknown {
  return () => parseStack(stacks.production(), change);
}

function problems(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((p) => `${p.key}${p.value === undefined ? "" : ` = ${p.value}`}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("workload config knobs", () => {
  it("the prod and staging stacks are valid", () => {
    expect(problems(prodWith(() => undefined))).toEqual([]);
  });

  it.each([
    [
      "a worker pool with minReplicas 0",
      (r: Obj) => (r.workers.default.minReplicas = 0),
      "platform:workers.default.minReplicas = 0: must be at least 1",
    ],
    [
      "a queue label that is not a Prometheus label name",
      (r: Obj) => (r.workers.default.queue.labels = { "bad-label": "x" }),
      "platform:workers.default.queue.labels.bad-label",
    ],
    [
      "a six-field backup schedule",
      (r: Obj) => (r.backups.schedule = "0 0 2 * * *"),
      'platform:backups.schedule = "0 0 2 * * *": not a schedule the Kubernetes CronJob controller accepts (robfig/cron standard parser): expected exactly 5 fields, found 6',
    ],
    [
      "an invalid verify schedule",
      (r: Obj) => (r.backups.verifySchedule = "0 25 * * 1"),
      'platform:backups.verifySchedule = "0 25 * * 1": not a schedule the Kubernetes CronJob controller accepts (robfig/cron standard parser): end of range (25) above maximum (23)',
    ],
    [
      "an invalid reconcile schedule",
      (r: Obj) => (r.jobs.reconcile.schedule = "every 10 minutes"),
      "platform:jobs.reconcile.schedule",
    ],
    [
      "a cold transition after expiry",
      (r: Obj) => (r.backups.coldTransitionDays = 90),
      "platform:backups.coldTransitionDays = 90: must be below retentionDays (30)",
    ],
    [
      "object lock longer than retention",
      (r: Obj) => (r.backups.objectLock = { days: 60 }),
      "platform:backups.objectLock.days = 60: must be ≤ retentionDays (30)",
    ],
    [
      "production without the OIDC provider",
      (r: Obj) => delete r.kubernetes.oidcProviderArn,
      "platform:kubernetes.oidcProviderArn: required in production",
    ],
    [
      "a malformed OIDC provider ARN",
      (r: Obj) => (r.kubernetes.oidcProviderArn = "oidc.eks.us-east-1.amazonaws.com/id/X"),
      "platform:kubernetes.oidcProviderArn",
    ],
    [
      "a Pushgateway that is not a URL",
      (r: Obj) => (r.backups.pushgatewayUrl = "pushgateway:9091"),
      "platform:backups.pushgatewayUrl",
    ],
    [
      "a backup image that is not an image reference",
      (r: Obj) => (r.backups.postgresImage = "postgres 16"),
      'platform:backups.postgresImage = "postgres 16": an image reference such as',
    ],
    [
      "replication without a DR region",
      (r: Obj) => delete r.dr,
      'platform:backups.replicateToDr = true: needs a "platform:dr" section',
    ],
  ])("rejects %s, naming the key", (_what, change, expected) => {
    const found = problems(prodWith(change));
    expect(
      found.some((p) => p.startsWith(expected) || p.includes(expected)),
      found.join("\n"),
    ).toBe(true);
  });
});
