import { z } from "zod";
import { Environment, dailyWindow, dnsLabel, weeklyWindow } from "./common";
import { TIERS } from "./tenants";
import { egressRuleSchema } from "./egress";

/** PostgreSQL major versions RDS offers that the project supports. */
export const POSTGRES_VERSIONS = ["14", "15", "16", "17"] as const;
/** Redis (ElastiCache) engine versions that support RBAC user groups. */
export const REDIS_VERSIONS = ["6.2", "7.0", "7.1"] as const;

const prod = (env: Environment) => env === "production";

/** RDS PerformanceInsightsRetentionPeriod: 7 (free tier), 31 × 1–23 months, or 731 (RDS API Reference). */
export const PERFORMANCE_INSIGHTS_RETENTION_DAYS: readonly number[] = [
  7,
  ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)),
  731,
];
/** RDS MonitoringInterval (Enhanced Monitoring), seconds (RDS API Reference). */
export const MONITORING_INTERVALS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

export const networkSchema = z.strictObject({
  /** VPC that holds the data tier. */
  vpcId: z.string().regex(/^vpc-[0-9a-z]+$/, 'a VPC id such as "vpc-0abc"'),
  /** Private subnets (two or more, in different zones) for the database and Redis subnet groups. */
  privateSubnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-z]+$/, 'a subnet id such as "subnet-0abc"'))
    .min(2, "at least two subnets in different availability zones"),
  /** Security group of the Kubernetes nodes: the only source admitted to the database and Redis. */
  clusterSecurityGroupId: z.string().regex(/^sg-[0-9a-z]+$/, 'a security group id such as "sg-0abc"'),
});

export const kubernetesSchema = z.strictObject({
  /** Namespace of the platform's own workloads. */
  namespace: z
    .string()
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "a DNS label")
    .max(63)
    .default("platform"),
  /** Namespace of the cluster's monitoring stack (Prometheus, Pushgateway, adapter), admitted to scrape tenant pods. */
  monitoringNamespace: dnsLabel(1, 63, "a namespace name").default("monitoring"),
  /**
   * Port Prometheus scrapes on tenant pods: a number, or a container port name (the worker pools name theirs
   * "http"). Defaults to "http".
   */
  tenantMetricsPort: z
    .union([
      z.number().int().min(1).max(65535),
      z.string().regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, "a container port name (IANA_SVC_NAME)"),
    ])
    .default("http"),
  /** Extra egress of every tenant namespace of a tier (e.g. 443 to the platform API). Defaults to none. */
  tierEgress: z.partialRecord(z.enum(TIERS), z.array(egressRuleSchema)).default({}),
  /** kubeconfig context to use; the ambient kubeconfig's current context when unset. */
  context: z.string().optional(),
  /**
   * ARN of the cluster's IAM OIDC provider (`arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>`),
   * used to give service accounts IAM roles (IRSA). Required in production; without it no IRSA roles are made.
   */
  oidcProviderArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*$/,
      'an IAM OIDC provider ARN such as "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF"',
    )
    .optional(),
});

/**
 * Names the restored instance (its Pulumi name and RDS identifier): a DNS label of at most 24 characters. Defaults to
 * one derived from the source (`snapshot-<id>`, `pitr-<time>`); set it when two restores would derive the same.
 */
const restoreLabel = z
  .string()
  .regex(/^[a-z]([-a-z0-9]{0,22}[a-z0-9])?$/, 'a DNS label of at most 24 characters, such as "restore-2026-11-20"');

/** Where a restored instance comes from: an RDS snapshot, or a point in time of another instance. */
export const restoreSchema = z.union([
  z.strictObject({ snapshotId: z.string().min(1), label: restoreLabel.optional() }),
  z.strictObject({
    pointInTime: z.strictObject({
      sourceInstance: z.string().min(1),
      time: z.iso.datetime({ message: 'an ISO-8601 UTC time such as "2026-11-20T13:45:00Z"' }).optional(),
      useLatestRestorableTime: z.boolean().optional(),
    }),
    label: restoreLabel.optional(),
  }),
]);
export type RestoreSource = z.output<typeof restoreSchema>;

/**
 * An instance that is no longer the active one but stays registered, unchanged and protected, until a later change
 * retires it: `restore` names how it was made (none = the stack's original instance), `retire: true` lifts its
 * protection and deletion protection so the next change may drop the entry (RDS then takes its final snapshot).
 */
