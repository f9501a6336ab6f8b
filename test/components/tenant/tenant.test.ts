import { beforeAll, describe, expect, it } from "vitest";
import { Finders, renderStack } from "../../helpers/render";
import { diffPlans } from "@platform/offline-plan";
import { tenantResources } from "../../../tools/lib/plan";
import type { RecordedResource, RenderResult } from "@platform/offline-plan";
import { tenantLifecycle, tenantQuota } from "../../../components/tenant";
import * as stacks from "../../fixtures/stacks";

const T = {
  tenant: "platform:tenant:Tenant",
  password: "random:index/randomPassword:RandomPassword",
  role: "postgresql:index/role:Role",
  database: "postgresql:index/database:Database",
  schema: "postgresql:index/schema:Schema",
  grant: "postgresql:index/grant:Grant",
  grantRole: "postgresql:index/grantRole:GrantRole",
  redisUser: "aws:elasticache/user:User",
  membership: "aws:elasticache/userGroupAssociation:UserGroupAssociation",
  namespace: "kubernetes:core/v1:Namespace",
  quota: "kubernetes:core/v1:ResourceQuota",
  limits: "kubernetes:core/v1:LimitRange",
  policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  secret: "kubernetes:core/v1:Secret",
  alertRule: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  workerPool: "platform:workers:WorkerPool",
  deployment: "kubernetes:apps/v1:Deployment",
  autoscaler: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  disruptionBudget: "kubernetes:policy/v1:PodDisruptionBudget",
};
const STANDARD_TYPES = [
  T.tenant,
  T.password,
  T.role,
  T.grantRole,
  T.schema,
  T.namespace,
  T.quota,
  T.limits,
  T.policy,
  T.serviceAccount,
  T.secret,
].sort();
// An active enterprise tenant also gets a database (with PUBLIC's privileges revoked and the master's CONNECT
// granted), its own alert rules; with dedicatedWorkers, its own worker pool.
const ENTERPRISE_TYPES = [
  ...STANDARD_TYPES,
  T.database,
  T.grant,
  T.grant,
  T.redisUser,
  T.membership,
  T.alertRule,
].sort();
const DEDICATED_WORKER_TYPES = [T.workerPool, T.deployment, T.autoscaler, T.disruptionBudget];

const GONE_EXPORT = "s3://platform-backups/production/offboarding/goneco/app/20261120T020000Z.dump";
/** The prod stack plus one tenant in every lifecycle state the repo's stack does not show. */
function lifecycleConfig() {
  const config = stacks.production();
  (config["platform:tenants"] as unknown[]).push(
    { id: "leaver", name: "Leaver", tier: "enterprise", state: "offboarded" },
    { id: "oldco", name: "Old Co", tier: "enterprise", state: "deleted", exportWaived: "no data to return" },
    { id: "goneco", name: "Gone Co", tier: "standard", state: "deleted", deleteData: true, exportedTo: GONE_EXPORT },
  );
  return config;
}

let prod: RenderResult & Finders;
let byTenant: Map<string, RecordedResource[]>;
const typesOf = (id: string) =>
  byTenant
    .get(id)!
    .map((r) => r.type)
    .sort();
const ofTenant = (id: string, type: string) => byTenant.get(id)!.filter((r) => r.type === type);
const one = (id: string, type: string) => {
  const found = ofTenant(id, type);
  expect(found, `${id} ${type}`).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  prod = await renderStack(lifecycleConfig(), { stack: "prod", revealSecrets: true });
  byTenant = tenantResources(prod.resources);
});

