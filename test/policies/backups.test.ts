import { describe, expect, it } from "vitest";
import { backupPolicies, deniesInsecureTransport } from "../../policies/rules/backups";
import type { RecordedResource } from "@platform/offline-plan";
import { Transform, edit, k8s, mutate, resource, urnOf, violation, violationsOf, without } from "./fixtures";

const BUCKET = "aws:s3/bucket:Bucket";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-0000-1111-2222-333344445555";
const TLS_ONLY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::x", "arn:aws:s3:::x/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});

/** A backup bucket (generated name, as the mock gives it) and its settings resources, linked by dependency. */
function backupBucket(name: string): RecordedResource[] {
  const id = `${name}-4f0c2a1e`;
  const on = { dependsOn: [urnOf(BUCKET, name)] };
  return [
    resource(BUCKET, name, { tags: { "platform:purpose": "backups" }, forceDestroy: false }),
    resource(
      "aws:s3/bucketVersioning:BucketVersioning",
      `${name}-versioning`,
      { bucket: id, versioningConfiguration: { status: "Enabled" } },
      on,
    ),
    resource(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      `${name}-encryption`,
      {
        bucket: id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
            bucketKeyEnabled: true,
          },
        ],
      },
      on,
    ),
    resource(
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      `${name}-lifecycle`,
      {
        bucket: id,
        rules: [
          {
            id: "expire",
            status: "Enabled",
            expiration: { days: 30 },
            noncurrentVersionExpiration: { noncurrentDays: 30 },
          },
        ],
      },
      on,
    ),
    resource(
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      `${name}-public-access`,
      {
        bucket: id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      on,
    ),
    resource("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`, { bucket: id, policy: TLS_ONLY }, on),
  ];
}

const src = urnOf(BUCKET, "backups");
const dst = urnOf(BUCKET, "backups-dr");

/** Production backups: the bucket replicates to its DR copy; PITR is on; a nightly backup CronJob. */
const healthy = (): RecordedResource[] => [
  ...backupBucket("backups"),
  ...backupBucket("backups-dr"),
  resource(
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "backups-replication",
    {
      bucket: "backups-4f0c2a1e",
      role: "arn:aws:iam::123456789012:role/replication",
      rules: [{ id: "dr", status: "Enabled", destination: { bucket: "arn:aws:s3:::backups-dr-4f0c2a1e" } }],
    },
    { dependsOn: [src, dst], propertyDependencies: { bucket: [src], rules: [dst] } },
  ),
  resource("aws:rds/instance:Instance", "platform-db", { backupRetentionPeriod: 30 }),
  k8s(
    "kubernetes:batch/v1:CronJob",
    "backup",
    "platform",
    { spec: { schedule: "0 2 * * *" } },
    { "app.kubernetes.io/component": "backup" },
  ),
];

const at = (name: string) => urnOf(BUCKET, name);

