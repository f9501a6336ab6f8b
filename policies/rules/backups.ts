// Backups: the backup buckets (joined with their separate S3 settings resources) and the backup schedule vs the RPO.
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { RDS_INSTANCE } from "./data";
import {
  ENVIRONMENT_CONFIG,
  Props,
  describeObject,
  isProduction,
  known,
  labelsOf,
  linkedResources,
  longestIntervalMinutes,
} from "./util";

/** The tag that marks a bucket as a backup bucket. Components creating backup buckets set it. */
export const BACKUP_PURPOSE_TAG = "platform:purpose";
export const BACKUP_PURPOSE = "backups";
/** The label value (`app.kubernetes.io/component`) that marks a CronJob as a backup job. */
export const BACKUP_COMPONENT = "backup";

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/** The separate settings resources of an S3 bucket (aws v7 names, and the deprecated *V2 aliases). */
export const BUCKET_SETTINGS = {
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  lifecycle: [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  ],
  publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  policy: ["aws:s3/bucketPolicy:BucketPolicy"],
  replication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
} as const;
type Setting = keyof typeof BUCKET_SETTINGS;

export interface BackupBucket {
  bucket: PolicyResource;
  settings: Record<Setting, PolicyResource[]>;
  /** The destination of another bucket's replication (the DR copy): it does not replicate further. */
  isReplica: boolean;
}

export const isBackupBucket = (r: PolicyResource) =>
  BUCKET_TYPES.includes(r.type) && r.props.tags?.[BACKUP_PURPOSE_TAG] === BACKUP_PURPOSE;

/**
 * Every backup bucket of the stack with the settings resources that point at it (by `bucket`). The public policy
 * packs read a bucket's inline settings only, which aws v7 deprecates; these are separate resources.
 */
export function backupBuckets(resources: readonly PolicyResource[]): BackupBucket[] {
  const buckets = resources.filter((r) => BUCKET_TYPES.includes(r.type));
  const settingOf = (setting: Setting, bucket: PolicyResource) =>
    resources.filter(
      (r) =>
        (BUCKET_SETTINGS[setting] as readonly string[]).includes(r.type) &&
        linkedResources(r, "bucket", buckets, (b) => b.props.bucket).includes(bucket),
    );
  const replicaUrns = new Set<string>();
  for (const config of resources.filter((r) => (BUCKET_SETTINGS.replication as readonly string[]).includes(r.type))) {
    const [source] = linkedResources(config, "bucket", buckets, (b) => b.props.bucket);
    const destinations =
      known(() => ((config.props.rules ?? []) as Props[]).map((rule) => rule.destination?.bucket)) ?? [];
    for (const bucket of buckets) {
      const name = known(() => bucket.props.bucket);
      const named = typeof name === "string" && destinations.includes(`arn:aws:s3:::${name}`);
      if (bucket !== source && (named || (source !== undefined && config.dependencies.includes(bucket))))
        replicaUrns.add(bucket.urn);
    }
  }
  return buckets.filter(isBackupBucket).map((bucket) => ({
    bucket,
    settings: Object.fromEntries(
      (Object.keys(BUCKET_SETTINGS) as Setting[]).map((s) => [s, settingOf(s, bucket)]),
    ) as Record<Setting, PolicyResource[]>,
    isReplica: replicaUrns.has(bucket.urn),
  }));
}

const missing = (setting: Setting) => `no ${BUCKET_SETTINGS[setting][0].split(":").pop()}`;

/** A stack policy checking each backup bucket: `problem` returns what is wrong (the message's parenthesis) or undefined. */
function bucketPolicy(options: {
  name: string;
  description: string;
  production?: boolean;
  problem: (b: BackupBucket) => string | undefined;
  message: (bucket: string, problem: string) => string;
}): StackValidationPolicy {
  return {
    name: options.name,
    description: options.description,
    configSchema: options.production ? ENVIRONMENT_CONFIG : undefined,
    validateStack: (args: StackValidationArgs, report) => {
      if (options.production && !isProduction(args)) return;
      for (const backup of backupBuckets(args.resources)) {
        const problem = options.problem(backup);
        if (problem) report(options.message(`Backup bucket "${backup.bucket.name}"`, problem), backup.bucket.urn);
      }
    },
  };
}