describe("Tenant component (prod stack under mocks)", () => {
  it("gives a standard tenant 10 resources and an enterprise tenant 17, all descendants of its Tenant", () => {
    expect(typesOf("initech")).toEqual(STANDARD_TYPES);
    expect(typesOf("globex")).toEqual(ENTERPRISE_TYPES);
    // acme also has a connector (productionTenants()): its Secret tenant-connectors.
    expect(typesOf("acme")).toEqual([...ENTERPRISE_TYPES, T.secret, ...DEDICATED_WORKER_TYPES].sort());
    const grouped = new Set([...byTenant.values()].flat().map((r) => r.urn));
    const tenantScoped = prod.resources.filter((r) => /tenant[-_]/.test(r.name) && !grouped.has(r.urn));
    expect(tenantScoped.map((r) => r.name)).toEqual([]);
  });

  it("isolates PostgreSQL by tier: a schema in the shared database, or a database of its own with PUBLIC revoked", () => {
    expect(one("initech", T.schema).inputs).toEqual({
      name: "tenant_initech",
      database: "app",
      owner: "tenant_initech",
      dropCascade: false,
    });
    expect(one("acme", T.database).inputs).toMatchObject({
      name: "tenant_acme",
      owner: "tenant_acme",
      template: "template0",
    });
    expect(one("acme", T.schema).inputs).toMatchObject({
      name: "tenant_acme",
      database: "tenant_acme",
      owner: "tenant_acme",
    });
    expect(prod.find(T.grant, "tenant-acme-db-public-revoke").inputs).toEqual({
      database: "tenant_acme",
      role: "public",
      objectType: "database",
      privileges: [],
    });
    expect(prod.find(T.grant, "tenant-acme-db-admin-connect").inputs).toEqual({
      database: "tenant_acme",
      role: "platform_admin",
      objectType: "database",
      privileges: ["CONNECT"],
    });
    for (const id of ["acme", "initech"])
      expect(one(id, T.grantRole).inputs, id).toEqual({
        role: "platform_ops",
        grantRole: `tenant_${id}`,
        withAdminOption: false,
      });
    expect(prod.find(T.grant, "platform-db-app-db-public-schema").inputs).toEqual({
      database: "app",
      schema: "public",
      objectType: "schema",
      role: "public",
      privileges: ["USAGE"],
    });
  });

  it("sets each role's connection limit by tier or override; runs as the owner's member only what only an owner may do", () => {
    expect(one("initech", T.role).inputs).toMatchObject({
      name: "tenant_initech",
      login: true,
      connectionLimit: 20,
      superuser: false,
      createRole: false,
      createDatabase: false,
    });
    expect(one("piedpiper", T.role).inputs.connectionLimit).toBe(5);
    expect(one("wayne-ent", T.role).inputs.connectionLimit).toBe(80);
    const admin = prod.find("pulumi:providers:postgresql", "platform-db-admin").urn;
    const ops = prod.find("pulumi:providers:postgresql", "platform-db-ops");
    expect(ops.inputs).toMatchObject({ username: "platform_ops", sslmode: "require", superuser: "false" });
    // A database's ACL changes only when the owner or an inheriting member issues them; the provider grants itself
    // no owner role for `objectType: database` (terraform-provider-postgresql, getRolesToGrant in
    // resource_postgresql_grant.go). Everything else the master may do, with the provider's temporary grants.
    const asOwner = /-db-(public-revoke|admin-connect)$/;
    for (const r of prod.resources.filter((x) => x.type.startsWith("postgresql:index/")))
      expect(r.provider, r.name).toBe(asOwner.test(r.name) ? ops.urn : admin);
    const membership = one("acme", T.grantRole).urn;
    for (const name of ["tenant-acme-db-public-revoke", "tenant-acme-db-admin-connect"])
      expect(prod.find(T.grant, name).dependsOn, name).toContain(membership);
  });

  it("protects tenant roles, schemas and databases in production, except for deleted tenants", () => {
    for (const id of ["acme", "initech", "hooli", "leaver"]) {
      for (const r of byTenant.get(id)!.filter((x) => [T.role, T.schema, T.database].includes(x.type)))
        expect(r.protect, r.name).toBe(true);
    }
    for (const r of byTenant.get("oldco")!) expect(r.protect, r.name).toBe(false);
  });

  it("confines an enterprise tenant's Redis user to its keys and channels and joins it to the platform's user group", () => {
    const user = one("acme", T.redisUser).inputs;
    expect(user).toMatchObject({
      userName: "tenant-acme",
      userId: "platform-prod-t-acme",
      engine: "redis",
      noPasswordRequired: false,
    });
    expect(user.accessString).toBe(
      "on ~tenant:acme:* ~session:acme:* ~queue:acme:* &tenant:acme:* +@all -@admin -@dangerous -scan -randomkey -pubsub",
    );
    const group = prod.find("aws:elasticache/userGroup:UserGroup", "platform-redis-users");
    expect(one("acme", T.membership).inputs).toEqual({
      userGroupId: group.inputs.userGroupId,
      userId: "platform-prod-t-acme",
    });
    expect(one("acme", T.membership).provider).toBe(prod.find("pulumi:providers:aws", "aws").urn);
  });

  it("gives each tenant a labelled namespace with its tier's quota and defaults, a default-deny policy and a token-less service account", () => {
    const ns = one("acme", T.namespace).inputs as any;
    expect(ns.metadata).toMatchObject({
      name: "tenant-acme",
      labels: {
        "platform.io/tenant": "acme",
        "platform.io/tier": "enterprise",
        "platform.io/tenant-state": "active",
        "pod-security.kubernetes.io/enforce": "restricted",
      },
    });
    expect((one("initech", T.quota).inputs as any).spec.hard).toEqual({
      "requests.cpu": "4",
      "limits.cpu": "4",
      "requests.memory": "8Gi",
      "limits.memory": "8Gi",
      pods: "40",
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    expect((one("piedpiper", T.limits).inputs as any).spec.limits).toEqual([
      {
        type: "Container",
        default: { cpu: "100m", memory: "128Mi" },
        defaultRequest: { cpu: "100m", memory: "128Mi" },
      },
    ]);
    const policy = (one("acme", T.policy).inputs as any).spec;
    expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform" } } }],
    });
    expect(policy.egress).toContainEqual({
      ports: [
        { protocol: "TCP", port: 5432 },
        { protocol: "TCP", port: 6379 },
      ],
    });
    expect(policy.egress.some((rule: any) => rule.ports?.some((p: any) => p.port === 53 && p.protocol === "UDP"))).toBe(
      true,
    );
    expect(one("acme", T.serviceAccount).inputs).toMatchObject({ automountServiceAccountToken: false });
    expect(tenantQuota({ tier: "standard", quota: { pods: 80 } }).pods).toBe("80");
  });

  it("exports per-tenant connection details with the URLs as secrets", () => {
    const outputs = prod.outputs.tenants as Record<string, any>;
    expect(outputs.acme).toEqual({
      tier: "enterprise",
      state: "active",
      namespace: "tenant-acme",
      postgres: { role: "tenant_acme", schema: "tenant_acme", database: "tenant_acme" },
      databaseUrl: "[secret]",
      redisUrl: "[secret]",
    });
    expect(outputs.initech.postgres.database).toBe("app");
    expect(outputs.initech).not.toHaveProperty("redisUrl");
  });
});

