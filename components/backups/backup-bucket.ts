import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";

/** Tag that marks a bucket as holding backups (`platform:purpose = backups`). */
export const BACKUP_PURPOSE_TAG = "platform:purpose";

export interface BackupBucketArgs {
  /** Key prefix the dumps live under (the environment name); lifecycle rules apply to it. */
  prefix: string;
  /** Days a dump is kept before it expires. */
  retentionDays: number;
  /** Days an overwritten or deleted version is kept. */
  noncurrentVersionRetentionDays: number;
  /** Days after which dumps move to Glacier Instant Retrieval. Defaults to never. */
  coldTransitionDays?: number;
  /** Default object-lock retention (WORM). Defaults to none. */
  objectLock?: { mode: "GOVERNANCE" | "COMPLIANCE"; days: number };
  /** Region of a replica bucket (the DR region). Defaults to no replication. */
  replicaRegion?: string;
  /** `protect` the buckets and keys (production). Defaults to false. */
  protect?: boolean;
  /** AWS provider. */
  provider: aws.Provider;
}

type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/**
 * Lifecycle of the backup bucket: dumps under the prefix expire after `retentionDays` (optionally moving to a
 * colder class first), older versions after `noncurrentVersionRetentionDays`, stale uploads and delete markers go.
 */
export function backupLifecycleRules(
  args: Pick<BackupBucketArgs, "prefix" | "retentionDays" | "noncurrentVersionRetentionDays" | "coldTransitionDays">,
): LifecycleRule[] {
  return [
    {
      id: `${args.prefix}-dumps`,
      status: "Enabled",
      filter: { prefix: `${args.prefix}/` },
      expiration: { days: args.retentionDays },
      noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionRetentionDays },
      ...(args.coldTransitionDays !== undefined
        ? { transitions: [{ days: args.coldTransitionDays, storageClass: "GLACIER_IR" }] }
        : {}),
      abortIncompleteMultipartUpload: { daysAfterInitiation: 2 },
    },
    {
      id: "expired-delete-markers",
      status: "Enabled",
      filter: { prefix: "" },
      expiration: { expiredObjectDeleteMarker: true },
    },
  ];
}

/** Bucket policy that denies every request not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/** What S3 replication needs: read versions of the source, write replicas to the destination, use both keys. */
export function replicationRolePolicy(a: {
  sourceArn: string;
  destinationArn: string;
  sourceKeyArn: string;
  destinationKeyArn: string;
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: [a.sourceArn] },
      {
        Effect: "Allow",
        Action: [
          "s3:GetObjectVersionForReplication",
          "s3:GetObjectVersionAcl",
          "s3:GetObjectVersionTagging",
          "s3:GetObjectRetention",
          "s3:GetObjectLegalHold",
        ],
        Resource: [`${a.sourceArn}/*`],
      },
      {
        Effect: "Allow",
        Action: ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
        Resource: [`${a.destinationArn}/*`],
      },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [a.sourceKeyArn] },
      { Effect: "Allow", Action: ["kms:Encrypt", "kms:GenerateDataKey"], Resource: [a.destinationKeyArn] },
    ],
  });
}

interface SecuredBucket {
  bucket: aws.s3.Bucket;
  key: aws.kms.Key;
  versioning: aws.s3.BucketVersioning;
}

/**
 * The S3 bucket of the database dumps: versioned, SSE-KMS with a bucket key, no public access, TLS only, lifecycle
 * per prefix, optional object lock, and in production a replica in the DR region (deletes are not replicated).
 */
