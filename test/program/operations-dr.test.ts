import { beforeAll, describe, expect, it } from "vitest";
import { type RenderedStack, TYPES, renderStack } from "../helpers/render";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runPlan, writeStackFile } from "../helpers/plan-cli";
import { tenantResources } from "../../tools/lib/plan";
import { diffPlans } from "@platform/offline-plan";
import { scaledPool } from "../../program/wiring/operations";
import { parseStack } from "../helpers/config";
import * as stacks from "../fixtures/stacks";

type Stack = RenderedStack;
type Obj = Record<string, any>;
const { instance: INSTANCE, cronJob: CRONJOB, hpa: HPA } = TYPES;
const SOURCE = "arn:aws:rds:us-east-1:123456789012:db:platform-db-instance-4f1c2ab";
/** prod-dr promoted; `regionAvailable`: whether the old primary's region is up (the failover step says). */
const promoted = (regionAvailable = true) => {
  const config = stacks.productionStandby() as Obj;
  Object.assign(config["platform:dr"], { role: "primary", regionAvailable });
  return config;
};

describe("the prod-dr standby stack", () => {
  let standby: Stack;
  let primary: Stack;
  beforeAll(async () => {
    standby = await renderStack(stacks.productionStandby(), { stack: "prod-dr" });
    primary = await renderStack(promoted(), { stack: "prod-dr" });
  });

  it("is a cross-region read replica of prod's instance, encrypted with its own key, protected, without credentials or backups of its own", () => {
    const instance = standby.find(INSTANCE, "platform-db-instance");
    expect(instance.inputs.replicateSourceDb).toBe(SOURCE);
    expect(String(instance.inputs.kmsKeyId)).toMatch(/^arn:aws:kms:us-west-2:/);
    expect(instance).toMatchObject({
      protect: true,
      inputs: { storageEncrypted: true, deletionProtection: true, backupRetentionPeriod: 0, publiclyAccessible: false },
    });
    expect(instance.inputs.username).toBeUndefined();
    expect(instance.inputs.password).toBeUndefined();
    expect(standby.ofType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")).toEqual(
      [],
    );
    // Its lag is the failover RPO: alarmed at platform:alerts.replicationLagSeconds (60 s warning, 300 s critical).
    const lag = standby
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => a.inputs.metricName === "ReplicaLag");
    expect(lag.map((a) => a.inputs.threshold)).toEqual([60, 300]);
    for (const alarm of lag)
      expect((alarm.inputs.dimensions as Obj).DBInstanceIdentifier).toMatch(/^platform-db-instance-/);
    // A replica is read-only: no PostgreSQL objects are managed on it.
    expect(standby.ofType("postgresql:index/database:Database")).toEqual([]);
  });

  it("suspends every CronJob and runs workers at standbyWorkerFraction of their size", () => {
    for (const job of standby.ofType(CRONJOB)) expect((job.inputs as Obj).spec.suspend, job.name).toBe(true);
    const bounds = Object.fromEntries(
      standby
        .ofType(HPA)
        .map((h) => [h.name, [(h.inputs as Obj).spec.minReplicas, (h.inputs as Obj).spec.maxReplicas]]),
    );
    // Tenants (and acme's dedicated pool) are managed only once promoted: their PostgreSQL objects arrive by replication.
    expect(bounds).toEqual({ "workers-default-hpa": [1, 3], "workers-reports-hpa": [1, 2] });
    expect(standby.ofType("platform:tenant:Tenant")).toEqual([]);
  });

  it("leaves out the backup alerts while standby (its backup jobs never run) and has them once promoted", () => {
    const alertNames = (stack: Stack) =>
      stack
        .ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        .flatMap((r) =>
          ((r.inputs as Obj).spec.groups as Obj[]).flatMap((g) => (g.rules as Obj[]).map((rule) => rule.alert)),
        )
        .filter(Boolean);
    const backupAlerts = ["BackupStale", "RestoreVerificationFailed", "RestoreVerificationStale"];
    expect(alertNames(primary)).toEqual(expect.arrayContaining(backupAlerts));
    expect(alertNames(standby).filter((a) => backupAlerts.includes(a))).toEqual([]);
    // Everything else stays: the platform alerts of the promoted stack less the backup ones (tenants come at promotion).
    const platformOnly = (names: string[]) => [...new Set(names.filter((a) => !a.startsWith("Tenant")))].sort();
    expect(platformOnly(alertNames(standby))).toEqual(
      platformOnly(alertNames(primary)).filter((a) => !backupAlerts.includes(a)),
    );
  });

  it("promotes in place: role primary removes replicateSourceDb, sets credentials and backups, resumes jobs and scales workers up", () => {
    const diff = diffPlans(standby.resources, primary.resources);
    // Only the standby's replica-lag alarms go: there is no source to lag behind any more.
    expect(diff.removed.map((r) => r.name)).toEqual([
      "platform-db-alarm-replica-1-lag-warning",
      "platform-db-alarm-replica-1-lag-critical",
    ]);
    const instance = diff.changed.find((c) => c.urn.endsWith("::platform-db-instance"))!;
    expect(instance.paths).toEqual([
      "backupRetentionPeriod",
      "password",
      "replicateSourceDb",
      "username",
      "(secret input from platform-db-master-password)",
    ]);
    expect(primary.find(INSTANCE, "platform-db-instance").inputs.backupRetentionPeriod).toBe(30);
    for (const job of primary.ofType(CRONJOB)) expect((job.inputs as Obj).spec.suspend, job.name).toBe(false);
    const bounds = Object.fromEntries(
      primary
        .ofType(HPA)
        .map((h) => [h.name, [(h.inputs as Obj).spec.minReplicas, (h.inputs as Obj).spec.maxReplicas]]),
    );
    expect(bounds).toEqual({
      "workers-default-hpa": [3, 12],
      "workers-reports-hpa": [2, 6],
      "tenant-acme-workers-hpa": [3, 12],
    });
    // The promoted instance replicates its automated backups back to the old primary's region and manages (adopts) the app database.
    const tenantUrns = new Set([...tenantResources(primary.resources).values()].flat().map((r) => r.urn));
    expect([...tenantResources(primary.resources).keys()].sort()).toEqual([
      "acme",
      "globex",
      "hooli",
      "initech",
      "piedpiper",
      "stark-labs",
      "umbrella",
      "wayne-ent",
    ]);
    // The data-tier exporters arrive with promotion (a read-only replica cannot take the exporter's role), and the
    // Pushgateway cleanup with the backups.
    const monitoring = diff.added.filter((r) => r.name.startsWith("monitoring-"));
    expect([...new Set(monitoring.map((r) => r.type.split(":").pop()))].sort()).toEqual([
      "DataExporters",
      "Deployment",
      "GrantRole",
      "Job",
      "PodDisruptionBudget",
      "PushgatewayCleanup",
      "RandomPassword",
      "Role",
      "Secret",
      "Service",
      "ServiceMonitor",
      "User",
      "UserGroupAssociation",
    ]);
    expect(
      diff.added
        .filter((r) => !tenantUrns.has(r.urn) && !r.name.startsWith("monitoring-"))
        .map((r) => r.type)
        .sort(),
    ).toEqual([
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      "postgresql:index/database:Database",
      "postgresql:index/grant:Grant",
      // The application and operations roles (adopted), their membership and the application role's CREATE.
      "postgresql:index/grant:Grant",
      "postgresql:index/grantRole:GrantRole",
      "postgresql:index/role:Role",
      "postgresql:index/role:Role",
    ]);
  });

  it("promoted while the old primary's region is down, registers nothing new there (its DR key exists since standby)", async () => {
    const down = await renderStack(promoted(false), { stack: "prod-dr" });
    const inOldRegion = (stack: Stack) =>
      stack.resources.filter((r) => r.provider?.endsWith("::aws-dr") || (r.inputs as Obj).region === "us-east-1");
    const standbyUrns = new Set(inOldRegion(standby).map((r) => r.urn));
    expect(inOldRegion(down).filter((r) => !standbyUrns.has(r.urn))).toEqual([]);
    expect(inOldRegion(standby).map((r) => r.type)).toContain("aws:kms/key:Key");
    expect(down.ofType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")).toEqual([]);
  });

  it("adopts the replicated tenant roles, schemas and databases at promotion instead of creating them", async () => {
    const adopted = (type: string) => Object.fromEntries(primary.ofType(type).map((r) => [r.name, r.importId]));
    expect(adopted("postgresql:index/role:Role")).toMatchObject({
      "platform-db-app-role": "platform_app",
      "platform-db-ops-role": "platform_ops",
      "tenant-acme-role": "tenant_acme",
      "tenant-initech-role": "tenant_initech",
    });
    expect(adopted("postgresql:index/database:Database")).toMatchObject({ "tenant-acme-db": "tenant_acme" });
    expect(adopted("postgresql:index/schema:Schema")).toMatchObject({
      "tenant-acme-schema": "tenant_acme.tenant_acme",
      "tenant-initech-schema": "app.tenant_initech",
    });
    // The primary stack creates its tenants: nothing there is adopted.
    const prod = await renderStack(stacks.production(), { stack: "prod" });
    expect(prod.resources.filter((r) => r.importId).map((r) => r.name)).toEqual([]);
  });

  it("stops workers entirely when the fraction is 0", async () => {
    const config = stacks.productionStandby() as Obj;
    config["platform:dr"].standbyWorkerFraction = 0;
    const cold = await renderStack(config, { stack: "prod-dr" });
    expect(cold.ofType(HPA)).toEqual([]);
    for (const d of cold.ofType("kubernetes:apps/v1:Deployment")) expect((d.inputs as Obj).spec.replicas).toBe(0);
  });

  it("scales a pool by rounding up, keeping at least one replica", () => {
    const pool = parseStack(stacks.production()).workers.default;
    expect(scaledPool(pool, 1)).toBe(pool);
    expect(scaledPool(pool, 0.5)).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(scaledPool({ ...pool, minReplicas: 2, maxReplicas: 2 }, 0.1)).toMatchObject({
      minReplicas: 1,
      maxReplicas: 1,
    });
  });

  it("a copy of prod in maintenance plans with exit 0: every CronJob suspended, no HPA", () => {
    const config = stacks.production() as Obj;
    config["platform:maintenance"] = { enabled: true, snapshot: "before-pg17" };
    const run = runPlan(["--stack", "maintenance", "--config", writeStackFile(config)]);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(join(run.outDir, "plan.json"), "utf8")) as {
      resources: { type: string; inputs: Obj }[];
    };
    expect(plan.resources.filter((r) => r.type === HPA)).toEqual([]);
    const jobs = plan.resources.filter((r) => r.type === CRONJOB);
    expect(jobs.length).toBe(4);
    for (const job of jobs) expect(job.inputs.spec.suspend).toBe(true);
  });
});
