import { describe, expect, it } from "vitest";
import { alertPolicies } from "../../policies/rules/alerts";
import { safetyPolicies } from "../../policies/rules/safety";
import type { RecordedResource } from "@platform/offline-plan";
import { Transform, edit, k8s, resource, urnOf, violation, violationsOf } from "./fixtures";

describe("stateful-resources-protected", () => {
  const stateful = (): RecordedResource[] => [
    resource("aws:rds/instance:Instance", "platform-db", {}, { protect: true }),
    resource("aws:s3/bucket:Bucket", "backups", {}, { protect: true }),
    resource("aws:kms/key:Key", "platform-key", {}, { protect: true }),
    resource("postgresql:index/database:Database", "tenant-acme-db", {}, { protect: true }),
    resource("postgresql:index/schema:Schema", "tenant-acme-schema", {}, { protect: true }),
    resource("postgresql:index/role:Role", "tenant-acme-role", {}, { protect: true }),
    resource("aws:sns/topic:Topic", "alerts", {}),
  ];

  it("passes protected stateful resources and ignores stateless ones", async () => {
    expect(await violationsOf(safetyPolicies, stateful())).toEqual([]);
  });

  it("does not take retainOnDelete for protection (the engine's analyzer never sees it)", async () => {
    const retained = edit("tenant-acme-role", (_i, r) => Object.assign(r, { protect: false, retainOnDelete: true }))(
      stateful(),
    );
    expect((await violationsOf(safetyPolicies, retained)).map((v) => v.policy)).toEqual([
      "stateful-resources-protected",
    ]);
  });

  it.each([
    ["aws:rds/instance:Instance", "platform-db", "RDS instance"],
    ["aws:s3/bucket:Bucket", "backups", "S3 bucket"],
    ["aws:kms/key:Key", "platform-key", "KMS key"],
    ["postgresql:index/database:Database", "tenant-acme-db", "PostgreSQL database"],
    ["postgresql:index/schema:Schema", "tenant-acme-schema", "PostgreSQL schema"],
    ["postgresql:index/role:Role", "tenant-acme-role", "PostgreSQL role"],
  ])("fails an unprotected %s in production", async (type, name, kind) => {
    const unprotected = edit(name, (_i, r) => Object.assign(r, { protect: false, retainOnDelete: false }))(stateful());
    expect(await violationsOf(safetyPolicies, unprotected)).toEqual([
      violation(
        "stateful-resources-protected",
        urnOf(type, name),
        `${kind} "${name}" is not protected in production: a config mistake or \`pulumi destroy\` would delete its data. Fix: create it with the resource option protect: true (retainOnDelete does not count: the policy analyzer of \`pulumi preview\` never sees it). A tenant's data goes unprotected only in the first step of its two-step deletion (state: deleted: login off, schemas dropCascade, namespace and Redis user removed) or as the retired old home of a tier move.`,
      ),
    ]);
  });

  it("lets an RDS instance tagged as retiring (a reviewed retirement) go unprotected, nothing else", async () => {
    const retiring = edit(
      "platform-db",
      (i, r) => ((r.protect = false), (i.tags = { "platform:lifecycle": "retiring" })),
    )(stateful());
    expect(await violationsOf(safetyPolicies, retiring)).toEqual([]);
    const bucket = edit(
      "backups",
      (i, r) => ((r.protect = false), (i.tags = { "platform:lifecycle": "retiring" })),
    )(stateful());
    expect((await violationsOf(safetyPolicies, bucket)).map((v) => v.urn)).toEqual([
      urnOf("aws:s3/bucket:Bucket", "backups"),
    ]);
  });

  describe("a tenant in the first step of its two-step deletion (docs/tenants.md, components/tenant/lifecycle.ts)", () => {
    // The documented state: login off, every schema it owns with dropCascade, no namespace or Redis user left.
    const deleting = (): RecordedResource[] => [
      resource("aws:rds/instance:Instance", "platform-db", {}, { protect: true }),
      resource("postgresql:index/role:Role", "tenant-acme-role", { name: "tenant_acme", login: false }),
      resource("postgresql:index/database:Database", "tenant-acme-db", { name: "tenant_acme", owner: "tenant_acme" }),
      resource("postgresql:index/schema:Schema", "tenant-acme-schema", {
        name: "tenant_acme",
        owner: "tenant_acme",
        dropCascade: true,
      }),
      k8s("kubernetes:core/v1:Namespace", "tenant-globex", undefined, {}, { "platform.io/tenant": "globex" }),
    ];
    const refusedNames = async (resources: RecordedResource[]) =>
      (await violationsOf(safetyPolicies, resources)).map((v) => v.urn?.split("::").pop());

    it("accepts exactly that state unprotected", async () => {
      expect(await violationsOf(safetyPolicies, deleting())).toEqual([]);
    });

    it.each([
      ["the role can still log in", edit("tenant-acme-role", (i) => (i.login = true))],
      ["a schema keeps its tables on drop", edit("tenant-acme-schema", (i) => (i.dropCascade = false))],
    ])("refuses it when %s", async (_case, change) => {
      expect(await refusedNames(change(deleting()))).toEqual([
        "tenant-acme-role",
        "tenant-acme-db",
        "tenant-acme-schema",
      ]);
    });

    it("refuses it while the tenant's namespace or Redis user still exists (a suspended tenant is not being deleted)", async () => {
      const withNamespace = [
        ...deleting(),
        k8s("kubernetes:core/v1:Namespace", "tenant-acme", undefined, {}, { "platform.io/tenant": "acme" }),
      ];
      expect(await refusedNames(withNamespace)).toEqual(["tenant-acme-role", "tenant-acme-db", "tenant-acme-schema"]);
      const withRedisUser = [
        ...deleting(),
        resource("aws:elasticache/user:User", "tenant-acme-redis-user", { userName: "tenant-acme" }),
      ];
      expect(await refusedNames(withRedisUser)).toEqual(["tenant-acme-role", "tenant-acme-db", "tenant-acme-schema"]);
    });

    it("does not extend to roles of no tenant or to other stateful types", async () => {
      const other = [
        ...deleting(),
        resource("postgresql:index/role:Role", "reporting-role", { name: "reporting", login: false }),
        resource("aws:s3/bucket:Bucket", "backups", {}),
      ];
      expect(await refusedNames(other)).toEqual(["reporting-role", "backups"]);
    });
  });

  it("does not ask staging or development to protect", async () => {
    const unprotected = stateful().map((r) => ({ ...r, protect: false, retainOnDelete: false }));
    expect(await violationsOf(safetyPolicies, unprotected, "staging")).toEqual([]);
    expect(await violationsOf(safetyPolicies, unprotected, "development")).toEqual([]);
  });
});

