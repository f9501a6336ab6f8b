// PENDING: rename to plan-mistakes.test.ts once the data, workloads (backups) and tenants branches are merged: these
// mistakes reach the policies only when the components create the resources. Each runs the plan on a copy of the
// prod config with one realistic mistake and expects exit 1 with the rule named on stderr.
import { describe, expect, it } from "vitest";
import { loadStackConfig } from "../helpers/render";
import { runPlan, writeStackFile } from "../helpers/plan-cli";

type Config = Record<string, any>;

const mistakes: Array<[string, (config: Config) => void, string]> = [
  // Requires the database component. The schema accepts single-AZ in production only as an accepted risk; the
  // mandatory policy still blocks it until the pack config for the stack says otherwise.
  ["Multi-AZ off", (c) => Object.assign(c["platform:database"], { multiAz: false, allowSingleAz: true, singleAzReason: "cost saving during the pilot" }), "rds-multi-az"],
  ["backup retention of 1 day", (c) => (c["platform:database"].backupRetentionDays = 1), "rds-backup-retention"],
  ["deletion protection off", (c) => (c["platform:database"].deletionProtection = false), "rds-deletion-protection"],
  // Requires the backups component (backup bucket tagged platform:purpose = backups).
  ["backups not replicated to the DR region", (c) => (c["platform:backups"].replicateToDr = false), "backup-bucket-replication"],
];

describe("realistic mistakes in a copy of the prod config", () => {
  it.each(mistakes)("%s: the plan exits 1 and names %s", (_what, change, policy) => {
    const config = loadStackConfig("prod");
    change(config);
    const run = runPlan(["--stack", "mistake", "--config", writeStackFile(config)]);
    expect(run.stderr).toContain(`mandatory policy violation [${policy}]`);
    expect(run.code).toBe(1);
  });
});