export class BackupBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly replicaBucketArn?: pulumi.Output<string>;

  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:backups:BackupBucket", name, {}, opts);
    if (args.coldTransitionDays !== undefined && args.coldTransitionDays >= args.retentionDays) {
      throw new pulumi.ResourceError(
        `coldTransitionDays (${args.coldTransitionDays}) must be below retentionDays (${args.retentionDays})`,
        this,
      );
    }
    const primary = this.securedBucket(`${name}`, args, undefined);
    this.bucketName = primary.bucket.bucket;
    this.bucketArn = primary.bucket.arn;
    this.kmsKeyArn = primary.key.arn;

    if (args.replicaRegion) {
      const replica = this.securedBucket(`${name}-replica`, args, args.replicaRegion);
      const role = new aws.iam.Role(
        `${name}-replication-role`,
        {
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
          }),
        },
        { parent: this, provider: args.provider },
      );
      new aws.iam.RolePolicy(
        `${name}-replication-policy`,
        {
          role: role.name,
          policy: pulumi
            .all([primary.bucket.arn, replica.bucket.arn, primary.key.arn, replica.key.arn])
            .apply(([sourceArn, destinationArn, sourceKeyArn, destinationKeyArn]) =>
              replicationRolePolicy({ sourceArn, destinationArn, sourceKeyArn, destinationKeyArn }),
            ),
        },
        { parent: this, provider: args.provider },
      );
      new aws.s3.BucketReplicationConfig(
        `${name}-replication`,
        {
          bucket: primary.bucket.id,
          role: role.arn,
          rules: [
            {
              id: "replicate-to-dr",
              status: "Enabled",
              filter: { prefix: "" },
              // A deletion in the primary (mistake or attacker) must not reach the DR copy.
              deleteMarkerReplication: { status: "Disabled" },
              sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
              destination: {
                bucket: replica.bucket.arn,
                storageClass: "STANDARD_IA",
                encryptionConfiguration: { replicaKmsKeyId: replica.key.arn },
              },
            },
          ],
        },
        { parent: this, provider: args.provider, dependsOn: [primary.versioning, replica.versioning] },
      );
      this.replicaBucketArn = replica.bucket.arn;
    }
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      replicaBucketArn: this.replicaBucketArn,
    });
  }

  private securedBucket(name: string, args: BackupBucketArgs, region: string | undefined): SecuredBucket {
    const opts = { parent: this, provider: args.provider };
    const stateful = { ...opts, protect: args.protect ?? false };
    const inRegion = region ? { region } : {};
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        ...inRegion,
        description: `Encrypts database backups (${name})`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      stateful,
    );
    // The policy pack recognises backup buckets by this tag and checks their separate settings resources.
    // `objectLockEnabled` is left out on purpose: it is ForceNew in aws_s3_bucket (hashicorp/terraform-provider-aws
    // internal/service/s3/bucket.go, `"object_lock_enabled": { Optional, Computed, ForceNew }`), so rendering it (even
    // `false`) would make turning object lock on later replace this protected bucket. Being Computed, an omitted
    // value never diffs; object lock is switched on by BucketObjectLockConfiguration below, which S3 accepts on an
    // existing versioned bucket.
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { ...inRegion, forceDestroy: false, tags: { [BACKUP_PURPOSE_TAG]: "backups" } },
      stateful,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { ...inRegion, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      opts,
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        ...inRegion,
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      opts,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { ...inRegion, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      opts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        ...inRegion,
        bucket: bucket.id,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
            bucketKeyEnabled: true,
          },
        ],
      },
      opts,
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      { ...inRegion, bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyBucketPolicy) },
      opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      { ...inRegion, bucket: bucket.id, rules: backupLifecycleRules(args) },
      { ...opts, dependsOn: [versioning] },
    );
    // Enables object lock on the existing, versioned bucket ("This resource can be used enable Object Lock for new
    // and existing buckets", aws_s3_bucket_object_lock_configuration docs; S3 PutObjectLockConfiguration requires
    // versioning, hence the dependency). Once enabled S3 never disables it; removing the setting only drops the
    // default retention rule.
    if (args.objectLock) {
      new aws.s3.BucketObjectLockConfiguration(
        `${name}-object-lock`,
        {
          ...inRegion,
          bucket: bucket.id,
          objectLockEnabled: "Enabled",
          rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } },
        },
        { ...opts, dependsOn: [versioning] },
      );
    }
    return { bucket, key, versioning };
  }
}