describe("kubernetes-no-plaintext-credentials", () => {
  const workload = (): RecordedResource[] => [
    k8s("kubernetes:apps/v1:Deployment", "worker", "platform", {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "worker",
                image: "w:1",
                env: [
                  { name: "LOG_LEVEL", value: "info" },
                  { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
                  { name: "TOKEN_TTL_SECONDS", value: "3600" },
                  { name: "SESSION_SECRET", value: "" },
                ],
              },
            ],
          },
        },
      },
    }),
    k8s("kubernetes:core/v1:ConfigMap", "settings", "platform", {
      data: { QUEUE: "default", REDIS_HOST: "master.redis.local" },
    }),
    k8s("kubernetes:core/v1:Secret", "db", "platform", { stringData: "[secret]" }),
    k8s("kubernetes:core/v1:Secret", "redis", "platform", { data: { password: "[secret]", url: "[unknown]" } }),
  ];
  const deployment = urnOf("kubernetes:apps/v1:Deployment", "platform-deployment-worker");
  const configMap = urnOf("kubernetes:core/v1:ConfigMap", "platform-configmap-settings");

  it("passes env from secretKeyRef, plain settings and secret Secret values", async () => {
    expect(await violationsOf(safetyPolicies, workload())).toEqual([]);
  });

  const mutations: Array<[string, Transform, string, string]> = [
    [
      "a literal password in env",
      edit("platform-deployment-worker", (i) =>
        i.spec.template.spec.containers[0].env.push({ name: "API_KEY", value: "sk_live_123" }),
      ),
      deployment,
      'Deployment "platform/worker" container "worker" sets API_KEY to a literal value that looks like a credential. Fix: put it in a Secret and read it with valueFrom.secretKeyRef (a literal is readable by anyone who can read the Deployment).',
    ],
    [
      "a URL with a password in env",
      edit("platform-deployment-worker", (i) =>
        i.spec.template.spec.containers[0].env.push({
          name: "DATABASE_URL",
          value: "postgres://app:hunter2@db:5432/app",
        }),
      ),
      deployment,
      'Deployment "platform/worker" container "worker" sets DATABASE_URL to a literal value that looks like a credential. Fix: put it in a Secret and read it with valueFrom.secretKeyRef (a literal is readable by anyone who can read the Deployment).',
    ],
    [
      "a credential in a ConfigMap",
      edit("platform-configmap-settings", (i) => (i.data.REDIS_PASSWORD = "[secret]")),
      configMap,
      'ConfigMap "platform/settings" holds REDIS_PASSWORD, which looks like a credential. Fix: move it to a Secret built from a Pulumi secret, and mount or reference that instead.',
    ],
    [
      "a plain value in a Secret",
      edit("platform-secret-redis", (i) => (i.data.password = "cGFzc3dvcmQ=")),
      urnOf("kubernetes:core/v1:Secret", "platform-secret-redis"),
      'Secret "platform/redis" has data.password in plain text in the program, so the Pulumi state and previews show it. Fix: wrap the value with pulumi.secret() or take it from a secret output (e.g. random.RandomPassword.result).',
    ],
  ];

  it.each(mutations)("fails %s, with the exact message", async (_what, transform, urn, message) => {
    expect(await violationsOf(safetyPolicies, transform(workload()))).toEqual([
      violation("kubernetes-no-plaintext-credentials", urn, message),
    ]);
  });
});

