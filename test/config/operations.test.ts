import { describe, expect, it } from "vitest";
import { expectProblem, parseStack } from "../helpers/config";
import { restoreKey } from "../../config/restore";
import * as stacks from "../fixtures/stacks";

const ARN = "arn:aws:rds:us-east-1:123456789012:db:platform-db-instance-4f1c2ab";

describe("platform:database.restore and retainedInstances config", () => {
  it("keys instances by their restore source, or by an explicit label", () => {
    expect(restoreKey(undefined)).toBe("original");
    expect(restoreKey({ snapshotId: "rds:platform-db-2026-11-20-03-10" })).toBe(
      "snapshot-rds-platform-db-2026-11-20-03-10",
    );
    expect(restoreKey({ pointInTime: { sourceInstance: "x", time: "2026-11-20T13:45:00Z" } })).toBe(
      "pitr-2026-11-20t13-45-00z",
    );
    expect(restoreKey({ pointInTime: { sourceInstance: "x", useLatestRestorableTime: true } })).toBe("pitr-latest");
    expect(
      restoreKey({ pointInTime: { sourceInstance: "x", useLatestRestorableTime: true }, label: "incident-42" }),
    ).toBe("incident-42");
  });

  it("accepts a restore that retains the original instance", () => {
    const config = parseStack(stacks.production(), (raw) => {
      raw.database.restore = { snapshotId: "before-migration" };
      raw.database.retainedInstances = [{}];
    });
    expect(config.database.retainedInstances).toEqual([{ retire: false }]);
  });

  it("rejects retaining the active instance", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.retainedInstances = [{}]),
      "platform:database.retainedInstances[0]",
      "is the active instance (original)",
    );
  });

  it("rejects retaining one instance twice", () => {
    expectProblem(
      stacks.production(),
      (raw) => {
        raw.database.restore = { snapshotId: "b" };
        raw.database.retainedInstances = [
          { restore: { snapshotId: "a" } },
          { restore: { snapshotId: "a" }, retire: true },
        ];
      },
      "platform:database.retainedInstances[1]",
      "names instance snapshot-a again",
    );
  });

  it("rejects a label that is not a short DNS label", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.restore = { snapshotId: "a", label: "Restore_1" }),
      "platform:database.restore.label",
      "a DNS label of at most 24 characters",
    );
  });

  it("needs exactly one of time and useLatestRestorableTime", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.database.restore = { pointInTime: { sourceInstance: "db-1" } }),
      "platform:database.restore.pointInTime",
      "give exactly one of time or useLatestRestorableTime: true",
    );
  });
});

describe("platform:dr standby config", () => {
  it("accepts the prod-dr stack as a standby of prod's instance", () => {
    const config = parseStack(stacks.productionStandby());
    expect(config.region).toBe("us-west-2");
    expect(config.dr).toMatchObject({
      region: "us-east-1",
      role: "standby",
      sourceDbArn: ARN,
      standbyWorkerFraction: 0.25,
    });
  });

  it("requires the primary's instance ARN in standby", () => {
    expectProblem(
      stacks.productionStandby(),
      (raw) => delete raw.dr.sourceDbArn,
      "platform:dr.sourceDbArn",
      'required while role is "standby"',
    );
  });

  it("requires an RDS instance ARN in the primary's region", () => {
    expectProblem(
      stacks.productionStandby(),
      (raw) => (raw.dr.sourceDbArn = "platform-db-instance"),
      "platform:dr.sourceDbArn",
      "an RDS instance ARN",
    );
    expectProblem(
      stacks.productionStandby(),
      (raw) => (raw.dr.sourceDbArn = ARN.replace("us-east-1", "eu-west-1")),
      "platform:dr.sourceDbArn",
      "is in eu-west-1, but platform:dr.region",
    );
  });

  it("rejects a restore or read replicas while standby", () => {
    expectProblem(
      stacks.productionStandby(),
      (raw) => (raw.database.restore = { snapshotId: "a" }),
      "platform:database.restore",
      'not while platform:dr.role is "standby"',
    );
    expectProblem(
      stacks.productionStandby(),
      (raw) => (raw.database.readReplicas = 1),
      "platform:database.readReplicas",
      'must be 0 while platform:dr.role is "standby"',
    );
  });
});

describe("platform:maintenance and rotation config", () => {
  it("takes a snapshot only while maintenance is on", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.maintenance = { enabled: false, snapshot: "before-upgrade" }),
      "platform:maintenance.snapshot",
      "only with enabled: true",
    );
  });

  it("rejects a snapshot name RDS would refuse", () => {
    expectProblem(
      stacks.production(),
      (raw) => (raw.maintenance = { enabled: true, snapshot: "9-before" }),
      "platform:maintenance.snapshot",
      "an RDS snapshot identifier",
    );
  });

  it("keeps the previous Redis password only on request", () => {
    expect(parseStack(stacks.production()).redis.keepPreviousPlatformPassword).toBe(false);
    expectProblem(
      stacks.production(),
      (raw) => (raw.redis.keepPreviousPlatformPassword = "yes"),
      "platform:redis.keepPreviousPlatformPassword",
      "boolean",
    );
  });
});