describe("tenant lifecycle", () => {
  it("suspended: the role cannot log in and the Redis user is off; everything else, credentials included, stays", () => {
    expect(typesOf("hooli")).toEqual(STANDARD_TYPES);
    expect(one("hooli", T.role).inputs.login).toBe(false);
    expect((one("hooli", T.namespace).inputs as any).metadata.labels["platform.io/tenant-state"]).toBe("suspended");
    // Offboarded: everything but the tenant's alerts (nobody is paged for a tenant that has left).
    expect(typesOf("leaver")).toEqual(ENTERPRISE_TYPES.filter((t) => t !== T.alertRule));
    expect(one("leaver", T.redisUser).inputs.accessString).toMatch(/^off ~tenant:leaver:\* /);
  });

  it("deleted: runtime removed, data kept unprotected with cascade armed; deleteData: true removes the data", () => {
    expect(typesOf("oldco")).toEqual(
      [T.tenant, T.password, T.role, T.grantRole, T.database, T.grant, T.grant, T.schema].sort(),
    );
    expect(one("oldco", T.role).inputs.login).toBe(false);
    expect(one("oldco", T.schema).inputs.dropCascade).toBe(true);
    expect(typesOf("goneco")).toEqual([T.tenant]);
  });

  it("tenantLifecycle: a move's copy step holds writes (login off) and nothing else", () => {
    expect(
      tenantLifecycle({ state: "active", deleteData: false, move: { from: "standard", step: "copy" } }, "production"),
    ).toMatchObject({ canLogin: false, writesHeld: true, keepsData: true, hasRuntime: true, protectData: true });
    expect(
      tenantLifecycle(
        { state: "active", deleteData: false, move: { from: "standard", step: "switch", verified: "0".repeat(64) } },
        "production",
      ),
    ).toMatchObject({ canLogin: true, writesHeld: false });
  });

  it("tenantLifecycle: protection only in production and never once deleted", () => {
    expect(tenantLifecycle({ state: "active", deleteData: false }, "staging").protectData).toBe(false);
    expect(tenantLifecycle({ state: "suspended", deleteData: false }, "production")).toEqual({
      canLogin: false,
      writesHeld: false,
      keepsData: true,
      hasRuntime: true,
      protectData: true,
      dropCascade: false,
    });
    expect(tenantLifecycle({ state: "deleted", deleteData: true }, "production")).toEqual({
      canLogin: false,
      writesHeld: false,
      keepsData: false,
      hasRuntime: false,
      protectData: false,
      dropCascade: true,
    });
  });
});