export const backupBucketVersioning = bucketPolicy({
  name: "backup-bucket-versioning",
  description: "Backup buckets keep object versions, so an overwritten or deleted backup can be recovered.",
  problem: ({ settings }) => {
    if (settings.versioning.length === 0) return missing("versioning");
    const status = settings.versioning[0].props.versioningConfiguration?.status;
    return status === "Enabled" ? undefined : `status "${status}"`;
  },
  message: (bucket, problem) =>
    `${bucket} does not have versioning enabled (${problem}). Fix: add an aws.s3.BucketVersioning for it with versioningConfiguration.status "Enabled".`,
});

export const backupBucketEncryption = bucketPolicy({
  name: "backup-bucket-encryption",
  description: "Backup buckets encrypt objects with SSE-KMS under the stack's customer key.",
  problem: ({ settings }) => {
    if (settings.encryption.length === 0) return missing("encryption");
    const rules = (settings.encryption[0].props.rules ?? []) as Props[];
    const byDefault = rules.map((r) => r.applyServerSideEncryptionByDefault).find((d) => d);
    if (!byDefault || !String(byDefault.sseAlgorithm).startsWith("aws:kms"))
      return `sseAlgorithm "${byDefault?.sseAlgorithm ?? "unset"}"`;
    return byDefault.kmsMasterKeyId ? undefined : "no kmsMasterKeyId: the AWS-managed key";
  },
  message: (bucket, problem) =>
    `${bucket} is not encrypted with a customer KMS key (${problem}). Fix: add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId set to the stack's KMS key.`,
});

export const backupBucketLifecycle = bucketPolicy({
  name: "backup-bucket-lifecycle",
  description: "Backup buckets expire old backups and old versions with an enabled lifecycle rule.",
  problem: ({ settings }) => {
    if (settings.lifecycle.length === 0) return missing("lifecycle");
    const rules = settings.lifecycle.flatMap((l) => (l.props.rules ?? []) as Props[]);
    return rules.some((r) => r.status === "Enabled" && (r.expiration || r.noncurrentVersionExpiration))
      ? undefined
      : "no Enabled rule with an expiration";
  },
  message: (bucket, problem) =>
    `${bucket} keeps backups forever (${problem}). Fix: add an aws.s3.BucketLifecycleConfiguration with an Enabled rule that expires current and noncurrent versions after the retention period (platform:backups.retentionDays).`,
});

const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

export const backupBucketPublicAccess = bucketPolicy({
  name: "backup-bucket-public-access",
  description: "Backup buckets block every kind of public access.",
  problem: ({ settings }) => {
    if (settings.publicAccessBlock.length === 0) return missing("publicAccessBlock");
    const off = PUBLIC_ACCESS_FLAGS.filter((flag) => settings.publicAccessBlock[0].props[flag] !== true);
    return off.length === 0 ? undefined : `${off.join(", ")} not true`;
  },
  message: (bucket, problem) =>
    `${bucket} does not block all public access (${problem}). Fix: add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.`,
});

/** Whether a bucket policy document denies every request made without TLS. */
export function deniesInsecureTransport(policy: unknown): boolean {
  let document: Props | undefined;
  try {
    document = typeof policy === "string" ? JSON.parse(policy) : (policy as Props);
  } catch {
    return false;
  }
  const statements = ([] as Props[]).concat(document?.Statement ?? []);
  return statements.some((s) => {
    const actions = ([] as string[]).concat(s.Action ?? []);
    const everyone = s.Principal === "*" || ([] as string[]).concat(s.Principal?.AWS ?? []).includes("*");
    const insecure = Object.values((s.Condition ?? {}) as Record<string, Props>).some(
      (c) => String(c?.["aws:SecureTransport"]) === "false",
    );
    return s.Effect === "Deny" && everyone && insecure && actions.some((a) => a === "s3:*" || a === "*");
  });
}

