import * as stacks from "../fixtures/stacks";
import { describe, expect, it } from "vitest";
import { promLabelMatcherProblem } from "../../config/operations";
import { tenantNameCollisions } from "../../config/rules-names";
import { expectProblem, parseStack } from "../helpers/config";

describe("names that must be unique do not collide", () => {
  it("the platform namespace is not a tenant namespace (tenant-<id>)", () => {
    expectProblem(
      stacks.production(),
      (r) => (r.kubernetes = { ...r.kubernetes, namespace: `tenant-${r.tenants[0].id}` }),
      "platform:kubernetes.namespace",
      "it is platform:tenants[0]'s namespace",
    );
    expectProblem(
      stacks.production(),
      (r) => (r.kubernetes = { ...r.kubernetes, namespace: "tenant-ops" }),
      "platform:kubernetes.namespace",
      'must not start with "tenant-"',
    );
  });

  it("the application database is not a tenant database (tenant_<id>, '-' becomes '_')", () => {
    const error = expectProblem(
      stacks.production(),
      (r) => {
        r.tenants[0].id = "big-corp";
        r.database.applicationDatabase = "tenant_big_corp";
      },
      "platform:database.applicationDatabase",
      "it is platform:tenants[0]'s",
    );
    expect(error.message).toContain('must not start with "tenant_"');
  });

  it("a custom job does not take a built-in job's name (the engine refuses two resources with one URN)", () => {
    for (const name of ["reconcile", "database-maintenance"])
      expectProblem(
        stacks.production(),
        (r) => (r.jobs = { ...r.jobs, custom: { [name]: { schedule: "0 1 * * *", command: ["app", "x"] } } }),
        `platform:jobs.custom.${name}`,
        `the Pulumi resource "jobs-${name}"`,
      );
  });

  it("tenant ids whose derived names coincide are reported (pure rule; the id grammar keeps '_' out today)", () => {
    expect(tenantNameCollisions(["a-b", "a_b", "c"])).toEqual([{ index: 1, other: 0, name: "tenant_a_b" }]);
    expect(tenantNameCollisions(["acme", "acme-labs", "globex"])).toEqual([]);
  });

  it("a shard's namespace <namespace>-tenants-<shard> stays a DNS label", () => {
    expectProblem(
      stacks.productionShard("a"),
      (r) => (r.kubernetes = { ...r.kubernetes, namespace: "p".repeat(60) }),
      "platform:tenancy.shard",
      "at most 63 characters",
    );
  });
});

describe("alert routing reaches someone (Alertmanager config/config.go)", () => {
  it.each([
    ["pagingReceiver", "none", "reach no one"],
    ["chatReceiver", "none", "reach no one"],
    ["groupInterval", "0s", "Alertmanager refuses a zero group_interval"],
    ["repeatInterval", "0", "Alertmanager refuses a zero repeat_interval"],
    ["groupWait", "-30s", "a Prometheus duration"],
    ["groupInterval", "5m1h", "in the order y, w, d, h, m, s, ms"],
  ])("routing.%s = %j is refused", (field, value, reason) => {
    expectProblem(
      stacks.production(),
      (r) => (r.alerts = { ...r.alerts, routing: { ...r.alerts?.routing, [field]: value } }),
      `platform:alerts.routing.${field}`,
      reason,
    );
  });

  it("paging and chat receivers have different names", () => {
    expectProblem(
      stacks.production(),
      (r) => (r.alerts = { ...r.alerts, routing: { pagingReceiver: "oncall", chatReceiver: "oncall" } }),
      "platform:alerts.routing.chatReceiver",
      "not unique",
    );
  });

  it("the backup-stale threshold exceeds the backup schedule's longest gap", () => {
    expectProblem(
      stacks.production(),
      (r) => (r.alerts = { ...r.alerts, backupStaleHours: 24 }),
      "platform:alerts.backupStaleHours",
      '"0 2 * * *" (24 h)',
    );
    expectProblem(
      stacks.production(),
      (r) => (r.backups = { ...r.backups, schedule: "0 2 * * 0" }),
      "platform:alerts.backupStaleHours",
      "(168 h)",
    );
    expect(parseStack(stacks.production()).alerts.backupStaleHours).toBe(26);
  });

  it.each([
    ['code=~"5.."', undefined],
    ['code!~"2\\\\d\\\\d"', undefined],
    ['status = "error"', undefined],
    ['code=~"(?i)abc|(?P<x>d)"', undefined],
    ['code=~"5(.."', /does not compile/],
    ['code=~"(?=5)"', /lookaround/],
    ['code=~"5\\.."', /Go string escapes only/],
    ['code=="5"', /one PromQL label matcher/],
    ["code=~'5..'", /one PromQL label matcher/],
    ['5xx="1"', /one PromQL label matcher/],
  ])("label matcher %s", (matcher, expected) => {
    const problem = promLabelMatcherProblem(matcher);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