describe("changes to the tenant list", () => {
  it("onboarding a tenant adds only that tenant's resources; nothing else changes", async () => {
    const config = lifecycleConfig();
    (config["platform:tenants"] as unknown[]).push({ id: "soylent", name: "Soylent", tier: "enterprise" });
    const head = await renderStack(config, { stack: "prod" });
    const diff = diffPlans(prod.resources, head.resources);
    const added = tenantResources(head.resources)
      .get("soylent")!
      .map((r) => r.urn)
      .sort();
    expect(diff.added.map((r) => r.urn).sort()).toEqual(added);
    expect(added).toHaveLength(ENTERPRISE_TYPES.length);
    expect(diff.removed).toEqual([]);
    // Membership updates: every list of the dedicated databases now names the new one. The jobs that dump, verify
    // and vacuum them (their env); the backup alerts (BackupStale watches each database the stack backs up,
    // components/alerts/catalog-jobs.ts); and the Pushgateway cleanup Job, named after that list because a Job's
    // pod template is immutable (Kubernetes API, batch/v1 JobSpec.template), so a new list is a new Job.
    const envValue = /^spec\.jobTemplate\.spec\.template\.spec\.(initContainers|containers)\[\d+\]\.env\[\d+\]\.value$/;
    const paths = Object.fromEntries(diff.changed.map((c) => [c.urn.split("::").pop(), c.paths]));
    expect(Object.keys(paths).sort()).toEqual([
      "alerts-rules",
      "database-backups-backup-cronjob",
      "database-backups-verify-cronjob",
      "jobs-database-maintenance-cronjob",
      "monitoring-pushgateway-cleanup-job",
    ]);
    for (const job of [
      "database-backups-backup-cronjob",
      "database-backups-verify-cronjob",
      "jobs-database-maintenance-cronjob",
    ])
      for (const path of paths[job]) expect(path, job).toMatch(envValue);
    for (const path of paths["alerts-rules"]) expect(path).toMatch(/^spec\.groups\[\d+\]\.rules\[\d+\]\.expr$/);
    const rules = (stack: Finders) =>
      JSON.stringify(stack.find("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "alerts-rules").inputs);
    expect([rules(prod), rules(head)].map((r) => r.includes("tenant_soylent"))).toEqual([false, true]);
    expect(paths["monitoring-pushgateway-cleanup-job"].sort()).toEqual([
      "metadata.name",
      "spec.template.spec.containers[0].env[3].value",
    ]);
    const backup = head.find("kubernetes:batch/v1:CronJob", "database-backups-backup-cronjob");
    expect(JSON.stringify(backup.inputs)).toContain("tenant_soylent");
  });

  it("bumping credentialsGeneration rotates the password into the role, Redis user and Secret, replacing nothing else", async () => {
    const config = lifecycleConfig();
    (config["platform:tenants"] as Array<Record<string, unknown>>)[0].credentialsGeneration = 2;
    const head = await renderStack(config, { stack: "prod", revealSecrets: true });
    const revealed = (list: RecordedResource[]) => list.map((r) => ({ ...r, inputs: r.revealedInputs! }));
    const diff = diffPlans(revealed(prod.resources), revealed(head.resources));
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    expect(Object.fromEntries(diff.changed.map((c) => [c.urn.split("::").pop(), c.paths]))).toEqual({
      "tenant-acme-password": ["keepers.generation"],
      "tenant-acme-role": ["password"],
      "tenant-acme-redis-user": ["authenticationMode.passwords[0]"],
      "tenant-acme-connection": ["stringData.DATABASE_URL", "stringData.REDIS_URL"],
    });
  });

  it("staging protects nothing of a tenant", async () => {
    const staging = await renderStack(stacks.staging(), { stack: "staging" });
    const tenants = [...tenantResources(staging.resources).values()].flat();
    expect(tenants.length).toBeGreaterThan(20);
    expect(tenants.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
  });
});
