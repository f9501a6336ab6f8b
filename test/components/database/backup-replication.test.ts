// Changing the backup retention must not break the DR copy of the automated backups. The replication resource has
// no update (every argument ForceNew), so the change is a replacement; the order of that replacement is what the
// program controls.
import { beforeAll, describe, expect, it } from "vitest";
import { Finders, renderStack } from "../../helpers/render";
import type { RecordedResource, RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

/**
 * aws_db_instance_automated_backups_replication (hashicorp/terraform-provider-aws
 * internal/service/rds/instance_automated_backups_replication.go): no Update function, and `kms_key_id`,
 * `pre_signed_url`, `retention_period`, `source_db_instance_arn` all ForceNew. Pulumi names.
 */
const REPLICATION_FORCE_NEW = ["kmsKeyId", "preSignedUrl", "retentionPeriod", "sourceDbInstanceArn"] as const;
const replaces = (before: RecordedResource, after: RecordedResource) =>
  REPLICATION_FORCE_NEW.some(
    (k) => JSON.stringify((before.inputs as Obj)[k]) !== JSON.stringify((after.inputs as Obj)[k]),
  );

/**
 * The replacement as the engine runs it: create-then-delete by default, delete-then-create with
 * `deleteBeforeReplace`. The create calls StartDBInstanceAutomatedBackupsReplication, the delete
 * StopDBInstanceAutomatedBackupsReplication (same file). RDS keeps one replication per source instance and
 * destination region (the delete treats "not replicating to the current region" as already gone), so a start while
 * the old one still replicates is refused.
 */
function replaceReplication(resource: RecordedResource): string[] {
  let replicating = true;
  const log: string[] = [];
  const start = () => {
    if (replicating) throw new Error("StartDBInstanceAutomatedBackupsReplication: already replicating to the region");
    replicating = true;
    log.push("start");
  };
  const stop = () => ((replicating = false), log.push("stop"));
  if (resource.deleteBeforeReplace) (stop(), start());
  else (start(), stop());
  return log;
}

describe("DR backup replication when the retention changes", () => {
  let current: RenderResult & Finders;
  let shorter: RenderResult & Finders;
  beforeAll(async () => {
    const config = stacks.production() as Obj;
    config["platform:database"].backupRetentionDays = 14;
    [current, shorter] = await Promise.all([
      renderStack(stacks.production(), { stack: "prod" }),
      renderStack(config, { stack: "prod" }),
    ]);
  });

  it("a retention change is a replacement (retention_period is ForceNew)", () => {
    const before = current.find(REPLICATION, "platform-db-dr-backups");
    const after = shorter.find(REPLICATION, "platform-db-dr-backups");
    expect((after.inputs as Obj).retentionPeriod).toBe(14);
    expect(replaces(before, after)).toBe(true);
  });

  it("the old replication is stopped before the new one starts, and nothing protects it from replacement", () => {
    const replication = shorter.find(REPLICATION, "platform-db-dr-backups");
    expect(replication.deleteBeforeReplace).toBe(true);
    expect(replication.protect).toBe(false);
    expect(replaceReplication(replication)).toEqual(["stop", "start"]);
    expect(() => replaceReplication({ ...replication, deleteBeforeReplace: undefined })).toThrow(/already replicating/);
  });
});
