import { describe, expect, it } from "vitest";
import { expectProblem, parseStack } from "../helpers/config";
import * as stacks from "../fixtures/stacks";

describe("platform:database config", () => {
  it("accepts the prod and staging stacks and applies environment defaults", () => {
    const prod = parseStack(stacks.production(), (raw) => {
      for (const key of [
        "multiAz",
        "backupRetentionDays",
        "deletionProtection",
        "replicateBackupsToDr",
        "monitoringIntervalSeconds",
      ])
        delete raw.database[key];
    });
    expect(prod.database.monitoringIntervalSeconds).toBe(60);
    expect(prod.database).toMatchObject({
      multiAz: true,
      backupRetentionDays: 30,
      deletionProtection: true,
      skipFinalSnapshot: false,
      replicateBackupsToDr: true,
    });
    const staging = parseStack(stacks.staging());
    expect(staging.database).toMatchObject({
      multiAz: false,
      backupRetentionDays: 7,
      deletionProtection: false,
      replicateBackupsToDr: false,
      monitoringIntervalSeconds: 0,
    });
  });

  it("requires an RDS instance class", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.instanceClass = "r6g.large"),
      "platform:database.instanceClass",
      'an RDS instance class such as "db.r6g.large"',
    );
  });

  it("accepts only supported PostgreSQL versions", () => {
    const error = expectProblem(
      stacks.production(),
      (raw) => (raw.database.engineVersion = "12"),
      "platform:database.engineVersion",
      'allowed: "14", "15", "16", "17"',
    );
    expect(error.message).toContain('platform:database.engineVersion = "12"');
  });

  it.each([0, 36])("keeps backup retention within RDS's 1–35 days (%i)", (days) => {
    expectProblem(
      stacks.staging(),
      (raw) => (raw.database.backupRetentionDays = days),
      "platform:database.backupRetentionDays",
      days === 0 ? "at least 1" : "at most 35",
    );
  });

  it("leaves short production retention to the policy pack (valid config, blocked as unsafe)", () => {
    expect(
      parseStack(stacks.production(), (raw) => (raw.database.backupRetentionDays = 3)).database.backupRetentionDays,
    ).toBe(3);
  });

  it("requires Multi-AZ in production unless single-AZ is allowed with a reason", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.multiAz = false),
      "platform:database.multiAz",
      "production requires Multi-AZ",
    );
    expectProblem(
      stacks.production(),
      (raw) => Object.assign(raw.database, { multiAz: false, allowSingleAz: true }),
      "platform:database.singleAzReason",
      "required when allowSingleAz is true",
    );
    const accepted = parseStack(stacks.production(), (raw) =>
      Object.assign(raw.database, {
        multiAz: false,
        allowSingleAz: true,
        singleAzReason: "region has one AZ with r6g capacity",
      }),
    );
    expect(accepted.database.multiAz).toBe(false);
  });

  it("never skips the final snapshot in production", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.skipFinalSnapshot = true),
      "platform:database.skipFinalSnapshot",
      "production always takes a final snapshot",
    );
  });

  it("refuses parameters that weaken TLS or drop pg_stat_statements", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.parameters = { "rds.force_ssl": 0 }),
      "platform:database.parameters.rds.force_ssl",
      "requires TLS",
    );
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.parameters = { shared_preload_libraries: "auto_explain" }),
      "platform:database.parameters.shared_preload_libraries",
      'must include "pg_stat_statements"',
    );
  });

  it("keeps the storage autoscaling ceiling above the allocation", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.maxAllocatedStorageGb = 100),
      "platform:database.maxAllocatedStorageGb",
      "must be ≥ allocatedStorageGb (200)",
    );
  });

  it("needs a DR region to replicate backups to", () => {
    expectProblem(
      stacks.staging(),
      (raw) => {
        raw.database.replicateBackupsToDr = true;
        delete raw.dr;
      },
      "platform:database.replicateBackupsToDr",
      'needs a "platform:dr" section',
    );
  });

  it("names a mistyped key and suggests the right one", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.backupRetentionDay = 30),
      "platform:database.backupRetentionDay",
      'did you mean "backupRetentionDays"',
    );
  });

  it("takes adminPort only together with adminHost", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.adminPort = 15432),
      "platform:database.adminPort",
      "only together with adminHost",
    );
  });
});

describe("platform:redis config", () => {
  it("requires an ElastiCache node type", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.redis.nodeType = "r6g.large"),
      "platform:redis.nodeType",
      'an ElastiCache node type such as "cache.r6g.large"',
    );
  });

  it("accepts only engine versions with RBAC user groups", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.redis.engineVersion = "5.0.6"),
      "platform:redis.engineVersion",
      'allowed: "6.2", "7.0", "7.1"',
    );
  });

  it("needs a replica in production for automatic failover", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.redis.replicasPerShard = 0),
      "platform:redis.replicasPerShard",
      "at least 1 replica",
    );
    expect(parseStack(stacks.staging()).redis.replicasPerShard).toBe(0);
  });

  it("keeps snapshots of the job queues in production", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.redis.snapshotRetentionDays = 0),
      "platform:redis.snapshotRetentionDays",
      "at least 1 daily snapshot",
    );
    expectProblem(
      stacks.production(),
      (raw) => (raw.redis.snapshotRetentionDays = 36),
      "platform:redis.snapshotRetentionDays",
      "at most 35",
    );
  });

  it("validates window formats", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.redis.snapshotWindow = "5-6"),
      "platform:redis.snapshotWindow",
      'a UTC window "hh:mm-hh:mm"',
    );
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.maintenanceWindow = "sunday 4am"),
      "platform:database.maintenanceWindow",
      "a UTC weekly window",
    );
  });
});