export const backupBucketTlsOnly = bucketPolicy({
  name: "backup-bucket-tls-only",
  description: "Backup buckets refuse requests made without TLS.",
  problem: ({ settings }) => {
    if (settings.policy.length === 0) return missing("policy");
    return settings.policy.some((p) => deniesInsecureTransport(p.props.policy))
      ? undefined
      : 'its policy does not deny s3:* when aws:SecureTransport is "false"';
  },
  message: (bucket, problem) =>
    `${bucket} accepts requests without TLS (${problem}). Fix: add an aws.s3.BucketPolicy with a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }.`,
});

export const backupBucketReplication = bucketPolicy({
  name: "backup-bucket-replication",
  description: "Production backup buckets replicate to the DR region (the replica bucket itself is exempt).",
  production: true,
  problem: ({ settings, isReplica }) => {
    if (isReplica) return undefined;
    if (settings.replication.length === 0) return missing("replication");
    const rules = settings.replication.flatMap((r) => (r.props.rules ?? []) as Props[]);
    return rules.some((r) => r.status === "Enabled") ? undefined : "no Enabled rule";
  },
  message: (bucket, problem) =>
    `${bucket} is not replicated to another region in production (${problem}). Fix: add an aws.s3.BucketReplicationConfig with an Enabled rule to the DR region's bucket (platform:backups.replicateToDr: true).`,
});

export const DEFAULT_RPO_MINUTES = 15;

export const backupScheduleWithinRpo: StackValidationPolicy = {
  name: "backup-schedule-within-rpo",
  description: "Without point-in-time recovery, backup CronJobs run at least once per RPO.",
  configSchema: { properties: { rpoMinutes: { type: "integer", minimum: 1, default: DEFAULT_RPO_MINUTES } } },
  validateStack: (args, report) => {
    const rpo = args.getConfig<{ rpoMinutes?: number }>().rpoMinutes ?? DEFAULT_RPO_MINUTES;
    const instances = args.resources.filter((r) => r.type === RDS_INSTANCE && !r.props.replicateSourceDb);
    const withoutPitr = instances.find((r) => !(Number(r.props.backupRetentionPeriod ?? 0) >= 1));
    if (!withoutPitr) return;
    const pitr = `point-in-time recovery is off (RDS instance "${withoutPitr.name}" has backupRetentionPeriod ${withoutPitr.props.backupRetentionPeriod ?? "unset"})`;
    const fix = `Fix: keep automated backups (backupRetentionPeriod ≥ 1, platform:database.backupRetentionDays) or schedule the backup at least every ${rpo} minutes.`;
    const jobs = args.resources.filter(
      (r) =>
        r.type === "kubernetes:batch/v1:CronJob" &&
        labelsOf(r.props)["app.kubernetes.io/component"] === BACKUP_COMPONENT,
    );
    if (jobs.length === 0) {
      report(
        `${pitr[0].toUpperCase()}${pitr.slice(1)} and no backup CronJob (label app.kubernetes.io/component=${BACKUP_COMPONENT}) exists, so the RPO of ${rpo} minutes cannot be met. ${fix}`,
        withoutPitr.urn,
      );
    }
    for (const job of jobs) {
      const interval = longestIntervalMinutes(String(job.props.spec?.schedule));
      if (interval > rpo) {
        report(
          `${describeObject(job.type, job.props, job.name)} runs "${job.props.spec?.schedule}", up to ${interval} minutes apart, but ${pitr} and the RPO is ${rpo} minutes. ${fix}`,
          job.urn,
        );
      }
    }
  },
};

export const backupPolicies = [
  backupBucketVersioning,
  backupBucketEncryption,
  backupBucketLifecycle,
  backupBucketPublicAccess,
  backupBucketTlsOnly,
  backupBucketReplication,
  backupScheduleWithinRpo,
];