export const retainedInstanceSchema = z.strictObject({
  restore: restoreSchema.optional(),
  retire: z.boolean().default(false),
});

export function databaseSchema(env: Environment) {
  return z.strictObject({
    engineVersion: z.enum(POSTGRES_VERSIONS).default("16"),
    /**
     * Lets RDS apply a change of `engineVersion`'s major version (AllowMajorVersionUpgrade). Only while the
     * maintenance snapshot exists (`platform:maintenance` enabled with a `snapshot`): the upgrade procedure of
     * docs/operations.md. Remove it with the resume commit. Defaults to false.
     */
    allowMajorVersionUpgrade: z.boolean().default(false),
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, 'an RDS instance class such as "db.r6g.large"')
      .default(prod(env) ? "db.r6g.large" : "db.t4g.medium"),
    allocatedStorageGb: z
      .number()
      .int()
      .min(20)
      .max(65536)
      .default(prod(env) ? 200 : 20),
    maxAllocatedStorageGb: z.number().int().min(20).max(65536).optional(),
    multiAz: z.boolean().default(prod(env)),
    allowSingleAz: z.boolean().default(false),
    singleAzReason: z.string().min(10).optional(),
    backupRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(35)
      .default(prod(env) ? 30 : 7),
    backupWindow: dailyWindow.default("03:00-04:00"),
    maintenanceWindow: weeklyWindow.default("sun:04:30-sun:05:30"),
    /**
     * When RDS applies instance modifications (class, storage, engine version, Multi-AZ…): `immediately`, or in the
     * next `maintenanceWindow` (RDS ModifyDBInstance `ApplyImmediately: false`). Static parameters wait for a reboot
     * either way. Defaults to `maintenanceWindow` in production, `immediately` elsewhere.
     */
    applyChanges: z.enum(["immediately", "maintenanceWindow"]).default(prod(env) ? "maintenanceWindow" : "immediately"),
    deletionProtection: z.boolean().default(prod(env)),
    /** Delete without a final snapshot. Never allowed in production; defaults to true only in development. */
    skipFinalSnapshot: z.boolean().default(env === "development"),
    /** Read replicas in the same region (each gets a replica-lag alarm). */
    readReplicas: z.number().int().min(0).max(5).default(0),
    performanceInsights: z.boolean().default(prod(env)),
    // RDS API Reference, CreateDBInstance: PerformanceInsightsRetentionPeriod "Valid Values: 7, month * 31, where
    // month is a number of months from 1-23, 731"; MonitoringInterval "Valid Values: 0, 1, 5, 10, 15, 30, 60".
    performanceInsightsRetentionDays: z
      .number()
      .refine(
        (n) => PERFORMANCE_INSIGHTS_RETENTION_DAYS.includes(n),
        "allowed: 7, 31, a multiple of 31 up to 713 (31 × 1–23 months), or 731 (RDS PerformanceInsightsRetentionPeriod)",
      )
      .default(7),
    monitoringIntervalSeconds: z
      .number()
      .refine(
        (n) => MONITORING_INTERVALS.includes(n),
        `allowed: ${MONITORING_INTERVALS.join(", ")} (seconds; 0 turns Enhanced Monitoring off — RDS MonitoringInterval)`,
      )
      .default(prod(env) ? 60 : 0),
    replicateBackupsToDr: z.boolean().default(prod(env)),
    parameters: z
      .record(z.string().regex(/^[a-z_.]+$/, "a PostgreSQL parameter name"), z.union([z.string(), z.number()]))
      .default({}),
    applicationDatabase: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "a PostgreSQL identifier")
      .default("app"),
    platformPoolConnections: z
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(prod(env) ? 100 : 20),
    maxConnections: z.number().int().min(10).max(262143).optional(),
    adminHost: z.string().min(1).optional(),
    adminPort: z.number().int().min(1).max(65535).optional(),
    passwordGeneration: z.number().int().min(1).default(1),
    /** Bump to rotate the generated password of the operations role (`platform_ops`: backups, maintenance). */
    operationsPasswordGeneration: z.number().int().min(1).default(1),
    /** Bump to rotate the generated password of the application role (`platform_app`: the platform's services). */
    applicationPasswordGeneration: z.number().int().min(1).default(1),
    /** The active instance is created from this source (a new instance; consumers follow it). */
    restore: restoreSchema.optional(),
    /** Former active instances kept until retired (see docs/operations.md, "Restore"). */
    retainedInstances: z.array(retainedInstanceSchema).default([]),
  });
}