describe("backup policies", () => {
  it("pass versioned, KMS-encrypted, expiring, private, TLS-only, replicated backup buckets", async () => {
    expect(await violationsOf(backupPolicies, healthy())).toEqual([]);
  });

  const mutations: Array<[string, Transform, string, string]> = [
    [
      "backup-bucket-versioning",
      without("backups-versioning"),
      at("backups"),
      `Backup bucket "backups" does not have versioning enabled (no BucketVersioning). Fix: add an aws.s3.BucketVersioning for it with versioningConfiguration.status "Enabled".`,
    ],
    [
      "backup-bucket-versioning",
      edit("backups-versioning", (i) => (i.versioningConfiguration.status = "Suspended")),
      at("backups"),
      `Backup bucket "backups" does not have versioning enabled (status "Suspended"). Fix: add an aws.s3.BucketVersioning for it with versioningConfiguration.status "Enabled".`,
    ],
    [
      "backup-bucket-encryption",
      without("backups-encryption"),
      at("backups"),
      `Backup bucket "backups" is not encrypted with a customer KMS key (no BucketServerSideEncryptionConfiguration). Fix: add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId set to the stack's KMS key.`,
    ],
    [
      "backup-bucket-encryption",
      edit("backups-encryption", (i) => (i.rules[0].applyServerSideEncryptionByDefault = { sseAlgorithm: "AES256" })),
      at("backups"),
      `Backup bucket "backups" is not encrypted with a customer KMS key (sseAlgorithm "AES256"). Fix: add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId set to the stack's KMS key.`,
    ],
    [
      "backup-bucket-encryption",
      edit("backups-encryption", (i) => delete i.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId),
      at("backups"),
      `Backup bucket "backups" is not encrypted with a customer KMS key (no kmsMasterKeyId: the AWS-managed key). Fix: add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId set to the stack's KMS key.`,
    ],
    [
      "backup-bucket-lifecycle",
      without("backups-lifecycle"),
      at("backups"),
      `Backup bucket "backups" keeps backups forever (no BucketLifecycleConfiguration). Fix: add an aws.s3.BucketLifecycleConfiguration with an Enabled rule that expires current and noncurrent versions after the retention period (platform:backups.retentionDays).`,
    ],
    [
      "backup-bucket-lifecycle",
      edit("backups-lifecycle", (i) => (i.rules[0].status = "Disabled")),
      at("backups"),
      `Backup bucket "backups" keeps backups forever (no Enabled rule with an expiration). Fix: add an aws.s3.BucketLifecycleConfiguration with an Enabled rule that expires current and noncurrent versions after the retention period (platform:backups.retentionDays).`,
    ],
    [
      "backup-bucket-public-access",
      without("backups-public-access"),
      at("backups"),
      `Backup bucket "backups" does not block all public access (no BucketPublicAccessBlock). Fix: add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.`,
    ],
    [
      "backup-bucket-public-access",
      edit("backups-public-access", (i) =>
        Object.assign(i, { ignorePublicAcls: false, restrictPublicBuckets: undefined }),
      ),
      at("backups"),
      `Backup bucket "backups" does not block all public access (ignorePublicAcls, restrictPublicBuckets not true). Fix: add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.`,
    ],
    [
      "backup-bucket-tls-only",
      without("backups-policy"),
      at("backups"),
      `Backup bucket "backups" accepts requests without TLS (no BucketPolicy). Fix: add an aws.s3.BucketPolicy with a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }.`,
    ],
    [
      "backup-bucket-tls-only",
      edit("backups-policy", (i) => (i.policy = TLS_ONLY.replace('"Deny"', '"Allow"'))),
      at("backups"),
      `Backup bucket "backups" accepts requests without TLS (its policy does not deny s3:* when aws:SecureTransport is "false"). Fix: add an aws.s3.BucketPolicy with a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }.`,
    ],
    [
      "backup-bucket-replication",
      edit("backups-replication", (i) => (i.rules[0].status = "Disabled")),
      at("backups"),
      `Backup bucket "backups" is not replicated to another region in production (no Enabled rule). Fix: add an aws.s3.BucketReplicationConfig with an Enabled rule to the DR region's bucket (platform:backups.replicateToDr: true).`,
    ],
  ];

  it.each(mutations)("%s fails (mutation %#), with the exact message", async (policy, transform, urn, message) => {
    expect(await violationsOf(backupPolicies, transform(healthy()))).toEqual([violation(policy, urn, message)]);
  });

  it("asks every backup bucket to replicate once no replication config marks one as the other's DR copy", async () => {
    const message = (name: string) =>
      `Backup bucket "${name}" is not replicated to another region in production (no BucketReplicationConfig). Fix: add an aws.s3.BucketReplicationConfig with an Enabled rule to the DR region's bucket (platform:backups.replicateToDr: true).`;
    expect(await violationsOf(backupPolicies, without("backups-replication")(healthy()))).toEqual([
      violation("backup-bucket-replication", at("backups"), message("backups")),
      violation("backup-bucket-replication", at("backups-dr"), message("backups-dr")),
    ]);
  });

  it("joins settings to a named bucket by its name, without dependencies", async () => {
    const named = healthy().map((r) =>
      r.name.startsWith("backups-dr") || r.name === "backups-replication" ? r : { ...r, dependsOn: [] },
    );
    const withName = mutate(named, "backups", (i) => (i.bucket = "backups-4f0c2a1e"));
    expect(await violationsOf(backupPolicies, withName)).toEqual([]);
    expect((await violationsOf(backupPolicies, named)).map((v) => v.policy)).toEqual([
      "backup-bucket-versioning",
      "backup-bucket-encryption",
      "backup-bucket-lifecycle",
      "backup-bucket-public-access",
      "backup-bucket-tls-only",
    ]);
  });

  it("ignores buckets without the backups tag, and does not ask staging to replicate", async () => {
    const untagged = [resource(BUCKET, "assets", { tags: { "platform:purpose": "assets" } })];
    expect(await violationsOf(backupPolicies, untagged)).toEqual([]);
    const unreplicated = without("backups-replication")(healthy());
    expect(await violationsOf(backupPolicies, unreplicated, "staging")).toEqual([]);
  });

  describe("backup-schedule-within-rpo", () => {
    const withoutPitr = () => mutate(healthy(), "platform-db", (i) => (i.backupRetentionPeriod = 0));
    const pitrOff = `point-in-time recovery is off (RDS instance "platform-db" has backupRetentionPeriod 0)`;
    const fix =
      "Fix: keep automated backups (backupRetentionPeriod ≥ 1, platform:database.backupRetentionDays) or schedule the backup at least every 15 minutes.";

    it("accepts a daily backup while point-in-time recovery is on, and a 15-minute one without it", async () => {
      expect(await violationsOf(backupPolicies, healthy())).toEqual([]);
      const frequent = mutate(withoutPitr(), "platform-cronjob-backup", (i) => (i.spec.schedule = "*/15 * * * *"));
      expect(await violationsOf(backupPolicies, frequent)).toEqual([]);
    });

    it("fails a daily backup without point-in-time recovery against a 15-minute RPO", async () => {
      expect(await violationsOf(backupPolicies, withoutPitr())).toEqual([
        violation(
          "backup-schedule-within-rpo",
          urnOf("kubernetes:batch/v1:CronJob", "platform-cronjob-backup"),
          `CronJob "platform/backup" runs "0 2 * * *", up to 1440 minutes apart, but ${pitrOff} and the RPO is 15 minutes. ${fix}`,
        ),
      ]);
    });

    it("fails when point-in-time recovery is off and there is no backup CronJob", async () => {
      const none = withoutPitr().filter((r) => r.name !== "platform-cronjob-backup");
      expect(await violationsOf(backupPolicies, none)).toEqual([
        violation(
          "backup-schedule-within-rpo",
          urnOf("aws:rds/instance:Instance", "platform-db"),
          `Point-in-time recovery is off (RDS instance "platform-db" has backupRetentionPeriod 0) and no backup CronJob (label app.kubernetes.io/component=backup) exists, so the RPO of 15 minutes cannot be met. ${fix}`,
        ),
      ]);
    });

    it("takes the RPO from the pack config", async () => {
      const hourly = mutate(withoutPitr(), "platform-cronjob-backup", (i) => (i.spec.schedule = "0 * * * *"));
      const { runPolicies } = await import("@platform/offline-plan");
      const report = await runPolicies(backupPolicies, hourly, {
        config: { "backup-schedule-within-rpo": { rpoMinutes: 60 } },
      });
      expect(report.violations).toEqual([]);
    });
  });

  it("recognises a TLS-only statement in string or object form", () => {
    expect(deniesInsecureTransport(TLS_ONLY)).toBe(true);
    expect(deniesInsecureTransport(JSON.parse(TLS_ONLY))).toBe(true);
    expect(deniesInsecureTransport("not json")).toBe(false);
  });
});
