import { beforeAll, describe, expect, it } from "vitest";
import {
  BACKUP_SCRIPTS,
  backupAccessPolicy,
  backupDatabaseNames,
  irsaTrustPolicy,
} from "../../../components/backups/database-backups";
import { backupLifecycleRules } from "../../../components/backups/backup-bucket";
import { Finders, renderStack } from "../../helpers/render";
import type { RecordedResource, RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const BUCKET = "aws:s3/bucket:Bucket";
const CRONJOB = "kubernetes:batch/v1:CronJob";
const inputs = (r: RecordedResource) => r.inputs as Obj;
const policyOf = (r: RecordedResource) => JSON.parse(String(inputs(r).policy)) as { Statement: Obj[] };

describe("backup bucket in the prod stack", () => {
  let prod: RenderResult & Finders;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
  });

  it("the bucket and its KMS key are protected in production; the staging ones are not", async () => {
    expect(prod.find(BUCKET, "backups-bucket").protect).toBe(true);
    expect(prod.find("aws:kms/key:Key", "backups-key").protect).toBe(true);
    expect(prod.find(BUCKET, "backups-replica-bucket").protect).toBe(true);
    const staging = await renderStack(stacks.staging(), { stack: "staging" });
    expect(staging.find(BUCKET, "backups-bucket").protect).toBe(false);
  });

  it("is versioned, SSE-KMS encrypted with a bucket key, closed to the public and TLS-only", () => {
    const versioning = inputs(prod.find("aws:s3/bucketVersioning:BucketVersioning", "backups-versioning"));
    expect(versioning.versioningConfiguration.status).toBe("Enabled");
    const [rule] = inputs(
      prod.find(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "backups-encryption",
      ),
    ).rules;
    expect(rule.applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    expect(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);
    expect(rule.bucketKeyEnabled).toBe(true);
    const block = inputs(
      prod.find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "backups-public-access-block"),
    );
    expect(block).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const [deny] = policyOf(prod.find("aws:s3/bucketPolicy:BucketPolicy", "backups-policy")).Statement;
    expect(deny).toMatchObject({
      Effect: "Deny",
      Action: "s3:*",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(deny.Resource).toEqual([
      expect.stringMatching(/^arn:aws:s3:::backups-bucket-[0-9a-f]+$/),
      `${deny.Resource[0]}/*`,
    ]);
  });

  it("expires production dumps after retentionDays and old versions after noncurrentVersionRetentionDays", () => {
    const rules = inputs(
      prod.find("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "backups-lifecycle"),
    ).rules as Obj[];
    const dumps = rules.find((r) => r.filter.prefix === "production/")!;
    expect(dumps.expiration.days).toBe(30);
    expect(dumps.noncurrentVersionExpiration.noncurrentDays).toBe(30);
    expect(dumps.status).toBe("Enabled");
  });

  it("replicates to a KMS-encrypted bucket in the DR region without replicating deletions", () => {
    const replica = prod.find(BUCKET, "backups-replica-bucket");
    expect(inputs(replica).region).toBe("us-west-2");
    expect(inputs(prod.find("aws:kms/key:Key", "backups-replica-key")).region).toBe("us-west-2");
    const [rule] = inputs(
      prod.find("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "backups-replication"),
    ).rules;
    expect(rule.destination.bucket).toMatch(/^arn:aws:s3:::backups-replica-bucket/);
    expect(rule.destination.encryptionConfiguration.replicaKmsKeyId).toMatch(/^arn:aws:kms:us-west-2:/);
    expect(rule.deleteMarkerReplication.status).toBe("Disabled");
    expect(rule.sourceSelectionCriteria.sseKmsEncryptedObjects.status).toBe("Enabled");
  });

  it("staging does not replicate; object lock is applied when configured", async () => {
    const staging = await renderStack(stacks.staging(), { stack: "staging" });
    expect(staging.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toEqual([]);
    const config = stacks.production() as Obj;
    config["platform:backups"].objectLock = { mode: "COMPLIANCE", days: 14 };
    const locked = await renderStack(config, { stack: "prod" });
    expect(inputs(locked.find(BUCKET, "backups-bucket"))).not.toHaveProperty("objectLockEnabled");
    const lock = inputs(
      locked.find("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "backups-object-lock"),
    );
    expect(lock.rule.defaultRetention).toEqual({ mode: "COMPLIANCE", days: 14 });
  });
});

describe("backup and restore-verification jobs in the prod stack", () => {
  let prod: RenderResult & Finders;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
  });

  it("the backup CronJob dumps the application database and every dedicated tenant database, daily at 02:00", () => {
    const cron = inputs(prod.find(CRONJOB, "database-backups-backup-cronjob"));
    expect(cron.spec.schedule).toBe("0 2 * * *");
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const [dump] = pod.initContainers;
    const [upload] = pod.containers;
    expect(dump.image).toBe("postgres:16.4");
    expect(dump.command).toEqual(["/bin/bash", "/scripts/backup.sh", "dump"]);
    expect(upload.image).toBe("amazon/aws-cli:2.17.50");
    expect(upload.command).toEqual(["/bin/bash", "/scripts/backup.sh", "upload"]);
    const env = Object.fromEntries(dump.env.map((e: Obj) => [e.name, e.value ?? e.valueFrom]));
    expect(env.BACKUP_DATABASES).toBe("app tenant_acme tenant_globex tenant_wayne_ent");
    expect(env.PGPASSWORD).toEqual({ secretKeyRef: { name: "database-ops-credentials", key: "password" } });
    expect(env.PGSSLMODE).toBe("require");
    const uploadEnv = Object.fromEntries(upload.env.map((e: Obj) => [e.name, e.value]));
    expect(uploadEnv.BACKUP_PREFIX).toBe("production");
    expect(uploadEnv.PUSHGATEWAY_URL).toBe("http://pushgateway.monitoring.svc:9091");
    expect(pod.serviceAccountName).toBe("database-backup-writer");
    expect(pod.volumes.find((v: Obj) => v.name === "scripts").configMap.name).toBe("database-backup-scripts");
  });

  it("the weekly verification fetches, restores in a scratch server and reports, without retrying a failure away", () => {
    const cron = inputs(prod.find(CRONJOB, "database-backups-verify-cronjob"));
    expect(cron.spec.schedule).toBe("0 4 * * 1");
    const job = cron.spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(0);
    const steps = [...job.template.spec.initContainers, ...job.template.spec.containers].map(
      (c: Obj) => `${c.image} ${c.command[2]}`,
    );
    expect(steps).toEqual(["amazon/aws-cli:2.17.50 fetch", "postgres:16.4 restore", "amazon/aws-cli:2.17.50 report"]);
    expect(job.template.spec.serviceAccountName).toBe("database-backup-verifier");
  });

  it("the scripts ConfigMap embeds exactly the repo's scripts (the files the integration test runs)", () => {
    const configMap = inputs(prod.find("kubernetes:core/v1:ConfigMap", "database-backups-scripts"));
    expect(configMap.data).toEqual(BACKUP_SCRIPTS);
    expect(configMap.data["backup.sh"]).toContain("pg_dump --format=custom");
  });

  it("S3 access is through IRSA roles trusted only for their service account, scoped to the env prefix", () => {
    const writerRole = prod.find("aws:iam/role:Role", "database-backups-writer-role");
    const trust = JSON.parse(String(inputs(writerRole).assumeRolePolicy));
    expect(trust.Statement[0].Principal.Federated).toBe(
      (stacks.production()["platform:kubernetes"] as Obj).oidcProviderArn,
    );
    expect(trust.Statement[0].Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "oidc.eks.us-east-1.amazonaws.com/id/5C3F1A9D2B7E4C6F8A0B1D2E3F4A5B6C:sub":
        "system:serviceaccount:platform:database-backup-writer",
      "oidc.eks.us-east-1.amazonaws.com/id/5C3F1A9D2B7E4C6F8A0B1D2E3F4A5B6C:aud": "sts.amazonaws.com",
    });
    const writer = policyOf(prod.find("aws:iam/rolePolicy:RolePolicy", "database-backups-writer-policy"));
    const s3Statements = writer.Statement.filter((s) => s.Action.some((a: string) => a.startsWith("s3:")));
    expect(s3Statements).toHaveLength(1);
    expect(s3Statements[0].Action).toEqual(["s3:PutObject"]);
    expect(s3Statements[0].Resource).toEqual([
      expect.stringMatching(/^arn:aws:s3:::backups-bucket-[0-9a-f]+\/production\/\*$/),
    ]);
    const verifier = policyOf(prod.find("aws:iam/rolePolicy:RolePolicy", "database-backups-verifier-policy"));
    const list = verifier.Statement.find((s) => s.Action.includes("s3:ListBucket"))!;
    expect(list.Condition).toEqual({ StringLike: { "s3:prefix": ["production/*"] } });
    const all = verifier.Statement.flatMap((s) => s.Action as string[]);
    expect(all.filter((a) => /Delete|Put/.test(a))).toEqual([]);
    const annotations = inputs(
      prod.find("kubernetes:core/v1:ServiceAccount", "database-backups-writer-service-account"),
    ).metadata.annotations;
    expect(annotations["eks.amazonaws.com/role-arn"]).toMatch(
      /^arn:aws:iam::123456789012:role\/database-backups-writer-role-/,
    );
  });

  it("the database password reaches the jobs only through the Secret, and stays secret in the plan", () => {
    const secret = prod.find("kubernetes:core/v1:Secret", "database-ops-secret");
    expect(secret.secretPaths.some((p) => p.startsWith("stringData"))).toBe(true);
    expect(secret.inputs.stringData).toEqual({ username: "[secret]", password: "[secret]" });
    const passwordRefs = JSON.stringify(prod.ofType(CRONJOB).map((c) => c.inputs)).match(
      /"name":"PGPASSWORD","valueFrom":\{"secretKeyRef":\{"key":"password","name":"database-ops-credentials"\}\}/g,
    );
    expect(passwordRefs?.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(prod.ofType(CRONJOB).map((c) => c.inputs))).not.toMatch(/PGPASSWORD","value"/);
  });
});

describe("backup helpers", () => {
  it("backs up the application database and dedicated tenant databases that still hold data", () => {
    expect(
      backupDatabaseNames("app", [
        { id: "acme", isolation: "dedicated", state: "active" },
        { id: "stark-labs", isolation: "dedicated", state: "offboarded" },
        { id: "gone", isolation: "dedicated", state: "deleted" },
        { id: "small", isolation: "schema", state: "active" },
      ]),
    ).toEqual(["app", "tenant_acme", "tenant_stark_labs"]);
  });

  it("a cold transition is added to the dump rule only when configured", () => {
    const [withCold] = backupLifecycleRules({
      prefix: "staging",
      retentionDays: 90,
      noncurrentVersionRetentionDays: 7,
      coldTransitionDays: 30,
    });
    expect(withCold.transitions).toEqual([{ days: 30, storageClass: "GLACIER_IR" }]);
    const [withoutCold] = backupLifecycleRules({
      prefix: "staging",
      retentionDays: 7,
      noncurrentVersionRetentionDays: 7,
    });
    expect(withoutCold).not.toHaveProperty("transitions");
  });

  it("the writer can neither read nor delete dumps; the verifier cannot write", () => {
    const args = { bucketArn: "arn:aws:s3:::b", prefix: "production", kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k" };
    const actions = (role: "writer" | "verifier") =>
      JSON.parse(backupAccessPolicy(role, args)).Statement.flatMap((s: Obj) => s.Action as string[]);
    expect(actions("writer")).not.toContain("s3:GetObject");
    expect(actions("writer").filter((a: string) => a.includes("Delete"))).toEqual([]);
    expect(actions("verifier").filter((a: string) => a.includes("Put") || a.includes("Delete"))).toEqual([]);
    expect(
      JSON.parse(irsaTrustPolicy("arn:aws:iam::1:oidc-provider/oidc.example/id/X", "ns", "sa")).Statement[0].Condition
        .StringEquals["oidc.example/id/X:sub"],
    ).toBe("system:serviceaccount:ns:sa");
  });
});