/** Every tenant's own key and channel prefix (`tenant:<id>:`). */
export const TENANT_KEY_PREFIX = "tenant:";

/**
 * Why a tenant key pattern could let one tenant reach another's keys, or undefined when it is safe. Safe: exactly
 * one `{id}`; before it a non-empty literal (no glob characters) ending in a separator; after it nothing or a
 * separator; and no pattern's literal prefix is a prefix of another's (with `tenant:`), so patterns of different
 * tenants never overlap (`session:{id}*` would give "acme" the keys of "acme-labs").
 */
export function tenantKeyPatternProblem(pattern: string, others: readonly string[]): string | undefined {
  const parts = pattern.split("{id}");
  if (/\s/.test(pattern) || parts.length !== 2)
    return 'a key pattern without spaces and with exactly one "{id}" placeholder, such as "session:{id}:*"';
  const [prefix, rest] = parts;
  if (!/^[^*?[\]\\]*[^a-z0-9*?[\]\\-]$/.test(prefix))
    return 'the text before "{id}" must be a literal ending in a separator such as ":" (no *, ?, [ or \\): a glob there could match other tenants\' keys';
  if (!/^([^a-z0-9*?[\]\\-].*)?$/.test(rest))
    return '"{id}" must end the pattern or be followed by a separator such as ":" (e.g. "session:{id}:*"), else tenant "acme" would match the keys of "acme-labs"';
  const clash = [TENANT_KEY_PREFIX, ...others.map((o) => o.split("{id}")[0])].find(
    (other) => other !== prefix && (other.startsWith(prefix) || prefix.startsWith(other)),
  );
  if (clash !== undefined)
    return `its prefix "${prefix}" and the prefix "${clash}" overlap: one tenant's keys could fall under another tenant's pattern; use distinct prefixes`;
  return undefined;
}

const tenantKeyPatterns = z.array(z.string()).superRefine((patterns, ctx) => {
  patterns.forEach((pattern, i) => {
    const problem = tenantKeyPatternProblem(
      pattern,
      patterns.filter((_, j) => j !== i),
    );
    if (problem) ctx.addIssue({ code: "custom", path: [i], message: problem });
  });
});

export function redisSchema(env: Environment) {
  return z.strictObject({
    engineVersion: z.enum(REDIS_VERSIONS).default("7.1"),
    nodeType: z
      .string()
      .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'an ElastiCache node type such as "cache.r6g.large"')
      .default(prod(env) ? "cache.r6g.large" : "cache.t4g.small"),
    replicasPerShard: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(prod(env) ? 1 : 0),
    snapshotRetentionDays: z
      .number()
      .int()
      .min(0)
      .max(35)
      .default(prod(env) ? 7 : 1),
    snapshotWindow: dailyWindow.default("05:00-06:00"),
    maintenanceWindow: weeklyWindow.default("sun:06:30-sun:07:30"),
    /** Connection ceiling the connections alarm measures against (ElastiCache fixes maxclients at 65000). */
    maxClients: z.number().int().min(100).max(65000).default(65000),
    platformUserGeneration: z.number().int().min(1).default(1),
    /**
     * While true, the platform user also accepts the password of generation platformUserGeneration − 1, so clients
     * move to the new password without an outage (two-step rotation, docs/operations.md). Defaults to false.
     */
    keepPreviousPlatformPassword: z.boolean().default(false),
    tenantUserTiers: z.array(z.enum(["free", "standard", "enterprise"])).default(["enterprise"]),
    /**
     * Extra key patterns of each tenant's Redis user, with the `{id}` placeholder (e.g. `session:{id}:*`). The text
     * before `{id}` is literal and `{id}` ends the pattern or is followed by a separator, so one tenant's pattern can
     * never match another tenant's keys (`session:{id}*` would give tenant "acme" the keys of "acme-labs").
     */
    tenantKeyPatterns: tenantKeyPatterns.default([]),
  });
}
