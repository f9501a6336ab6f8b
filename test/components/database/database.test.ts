import { beforeAll, describe, expect, it } from "vitest";
import { defaultMaxConnections } from "../../../config/capacity";
import { databaseParameters, restoreInputs } from "../../../components/database";
import { type Finders, renderStack } from "../../helpers/render";
import type { RenderResult } from "@platform/offline-plan";
import {
  ALARM,
  KMS_KEY,
  TOPIC,
  alarmsByRole,
  everythingPlain,
  expectClusterOnlyIngress,
  expectKeyOfAlias,
} from "../../helpers/data-tier";
import * as stacks from "../../fixtures/stacks";

type Stack = RenderResult & Finders;
const INSTANCE = "aws:rds/instance:Instance";
const GIB = 1024 ** 3;

describe("database in production", () => {
  let prod: Stack;
  const config = stacks.production();
  const network = config["platform:network"] as { privateSubnetIds: string[]; clusterSecurityGroupId: string };
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { revealSecrets: true });
  });
  const instance = () => prod.find(INSTANCE, "platform-db-instance");

  it("is encrypted with the stack's own rotating KMS key, and both are protected", () => {
    const { inputs, protect } = instance();
    expect(inputs.storageEncrypted).toBe(true);
    expectKeyOfAlias(prod, inputs.kmsKeyId, "alias/platform/test/database");
    expectKeyOfAlias(prod, inputs.performanceInsightsKmsKeyId, "alias/platform/test/database");
    expect(protect).toBe(true);
    const key = prod.find(KMS_KEY, "platform-db-kms-key");
    expect(key.protect).toBe(true);
    expect(key.inputs.enableKeyRotation).toBe(true);
  });

  it("is private: private subnets, 5432 from the cluster only, never public", () => {
    const { inputs } = instance();
    expect(inputs.publiclyAccessible).toBe(false);
    expect(prod.find("aws:rds/subnetGroup:SubnetGroup", "platform-db-subnets").inputs.subnetIds).toEqual(
      network.privateSubnetIds,
    );
    const groups = inputs.vpcSecurityGroupIds as string[];
    expect(groups).toHaveLength(1);
    expectClusterOnlyIngress(prod, groups[0], 5432, network.clusterSecurityGroupId);
  });

  it("survives a zone loss and an accidental delete: Multi-AZ, PITR, final snapshot, deletion protection", () => {
    expect(instance().inputs).toMatchObject({
      multiAz: true,
      backupRetentionPeriod: 30,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:04:30-sun:05:30",
      copyTagsToSnapshot: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "platform-db-test-final",
      deleteAutomatedBackups: false,
      storageType: "gp3",
      allocatedStorage: 200,
      maxAllocatedStorage: 1000,
      performanceInsightsEnabled: true,
      monitoringInterval: 30,
    });
    expect(instance().inputs.monitoringRoleArn).toMatch(/^arn:aws:iam::\d{12}:role\/platform-db-monitoring-role/);
  });

  it("replicates automated backups to the DR region, encrypted with a protected key there", () => {
    const replication = prod.find(
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      "platform-db-dr-backups",
    );
    const drProvider = prod.ofType("pulumi:providers:aws").find((p) => p.urn === replication.provider);
    expect(drProvider?.inputs.region).toBe("us-west-2");
    expect(replication.inputs.sourceDbInstanceArn).toMatch(/^arn:aws:rds:us-east-1:\d{12}:db:platform-db-instance/);
    expect(replication.inputs.retentionPeriod).toBe(30);
    const drKey = prod.find(KMS_KEY, "platform-db-dr-kms-key");
    expect(drKey.provider).toBe(drProvider?.urn);
    expect(drKey.protect).toBe(true);
    expectKeyOfAlias(prod, replication.inputs.kmsKeyId, "alias/platform/test/database-dr");
  });

  it("forces TLS, logs slow queries and preloads pg_stat_statements, plus the stack's parameters", () => {
    const group = prod.find("aws:rds/parameterGroup:ParameterGroup", "platform-db-params");
    expect(instance().inputs.parameterGroupName).toMatch(/^platform-db-params/);
    expect(group.inputs.family).toBe("postgres16");
    const values = Object.fromEntries(
      (group.inputs.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    expect(values).toMatchObject({
      "rds.force_ssl": "1",
      log_min_duration_statement: "1000",
      shared_preload_libraries: "pg_stat_statements,auto_explain",
      idle_in_transaction_session_timeout: "60000",
      "auto_explain.log_min_duration": "5000",
    });
  });

  it("keeps the generated master password secret everywhere", () => {
    const { inputs, secretPaths, revealedInputs } = instance();
    expect(inputs.password).toBe("[secret]");
    expect(secretPaths).toContain("password");
    const password = String(revealedInputs?.password);
    expect(password).toHaveLength(40);
    expect(password).not.toMatch(/[/@" ]/);
    expect(everythingPlain(prod)).not.toContain(password);
    const secretValue = prod.find("aws:secretsmanager/secretVersion:SecretVersion", "platform-db-master-secret-value");
    expect(secretValue.secretPaths).toContain("secretString");
    expect(JSON.parse(String(secretValue.revealedInputs?.secretString))).toMatchObject({
      username: "platform_admin",
      password,
      port: 5432,
      dbname: "app",
    });
    expectKeyOfAlias(
      prod,
      prod.find("aws:secretsmanager/secret:Secret", "platform-db-master-secret").inputs.kmsKeyId,
      "alias/platform/test/database",
    );
  });

  it("gives tenants an admin provider over TLS to the instance, and creates the application database through it", () => {
    const provider = prod.find("pulumi:providers:postgresql", "platform-db-admin");
    expect(provider.inputs).toMatchObject({
      sslmode: "require",
      superuser: "false",
      username: "platform_admin",
      password: "[secret]",
      port: "5432",
    });
    expect(provider.inputs.host).toMatch(
      /^platform-db-instance-[0-9a-f]+\.c[0-9a-f]+\.us-east-1\.rds\.amazonaws\.com$/,
    );
    expect(provider.revealedInputs?.password).toBe(instance().revealedInputs?.password);
    const database = prod.find("postgresql:index/database:Database", "platform-db-app-db");
    expect(database.inputs.name).toBe("app");
    expect(database.provider).toBe(provider.urn);
    expect(database.protect).toBe(true);
  });

  it("alarms to the alerts topic with the thresholds from config", () => {
    const topicArn = `arn:aws:sns:us-east-1:123456789012:${prod.find(TOPIC, "platform-alerts-topic").name}`;
    const alarms = alarmsByRole(prod, prod.find("platform:database:Database", "platform-db"), "platform-db");
    for (const alarm of alarms.values()) {
      expect(String((alarm.inputs.alarmActions as string[])[0])).toMatch(new RegExp(`^${topicArn}-[0-9a-f]+$`));
      expect(alarm.inputs.okActions).toEqual(alarm.inputs.alarmActions);
    }
    const maxConnections = defaultMaxConnections("db.r6g.xlarge")!;
    const expected: Record<string, [string, string, number, number]> = {
      cpu: ["CPUUtilization", "GreaterThanThreshold", 80, 10],
      "freeable-memory-warning": ["FreeableMemory", "LessThanThreshold", Math.round(32 * GIB * 0.15), 10],
      "connections-warning": ["DatabaseConnections", "GreaterThanThreshold", Math.floor(maxConnections * 0.8), 5],
      "connections-critical": ["DatabaseConnections", "GreaterThanThreshold", Math.floor(maxConnections * 0.95), 5],
    };
    for (const [role, [metricName, comparisonOperator, threshold, evaluationPeriods]] of Object.entries(expected)) {
      expect(alarms.get(role)?.inputs, role).toMatchObject({
        namespace: "AWS/RDS",
        metricName,
        comparisonOperator,
        threshold,
        evaluationPeriods,
        period: 60,
      });
    }
    expect([...alarms.keys()].filter((role) => role.includes("replica"))).toEqual([]);
    expect(alarms.get("cpu")?.inputs.dimensions).toEqual({
      DBInstanceIdentifier: expect.stringMatching(/^platform-db-instance-/),
    });
  });

  it("takes alarm thresholds from platform:alerts, and alarms on each read replica's lag", async () => {
    const changed = stacks.production();
    (changed["platform:database"] as Record<string, unknown>).readReplicas = 1;
    changed["platform:alerts"] = {
      ...(changed["platform:alerts"] as object),
      cpuPercent: { warning: 70, forMinutes: 15 },
      dbConnectionsPercent: { warning: 60, critical: 90 },
    };
    const stack = await renderStack(changed);
    const alarms = alarmsByRole(stack, stack.find("platform:database:Database", "platform-db"), "platform-db");
    expect(alarms.get("cpu")?.inputs).toMatchObject({ threshold: 70, evaluationPeriods: 15, datapointsToAlarm: 15 });
    expect(alarms.get("connections-warning")?.inputs.threshold).toBe(
      Math.floor(defaultMaxConnections("db.r6g.xlarge")! * 0.6),
    );
    const replica = stack.find(INSTANCE, "platform-db-replica-1");
    expect(replica.inputs).toMatchObject({
      replicateSourceDb: expect.stringMatching(/^platform-db-instance-/),
      storageEncrypted: true,
      publiclyAccessible: false,
    });
    for (const [severity, seconds] of [
      ["warning", 60],
      ["critical", 300],
    ] as const) {
      expect(alarms.get(`replica-1-lag-${severity}`)?.inputs).toMatchObject({
        metricName: "ReplicaLag",
        threshold: seconds,
        dimensions: { DBInstanceIdentifier: expect.stringMatching(/^platform-db-replica-1-/) },
      });
    }
    expect(stack.ofType(ALARM).filter((a) => a.name.startsWith("platform-db-alarm-replica")).length).toBe(2);
  });

  it("connects through a tunnel when adminHost/adminPort are set", async () => {
    const tunnelled = stacks.production();
    Object.assign(tunnelled["platform:database"] as object, { adminHost: "127.0.0.1", adminPort: 15432 });
    const stack = await renderStack(tunnelled);
    expect(stack.find("pulumi:providers:postgresql", "platform-db-admin").inputs).toMatchObject({
      host: "127.0.0.1",
      port: "15432",
      sslmode: "require",
    });
  });
});

describe("database in staging", () => {
  let staging: Stack;
  beforeAll(async () => {
    staging = await renderStack(stacks.staging(), { stack: "staging" });
  });

  it("is cheaper (single-AZ, 7 days, no deletion protection, not protected) but still encrypted and private", () => {
    const instance = staging.find(INSTANCE, "platform-db-instance");
    expect(instance.inputs).toMatchObject({
      multiAz: false,
      backupRetentionPeriod: 7,
      deletionProtection: false,
      storageEncrypted: true,
      publiclyAccessible: false,
      skipFinalSnapshot: false,
      monitoringInterval: 0,
    });
    expectKeyOfAlias(staging, instance.inputs.kmsKeyId, "alias/platform/staging/database");
    expect(instance.protect).toBe(false);
    expect(staging.find(KMS_KEY, "platform-db-kms-key").protect).toBe(false);
    expect(staging.ofType("aws:iam/role:Role").filter((r) => r.name.startsWith("platform-db"))).toEqual([]);
  });

  it("does not replicate backups to the DR region and has no replica-lag alarms", () => {
    expect(staging.ofType("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication")).toEqual(
      [],
    );
    expect(staging.ofType(ALARM).filter((a) => a.name.includes("replica"))).toEqual([]);
  });
});

describe("database parameters and restore", () => {
  it("applies static parameters at the next reboot and dynamic ones immediately", () => {
    const parameters = Object.fromEntries(
      databaseParameters({ max_connections: 500, work_mem: "64MB" }).map((p) => [p.name, p]),
    );
    expect(parameters.max_connections).toEqual({
      name: "max_connections",
      value: "500",
      applyMethod: "pending-reboot",
    });
    expect(parameters.shared_preload_libraries.applyMethod).toBe("pending-reboot");
    expect(parameters.log_min_duration_statement).toEqual({
      name: "log_min_duration_statement",
      value: "1000",
      applyMethod: "immediate",
    });
    expect(parameters.work_mem.applyMethod).toBe("immediate");
  });

  it("restores from a snapshot or a point in time into a new instance named by its source", async () => {
    const fromSnapshot = stacks.staging();
    (fromSnapshot["platform:database"] as Record<string, unknown>).restore = {
      snapshotId: "platform-db-before-migration",
    };
    const snapshotStack = await renderStack(fromSnapshot, { stack: "staging" });
    const restored = snapshotStack.find(INSTANCE, "platform-db-restore-snapshot-platform-db-before-migration");
    expect(restored.inputs.snapshotIdentifier).toBe("platform-db-before-migration");
    expect(restored.inputs.identifier).toBe("platform-staging-snapshot-platform-db-before-migration");

    const pointInTime = stacks.staging();
    (pointInTime["platform:database"] as Record<string, unknown>).restore = {
      pointInTime: { sourceInstance: "platform-db-old", time: "2026-11-20T13:45:00Z" },
    };
    const pitStack = await renderStack(pointInTime, { stack: "staging" });
    const pit = pitStack.find(INSTANCE, "platform-db-restore-pitr-2026-11-20t13-45-00z");
    expect(pit.inputs.restoreToPointInTime).toEqual({
      sourceDbInstanceIdentifier: "platform-db-old",
      restoreTime: "2026-11-20T13:45:00Z",
    });
    // A point-in-time restore needs an explicit identifier; the master user comes from the source.
    expect(pit.inputs.identifier).toBe("platform-staging-pitr-2026-11-20t13-45-00z");
    expect(pit.inputs.username).toBeUndefined();
    // From replicated automated backups (the DR region), by their ARN.
    const arn = "arn:aws:rds:us-west-2:123456789012:auto-backup:ab-0a1b2c3d4e5f6a7b8c9d0e1f2a";
    expect(restoreInputs({ pointInTime: { sourceInstance: arn, useLatestRestorableTime: true } })).toEqual({
      restoreToPointInTime: { sourceDbInstanceAutomatedBackupsArn: arn, useLatestRestorableTime: true },
    });
  });
});
