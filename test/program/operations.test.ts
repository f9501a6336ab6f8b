import { beforeAll, describe, expect, it } from "vitest";
import { type RenderedStack, TYPES, renderStack } from "../helpers/render";
import type { RecordedResource } from "@platform/offline-plan";
import { diffPlans, type PlannedResource } from "@platform/offline-plan";
import { ALL_POLICIES } from "../../policies/rules";
import { violationsOf } from "../policies/fixtures";
import * as stacks from "../fixtures/stacks";

type Stack = RenderedStack;
type Obj = Record<string, any>;
const { instance: INSTANCE, cronJob: CRONJOB, hpa: HPA, deployment: DEPLOYMENT } = TYPES;
const RESTORED = "platform-db-restore-snapshot-before-migration";
const RESTORED_ID = "platform-test-snapshot-before-migration";

/** prod's config with a section edited. */
function prodWith(edit: (sections: Obj) => void): Record<string, unknown> {
  const config = stacks.production() as Obj;
  const sections = new Proxy(config, {
    get: (target, key: string) => target[`platform:${key}`],
    set: (target, key: string, value) => ((target[`platform:${key}`] = value), true),
  });
  edit(sections);
  return config;
}
/** Resources with their secret values revealed, so a diff sees credentials change. */
const revealed = (stack: Stack): PlannedResource[] =>
  stack.resources.map((r) => ({ ...r, inputs: r.revealedInputs ?? r.inputs }));
const byName = (resources: readonly { urn: string }[]) => resources.map((r) => r.urn.split("::").pop()).sort();

let base: Stack;
beforeAll(async () => {
  base = await renderStack(stacks.production(), { revealSecrets: true });
});

describe("restore: a new instance, every consumer follows it, the old one stays protected", () => {
  let restored: Stack;
  beforeAll(async () => {
    restored = await renderStack(
      prodWith((c) => {
        c.database.restore = { snapshotId: "before-migration" };
        c.database.retainedInstances = [{}];
      }),
      { revealSecrets: true },
    );
  });

  it("creates the restored instance with the primary's guarantees", () => {
    const original = base.find(INSTANCE, "platform-db-instance");
    const instance = restored.find(INSTANCE, RESTORED);
    expect(instance.protect).toBe(true);
    expect(instance.inputs).toMatchObject({
      snapshotIdentifier: "before-migration",
      identifier: RESTORED_ID,
      multiAz: true,
      storageEncrypted: true,
      deletionProtection: true,
      backupRetentionPeriod: 30,
      publiclyAccessible: false,
    });
    for (const key of ["kmsKeyId", "dbSubnetGroupName", "vpcSecurityGroupIds", "parameterGroupName", "instanceClass"])
      expect(instance.inputs[key]).toEqual(original.inputs[key]);
    expect(instance.inputs.finalSnapshotIdentifier).not.toBe(original.inputs.finalSnapshotIdentifier);
  });

  it("keeps the original registered, protected and unchanged, and removes nothing", () => {
    const diff = diffPlans(base.resources, restored.resources);
    expect(diff.removed).toEqual([]);
    expect(byName(diff.changed)).not.toContain("platform-db-instance");
    expect(restored.find(INSTANCE, "platform-db-instance").protect).toBe(true);
  });

  it("moves every consumer to the restored endpoint in the same update", () => {
    const host = (value: unknown) => String(value).startsWith(`${RESTORED_ID}.`);
    const secret = JSON.parse(
      String(
        restored.find("aws:secretsmanager/secretVersion:SecretVersion", "platform-db-master-secret-value")
          .revealedInputs!.secretString,
      ),
    );
    expect(host(secret.host)).toBe(true);
    expect(host(restored.find("pulumi:providers:postgresql", "platform-db-admin").inputs.host)).toBe(true);
    for (const job of restored.ofType(CRONJOB).filter((j) => JSON.stringify(j.inputs).includes("PGHOST"))) {
      const env = (j: RecordedResource) =>
        [
          ...(j.inputs as Obj).spec.jobTemplate.spec.template.spec.containers,
          ...((j.inputs as Obj).spec.jobTemplate.spec.template.spec.initContainers ?? []),
        ].flatMap((c: Obj) => c.env ?? []);
      for (const pghost of env(job).filter((e: Obj) => e.name === "PGHOST"))
        expect(host(pghost.value), job.name).toBe(true);
    }
    expect(restored.find("aws:rds/eventSubscription:EventSubscription", "platform-db-events").inputs.sourceIds).toEqual(
      [RESTORED_ID],
    );
    const dbAlarms = restored
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => (a.inputs.dimensions as Obj | undefined)?.DBInstanceIdentifier);
    expect(dbAlarms.length).toBeGreaterThan(0);
    for (const alarm of dbAlarms) expect((alarm.inputs.dimensions as Obj).DBInstanceIdentifier).toBe(RESTORED_ID);
    expect(
      restored.find(
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "platform-db-dr-backups",
      ).inputs.sourceDbInstanceArn,
    ).toContain(`db:${RESTORED_ID}`);
  });

  it("retires the old instance in two further changes: unprotect, then drop (a drop without retiring is called out)", async () => {
    const retiring = await renderStack(
      prodWith((c) => {
        c.database.restore = { snapshotId: "before-migration" };
        c.database.retainedInstances = [{ retire: true }];
      }),
    );
    const old = retiring.find(INSTANCE, "platform-db-instance");
    expect(old.protect).toBe(false);
    expect(old.inputs.deletionProtection).toBe(false);
    expect(old.inputs.finalSnapshotIdentifier).toBe("platform-db-test-final");
    // Tagged as retiring, which the policy pack accepts without deletion protection or `protect`.
    expect(old.inputs.tags).toEqual({ "platform:lifecycle": "retiring" });
    expect(await violationsOf(ALL_POLICIES, retiring.resources)).toEqual([]);
    const dropped = await renderStack(prodWith((c) => (c.database.restore = { snapshotId: "before-migration" })));
    expect(byName(diffPlans(retiring.resources, dropped.resources).removed)).toEqual(["platform-db-instance"]);
    expect(diffPlans(retiring.resources, dropped.resources).protectedRemoved).toEqual([]);
    expect(byName(diffPlans(restored.resources, dropped.resources).protectedRemoved)).toEqual(["platform-db-instance"]);
  });
});