describe("alert-rule-annotations", () => {
  const rule = () => ({
    alert: "WorkerErrorRateHigh",
    expr: "rate(errors[5m]) > 0.1",
    for: "10m",
    labels: { severity: "critical" },
    annotations: {
      summary: "Worker error rate above 10%",
      runbook_url: "https://runbooks.example.com/platform#worker-error-rate",
    },
  });
  const rules = (): RecordedResource[] => [
    k8s("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "platform-alerts", "platform", {
      spec: {
        groups: [{ name: "workers", rules: [rule(), { record: "job:errors:rate5m", expr: "rate(errors[5m])" }] }],
      },
    }),
  ];
  const urn = urnOf("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "platform-prometheusrule-platform-alerts");
  const fix =
    "Fix: give every alert labels.severity (critical, warning, info), annotations.summary and annotations.runbook_url linking to its runbook section, so whoever is paged knows what to do.";
  const first = (change: (r: Record<string, any>) => void) =>
    edit("platform-prometheusrule-platform-alerts", (i) => change(i.spec.groups[0].rules[0]));

  it("passes complete alerts and ignores recording rules", async () => {
    expect(await violationsOf(alertPolicies, rules())).toEqual([]);
  });

  it.each([
    ["no severity", first((r) => delete r.labels.severity), "labels.severity"],
    ["an unknown severity", first((r) => (r.labels.severity = "page")), 'a known labels.severity (it is "page")'],
    ["no summary", first((r) => delete r.annotations.summary), "annotations.summary"],
    ["no runbook", first((r) => delete r.annotations.runbook_url), "annotations.runbook_url"],
    [
      "a runbook that is not a link",
      first((r) => (r.annotations.runbook_url = "see wiki")),
      'an http(s) annotations.runbook_url (it is "see wiki")',
    ],
  ] as Array<[string, Transform, string]>)(
    "fails an alert with %s, with the exact message",
    async (_what, transform, lacks) => {
      expect(await violationsOf(alertPolicies, transform(rules()))).toEqual([
        violation(
          "alert-rule-annotations",
          urn,
          `PrometheusRule "platform/platform-alerts" alert "WorkerErrorRateHigh" (group "workers") lacks ${lacks}. ${fix}`,
        ),
      ]);
    },
  );
});
