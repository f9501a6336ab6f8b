// Realistic mistakes made in a copy of the prod config: each is valid config but unsafe, so the plan must exit 1 with
// the policy named on stderr (what a reviewer sees as a blocked pull request).
import { describe, expect, it } from "vitest";
import { runPlanAsync, writeStackFile } from "../helpers/plan-cli";
import * as stacks from "../fixtures/stacks";

type Config = Record<string, any>;

const mistakes: Array<[string, (config: Config) => void, string]> = [
  // The schema accepts single-AZ in production only as an accepted risk; the
  // mandatory policy still blocks it until the pack config for the stack says otherwise.
  [
    "Multi-AZ off",
    (c) =>
      Object.assign(c["platform:database"], {
        multiAz: false,
        allowSingleAz: true,
        singleAzReason: "cost saving during the pilot",
      }),
    "rds-multi-az",
  ],
  ["backup retention of 1 day", (c) => (c["platform:database"].backupRetentionDays = 1), "rds-backup-retention"],
  ["deletion protection off", (c) => (c["platform:database"].deletionProtection = false), "rds-deletion-protection"],
  [
    "backups not replicated to the DR region",
    (c) => (c["platform:backups"].replicateToDr = false),
    "backup-bucket-replication",
  ],
  [
    "a worker image tagged :latest",
    (c) => (c["platform:workers"].default.image = "ghcr.io/acme/worker:latest"),
    "kubernetes-image-tag",
  ],
  [
    "a worker image without a tag",
    (c) => (c["platform:workers"].reports.image = "ghcr.io/acme/worker"),
    "kubernetes-image-tag",
  ],
];

describe("realistic mistakes in a copy of the prod config", () => {
  it.concurrent.each(mistakes)("%s: the plan exits 1 and names %s", async (_what, change, policy) => {
    const config = stacks.production();
    change(config);
    const run = await runPlanAsync(["--stack", "mistake", "--config", writeStackFile(config)]);
    expect(run.stderr).toContain(`mandatory policy violation [${policy}]`);
    expect(run.code).toBe(1);
  });
});