describe("maintenance: pause → snapshot → resume as two commits", () => {
  let paused: Stack;
  beforeAll(async () => {
    paused = await renderStack(
      prodWith(
        (c) => (c.maintenance = { enabled: true, snapshot: "before-pg17", reason: "PostgreSQL 17 upgrade (CHG-1234)" }),
      ),
      { revealSecrets: true },
    );
  });

  it("suspends every CronJob and stops every worker pool without an HPA", () => {
    expect(paused.ofType(CRONJOB).length).toBe(base.ofType(CRONJOB).length);
    for (const job of paused.ofType(CRONJOB)) expect((job.inputs as Obj).spec.suspend, job.name).toBe(true);
    expect(paused.ofType(HPA)).toEqual([]);
    // The data-tier exporters (monitoring-exporters-*) keep watching the database through maintenance.
    const workers = paused.ofType(DEPLOYMENT).filter((d) => !d.name.startsWith("monitoring-"));
    expect(byName(workers)).toEqual([
      "tenant-acme-workers-deployment",
      "workers-default-deployment",
      "workers-reports-deployment",
    ]);
    for (const deployment of workers) expect((deployment.inputs as Obj).spec.replicas, deployment.name).toBe(0);
  });

  it("takes a retained manual snapshot of the active instance once everything is paused", () => {
    const snapshot = paused.find("aws:rds/snapshot:Snapshot", "maintenance-snapshot-before-pg17");
    expect(snapshot.retainOnDelete).toBe(true);
    expect(snapshot.inputs.dbSnapshotIdentifier).toBe("before-pg17");
    expect(snapshot.inputs.dbInstanceIdentifier).toMatch(/^platform-db-instance-/);
    expect((snapshot.inputs.tags as Obj)["platform:reason"]).toBe("PostgreSQL 17 upgrade  CHG-1234");
    const component = paused.find("platform:operations:MaintenanceSnapshot", "maintenance-snapshot");
    // Pulumi waits for a component's children: every paused Deployment and suspended CronJob comes first.
    const pools = paused.ofType(DEPLOYMENT).filter((d) => !d.name.startsWith("monitoring-"));
    for (const r of [...pools, ...paused.ofType(CRONJOB)]) expect(component.dependsOn, r.name).toContain(r.urn);
  });

  it("changes nothing but suspension, replicas (applied with patchForce), HPAs and the snapshot", () => {
    const diff = diffPlans(revealed(base), revealed(paused));
    expect(byName(diff.added)).toEqual(["maintenance-snapshot", "maintenance-snapshot-before-pg17"]);
    expect(diff.removed.every((r) => r.type === HPA)).toBe(true);
    for (const change of diff.changed)
      expect(change.paths, change.urn).toEqual(
        change.type === CRONJOB ? ["spec.suspend"] : ["metadata.annotations", "spec.replicas"],
      );
  });

  it("round-trips: on, then off, renders exactly the plan it started from", async () => {
    const resumed = await renderStack(
      prodWith((c) => (c.maintenance = { enabled: false })),
      { revealSecrets: true },
    );
    const diff = diffPlans(revealed(base), revealed(resumed));
    expect({ added: diff.added.length, changed: diff.changed, removed: diff.removed.length }).toEqual({
      added: 0,
      changed: [],
      removed: 0,
    });
  });
});

