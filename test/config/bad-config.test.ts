import { describe, expect, it } from "vitest";
import { parseStackConfig, problemsOf } from "../helpers/config";
import * as stacks from "../fixtures/stacks";

type Mutation = (config: Record<string, any>) => void;

function mutated(mutation: Mutation, config = stacks.production()) {
  mutation(config);
  return config;
}

// Each case: a realistic mistake, the key the message must name, and words the message must contain.
const cases: Array<[string, Mutation, string, RegExp]> = [
  [
    "environment missing",
    (c) => delete c["platform:environment"],
    "platform:environment",
    /required; allowed: "production", "staging", "development"/,
  ],
  ["environment unknown", (c) => (c["platform:environment"] = "prod"), "platform:environment", /allowed: "production"/],
  [
    "unknown top-level key with a typo",
    (c) => (c["platform:tennants"] = []),
    "platform:tennants",
    /did you mean "platform:tenants"/,
  ],
  [
    "unknown nested key with a typo",
    (c) => (c["platform:database"].mulitAz = true),
    "platform:database.mulitAz",
    /did you mean "multiAz"/,
  ],
  ["aws region missing", (c) => delete c["aws:region"], "aws:region", /AWS region/],
  ["network missing in production", (c) => delete c["platform:network"], "platform:network", /required in production/],
  [
    "database missing in production",
    (c) => delete c["platform:database"],
    "platform:database",
    /required in production/,
  ],
  ["dr missing in production", (c) => delete c["platform:dr"], "platform:dr", /required in production/],
  ["bad VPC id", (c) => (c["platform:network"].vpcId = "0a1b"), "platform:network.vpcId", /VPC id such as "vpc-0abc"/],
  [
    "one subnet",
    (c) => (c["platform:network"].privateSubnetIds = ["subnet-0a1"]),
    "platform:network.privateSubnetIds",
    /at least two subnets/,
  ],
  [
    "wrong type for storage",
    (c) => (c["platform:database"].allocatedStorageGb = "200"),
    "platform:database.allocatedStorageGb",
    /expected a number/,
  ],
  [
    "instance class not db.*",
    (c) => (c["platform:database"].instanceClass = "r6g.large"),
    "platform:database.instanceClass",
    /RDS instance class/,
  ],
  [
    "unsupported engine version",
    (c) => (c["platform:database"].engineVersion = "9.6"),
    "platform:database.engineVersion",
    /allowed: "14", "15", "16", "17"/,
  ],
  [
    "retention above 35 days",
    (c) => (c["platform:database"].backupRetentionDays = 60),
    "platform:database.backupRetentionDays",
    /at most 35/,
  ],
  [
    "retention of 0 days",
    (c) => (c["platform:database"].backupRetentionDays = 0),
    "platform:database.backupRetentionDays",
    /at least 1/,
  ],
  [
    "single-AZ production without a reason",
    (c) => (c["platform:database"].multiAz = false),
    "platform:database.multiAz",
    /production requires Multi-AZ; set allowSingleAz/,
  ],
  [
    "max storage below allocated",
    (c) => (c["platform:database"].maxAllocatedStorageGb = 100),
    "platform:database.maxAllocatedStorageGb",
    /≥ allocatedStorageGb \(200\)/,
  ],
  [
    "node type not cache.*",
    (c) => (c["platform:redis"].nodeType = "r6g.large"),
    "platform:redis.nodeType",
    /ElastiCache node type/,
  ],
  [
    "production redis without replica",
    (c) => (c["platform:redis"].replicasPerShard = 0),
    "platform:redis.replicasPerShard",
    /at least 1 replica/,
  ],
  [
    "min above max replicas",
    (c) => (c["platform:workers"].default.minReplicas = 20),
    "platform:workers.default.minReplicas",
    /≤ maxReplicas \(12\)/,
  ],
  [
    "worker image that is not an image reference",
    (c) => (c["platform:workers"].default.image = "ghcr.io/Acme/worker 1.4"),
    "platform:workers.default.image",
    /an image reference such as/,
  ],
  [
    "bad worker pool name",
    (c) => (c["platform:workers"].Reports_Pool = c["platform:workers"].reports),
    "platform:workers.Reports_Pool",
    /DNS label/,
  ],
  [
    "six-field cron",
    (c) => (c["platform:backups"].schedule = "0 0 2 * * *"),
    "platform:backups.schedule",
    /robfig\/cron standard parser\): expected exactly 5 fields, found 6/,
  ],
  [
    "invalid cron",
    (c) => (c["platform:jobs"].reconcile.schedule = "*/10 25 * * *"),
    "platform:jobs.reconcile.schedule",
    /end of range \(25\) above maximum \(23\)/,
  ],
  [
    "backup window malformed",
    (c) => (c["platform:database"].backupWindow = "3am-4am"),
    "platform:database.backupWindow",
    /hh:mm-hh:mm/,
  ],
  [
    "error-rate warning above critical",
    (c) => (c["platform:alerts"].errorRate = { warning: 0.2, critical: 0.1 }),
    "platform:alerts.errorRate.warning",
    /below critical \(0.1\)/,
  ],
  [
    "error rate as a percentage",
    (c) => (c["platform:alerts"].errorRate = { warning: 5, critical: 10 }),
    "platform:alerts.errorRate.warning",
    /fraction of at most 1/,
  ],
  [
    "dr region equals the stack region",
    (c) => (c["platform:dr"].region = "us-east-1"),
    "platform:dr.region",
    /must differ from the stack's region/,
  ],
  [
    "unknown tier",
    (c) => (c["platform:tenants"][3].tier = "gold"),
    "platform:tenants[3].tier",
    /allowed: "free", "standard", "enterprise"/,
  ],
  [
    "unknown state",
    (c) => (c["platform:tenants"][2].state = "paused"),
    "platform:tenants[2].state",
    /allowed: "active", "suspended", "offboarded", "deleted"/,
  ],
  [
    "duplicate tenant",
    (c) => c["platform:tenants"].push({ id: "acme", name: "Acme again", tier: "free" }),
    "platform:tenants[8].id",
    /duplicate tenant id: already used by platform:tenants\[0\]/,
  ],
  ["tenant id with capitals", (c) => (c["platform:tenants"][1].id = "Globex"), "platform:tenants[1].id", /DNS labels/],
  ["tenant id too short", (c) => (c["platform:tenants"][1].id = "gx"), "platform:tenants[1].id", /3–32 characters/],
  [
    "tenant id too long",
    (c) => (c["platform:tenants"][1].id = "g".repeat(33)),
    "platform:tenants[1].id",
    /3–32 characters/,
  ],
  ["tenant without tier", (c) => delete c["platform:tenants"][4].tier, "platform:tenants[4].tier", /allowed: "free"/],
  [
    "deleteData on an active tenant",
    (c) => (c["platform:tenants"][0].deleteData = true),
    "platform:tenants[0].deleteData",
    /only with state "deleted"/,
  ],
  [
    "dedicated workers on a free tenant",
    (c) => (c["platform:tenants"][5].dedicatedWorkers = true),
    "platform:tenants[5].dedicatedWorkers",
    /only for tier "enterprise"/,
  ],
  ["tenants not a list", (c) => (c["platform:tenants"] = { acme: {} }), "platform:tenants", /expected a list/],
  [
    "maintenance snapshot name invalid",
    (c) => (c["platform:maintenance"] = { enabled: true, snapshot: "pre upgrade!" }),
    "platform:maintenance.snapshot",
    /RDS snapshot identifier/,
  ],
];

