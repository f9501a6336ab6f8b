// The rules over resources as the real SDK classes register them under the mock runtime (generated names, ids the
// mock computes, implied dependencies): the joins work on what the plan records, not only on hand-made fixtures.
import { createRequire } from "node:module";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { backupPolicies } from "../../policies/rules/backups";
import { linkedResources } from "../../policies/rules/util";
import { dataPolicies } from "../../policies/rules/data";
import { runPolicies } from "@platform/offline-plan";
import { renderProgram } from "@platform/offline-plan";
import { PROJECT_ROOT } from "../helpers/render";

function backupBucket(name: string, key: aws.kms.Key) {
  const bucket = new aws.s3.Bucket(name, { tags: { "platform:purpose": "backups" } });
  new aws.s3.BucketVersioning(`${name}-versioning`, {
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-sse`, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn } }],
  });
  new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
    bucket: bucket.id,
    rules: [{ id: "expire", status: "Enabled", expiration: { days: 30 } }],
  });
  new aws.s3.BucketPublicAccessBlock(`${name}-pab`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketPolicy(`${name}-policy`, {
    bucket: bucket.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    }),
  });
  return bucket;
}

const program = (replicate: boolean) => async () => {
  const key = new aws.kms.Key("key", { enableKeyRotation: true });
  const source = backupBucket("backups", key);
  const replica = backupBucket("backups-dr", key);
  if (replicate) {
    new aws.s3.BucketReplicationConfig("backups-replication", {
      bucket: source.id,
      role: "arn:aws:iam::123456789012:role/r",
      rules: [{ status: "Enabled", destination: { bucket: replica.arn } }],
    });
  }
  const params = new aws.rds.ParameterGroup("db-params", {
    family: "postgres16",
    parameters: [{ name: "rds.force_ssl", value: "1" }],
  });
  new aws.rds.Instance("db", {
    instanceClass: "db.r6g.large",
    engine: "postgres",
    storageEncrypted: true,
    kmsKeyId: key.arn,
    deletionProtection: true,
    finalSnapshotIdentifier: "db-final",
    backupRetentionPeriod: 30,
    multiAz: true,
    parameterGroupName: params.name,
  });
};

const plan = async (replicate: boolean) => {
  const { resources } = await renderProgram(program(replicate), {
    project: "platform",
    stack: "unit",
    config: { "aws:region": "us-east-1" },
  });
  return runPolicies([...dataPolicies, ...backupPolicies], resources, { defaultEnforcementLevel: "mandatory" });
};

describe("policies over a recorded program", () => {
  it("join generated-name buckets and parameter groups to their settings through recorded dependencies", async () => {
    expect((await plan(true)).violations).toEqual([]);
  });

  it("tell the replicated bucket from its DR copy only through the replication config", async () => {
    expect((await plan(false)).violations.map((v) => `${v.policy} ${v.urn?.split("::").pop()}`)).toEqual([
      "backup-bucket-replication backups",
      "backup-bucket-replication backups-dr",
    ]);
  });
});

describe("joins in a preview, where the engine's proxy throws on values not known yet", () => {
  it("link through property dependencies and treat unknown names as no match", async () => {
    // The analyzer's own proxy and unknown sentinel (internal to @pulumi/policy, hence untyped), taken from the copy
    // the pack runs with: the engine runs the pack from its directory, so its analyzer and its rules share the pack's
    // node_modules/@pulumi/policy (and `known` recognises that copy's UnknownValueError), not the project's.
    const packRequire = createRequire(join(PROJECT_ROOT, "policies", "index.ts"));
    const { unknownCheckingProxy, unknownStringValue } = packRequire("@pulumi/policy/proxy") as {
      unknownCheckingProxy(o: object): object;
      unknownStringValue: unknown;
    };
    const bucket = {
      type: "aws:s3/bucket:Bucket",
      name: "b",
      urn: "urn:b",
      props: unknownCheckingProxy({ bucket: unknownStringValue }),
      dependencies: [],
      propertyDependencies: {},
    } as never;
    const settings = (propertyDependencies: object) =>
      ({
        type: "aws:s3/bucketVersioning:BucketVersioning",
        name: "v",
        urn: "urn:v",
        props: unknownCheckingProxy({ bucket: unknownStringValue }),
        dependencies: [],
        propertyDependencies,
      }) as never;
    expect(linkedResources(settings({ bucket: [bucket] }), "bucket", [bucket], (b: any) => b.props.bucket)).toEqual([
      bucket,
    ]);
    expect(linkedResources(settings({}), "bucket", [bucket], (b: any) => b.props.bucket)).toEqual([]);
  });
});