describe("rotation: a generation bump changes only credentials and what carries them", () => {
  const CREDENTIAL_PATHS =
    /^(keepers\.generation|result|password|secretString|stringData\.(password|DATABASE_URL|REDIS_URL)|authenticationMode\.passwords\[\d\]|spec\.template\.metadata\.annotations.*credentials-generation.*)$/;
  const PLATFORM_POOLS = ["workers-default-deployment", "workers-reports-deployment"];

  it.each([
    [
      // The operations jobs log in as their own role: the master's rotation does not touch them.
      "the master password",
      (c: Obj) => (c.database.passwordGeneration = 2),
      ["platform-db-instance", "platform-db-master-password", "platform-db-master-secret-value", "platform-db-admin"],
      false,
    ],
    [
      "the operations role",
      (c: Obj) => (c.database.operationsPasswordGeneration = 2),
      ["platform-db-ops-password", "platform-db-ops-role", "platform-db-ops", "database-ops-secret"],
      false,
    ],
    [
      // The pools read DATABASE_URL at start: their pod template carries the generation, so they roll.
      "the application role",
      (c: Obj) => (c.database.applicationPasswordGeneration = 2),
      ["platform-db-app-password", "platform-db-app-role", "platform-connection-secret", ...PLATFORM_POOLS],
      false,
    ],
    [
      "the Redis platform user",
      (c: Obj) => (c.redis.platformUserGeneration = 2),
      ["platform-redis-platform-user", "platform-connection-secret", ...PLATFORM_POOLS],
      true,
    ],
  ])("%s", async (_what, edit, expected, redis) => {
    const rotated = await renderStack(prodWith(edit), { revealSecrets: true });
    const diff = diffPlans(revealed(base), revealed(rotated));
    expect(byName(diff.changed)).toEqual([...expected].sort());
    for (const change of diff.changed)
      for (const path of change.paths) expect(path, change.urn).toMatch(CREDENTIAL_PATHS);
    // Redis passwords are one resource per generation (so the previous one can stay accepted): replaced, not edited.
    expect(byName(diff.added)).toEqual(redis ? ["platform-redis-platform-user-g2-password"] : []);
    expect(byName(diff.removed)).toEqual(redis ? ["platform-redis-platform-user-password"] : []);
  });

  it("Redis: while keepPreviousPlatformPassword is on, the previous generation's password stays valid", async () => {
    const overlap = await renderStack(
      prodWith((c) => Object.assign(c.redis, { platformUserGeneration: 2, keepPreviousPlatformPassword: true })),
      { revealSecrets: true },
    );
    const passwords = (overlap.find("aws:elasticache/user:User", "platform-redis-platform-user").revealedInputs as Obj)
      .authenticationMode.passwords;
    const previous = base.find("random:index/randomPassword:RandomPassword", "platform-redis-platform-user-password");
    const current = overlap.find(
      "random:index/randomPassword:RandomPassword",
      "platform-redis-platform-user-g2-password",
    );
    expect(passwords).toHaveLength(2);
    expect(passwords[1]).toBe(
      (base.find("aws:elasticache/user:User", "platform-redis-platform-user").revealedInputs as Obj).authenticationMode
        .passwords[0],
    );
    expect(diffPlans([previous], overlap.ofType("random:index/randomPassword:RandomPassword")).removed).toEqual([]);
    expect(current.inputs.keepers).toEqual({ generation: "2" });
  });
});

describe("onboarding diff: prod against prod with one more tenant", () => {
  it("adds exactly that tenant's resources and changes only what lists tenants", async () => {
    const head = await renderStack(
      prodWith((c) => c.tenants.push({ id: "soylent", name: "Soylent", tier: "enterprise" })),
      { revealSecrets: true },
    );
    const diff = diffPlans(revealed(base), revealed(head));
    expect(diff.removed).toEqual([]);
    expect(diff.added.length).toBeGreaterThan(0);
    for (const r of diff.added) expect(r.urn).toContain("tenant-soylent");
    // Membership: the list of databases the backup, restore-verification and VACUUM jobs cover gains tenant_soylent,
    // and so do the backup alerts (BackupStale per database) and the Pushgateway cleanup Job (named by the list).
    expect(byName(diff.changed)).toEqual([
      "alerts-rules",
      "database-backups-backup-cronjob",
      "database-backups-verify-cronjob",
      "jobs-database-maintenance-cronjob",
      "monitoring-pushgateway-cleanup-job",
    ]);
    const rules = diff.changed.find((c) => c.urn.endsWith("::alerts-rules"))!;
    expect(
      rules.paths.every((p) => /^spec\.groups\[\d+\]\.rules\[\d+\]\.expr$/.test(p)),
      rules.paths.join(),
    ).toBe(true);
    for (const change of diff.changed.filter((c) => c.type === CRONJOB))
      for (const path of change.paths)
        expect(path).toMatch(
          /^spec\.jobTemplate\.spec\.template\.spec\.(init)?[cC]ontainers\[\d+\]\.env\[\d+\]\.value$/,
        );
    const backup = head.find(CRONJOB, "database-backups-backup-cronjob").inputs as Obj;
    const env = backup.spec.jobTemplate.spec.template.spec.initContainers[0].env as Obj[];
    expect(env.find((e) => e.name === "BACKUP_DATABASES")!.value).toContain("tenant_soylent");
  });
});