describe("bad stack config is rejected with a message that names the key", () => {
  it("the production and staging fixtures are valid", () => {
    expect(problemsOf(stacks.production())).toEqual([]);
    expect(problemsOf(stacks.staging())).toEqual([]);
  });

  it.each(cases)("%s", (_title, mutation, key, message) => {
    const problems = problemsOf(mutated(mutation));
    const problem = problems.find((p) => p.key === key);
    expect(problem, `no problem names ${key}; got ${JSON.stringify(problems)}`).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it("reports the value given next to the key", () => {
    const problems = problemsOf(mutated((c) => (c["platform:tenants"][3].tier = "gold")));
    expect(problems).toContainEqual({
      key: "platform:tenants[3].tier",
      value: '"gold"',
      message: 'allowed: "free", "standard", "enterprise"',
    });
  });

  it("reports every problem at once, across sections", () => {
    const problems = problemsOf(
      mutated((c) => {
        c["platform:database"].backupRetentionDays = 60;
        c["platform:workers"].default.minReplicas = 20;
        c["platform:tenants"][3].tier = "gold";
        c["platform:backups"].schedule = "daily";
      }),
    );
    expect(problems.map((p) => p.key).sort()).toEqual(
      [
        "platform:backups.schedule",
        "platform:database.backupRetentionDays",
        "platform:tenants[3].tier",
        "platform:workers.default.minReplicas",
      ].sort(),
    );
  });
});

describe("environment defaults", () => {
  it("a staging stack may leave out every optional section and gets staging defaults", () => {
    const config = parseStackConfig({
      "aws:region": "eu-west-1",
      "platform:environment": "staging",
      "platform:network": {
        vpcId: "vpc-1",
        privateSubnetIds: ["subnet-1", "subnet-2"],
        clusterSecurityGroupId: "sg-1",
      },
    });
    expect(config.kubernetes.namespace).toBe("platform");
    expect(config.database).toMatchObject({
      instanceClass: "db.t4g.medium",
      multiAz: false,
      backupRetentionDays: 7,
      deletionProtection: false,
      engineVersion: "16",
    });
    expect(config.redis).toMatchObject({ replicasPerShard: 0, nodeType: "cache.t4g.small" });
    expect(config.backups).toMatchObject({ schedule: "0 2 * * *", retentionDays: 7 });
    expect(config.jobs.reconcile).toMatchObject({ stuckAfterMinutes: 60 });
    expect(config.alerts.errorRate).toEqual({ warning: 0.05, critical: 0.1 });
  });

  it("production defaults are the runbooks' numbers", () => {
    const config = parseStackConfig(stacks.production());
    expect(config.alerts).toMatchObject({
      errorRate: { warning: 0.05, critical: 0.1 },
      latencyP95Seconds: { warning: 5 },
      backupStaleHours: 26,
    });
    expect(config.dr).toMatchObject({ rpoMinutes: 15, rtoHours: 4 });
    expect(config.jobs.reconcile.stuckAfterMinutes).toBe(60);
  });
});
