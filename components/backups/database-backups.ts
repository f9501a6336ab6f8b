import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";
import * as k8s from "../sdk/kubernetes";
import { DatabaseAccess, POSTGRES_IMAGE_UID, libpqEnv } from "../jobs/database-access";
import { ScheduledJob, jobSpec } from "../jobs/scheduled-job";
import { standardLabels } from "../kubernetes/labels";
import type { input as Input } from "@pulumi/kubernetes/types";
import { backupAccessPolicy, irsaTrustPolicy } from "./irsa";
import { TenantExport, tenantExportPrefix } from "./layout";
import { STEP_EPHEMERAL_STORAGE, backupPodVolumes, workVolumeGb } from "./work-volume";

export { backupAccessPolicy, irsaTrustPolicy, oidcIssuerOf } from "./irsa";
export {
  backupDatabaseNames,
  tenantDatabaseName,
  tenantExportPrefix,
  tenantExports,
  type TenantExport,
} from "./layout";

/** The scripts the backup jobs run, embedded in their ConfigMap: the same files the integration test runs. */
export const BACKUP_SCRIPTS: Record<string, string> = {
  "backup.sh": readFileSync(join(__dirname, "scripts", "backup.sh"), "utf8"),
  "verify-restore.sh": readFileSync(join(__dirname, "scripts", "verify-restore.sh"), "utf8"),
};

export interface DatabaseBackupsArgs {
  /** Namespace of the jobs. */
  namespace: pulumi.Input<string>;
  /** Key prefix of the dumps: `s3://<bucket>/<prefix>/<database>/<timestamp>.dump` (the environment name). */
  prefix: string;
  /** The database server and the Secret with a login that may read every database. */
  database: DatabaseAccess;
  /** Databases to dump and verify: the application database and every tenant database. None: no CronJobs. */
  databases: readonly string[];
  /** One-off exports of offboarded tenants' data (`tenantExports`): a Job each. Defaults to none. */
  exports?: readonly TenantExport[];
  /** The backup bucket and its KMS key. */
  bucket: { name: pulumi.Input<string>; arn: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> };
  /** Region of the bucket (AWS_REGION of the CLI). */
  bucketRegion: string;
  /** Schedule of the backup (five-field cron, UTC). */
  schedule: string;
  /** Schedule of the restore verification (five-field cron, UTC). */
  verifySchedule: string;
  /** Official postgres image (pg_dump, pg_restore, a scratch server); its major version ≥ the server's. */
  postgresImage: pulumi.Input<string>;
  /** Official AWS CLI image (upload, download, metrics push). */
  awsCliImage: string;
  /** ARN of the cluster's IAM OIDC provider, trusted by the jobs' IAM roles (IRSA). */
  oidcProviderArn: string;
  /** Pushgateway for the jobs' metrics. Defaults to none (metrics in the logs only). */
  pushgatewayUrl?: string;
  /** `stack` grouping label of the pushed metrics (stacks share a Pushgateway). */ pushgatewayStack?: string;
  /** Verification fails when the newest dump is older. Defaults to 48. */
  verifyMaxDumpAgeHours?: number;
  /** Verification fails when a restored database has fewer user tables. Defaults to 1. */
  verifyMinTables?: number;
  /**
   * The database's storage ceiling in GiB (`maxAllocatedStorageGb`, else `allocatedStorageGb`): sizes each pod's work
   * volume (work-volume.ts).
   */
  storageCeilingGb: pulumi.Input<number>;
  /** Storage class of the work volumes. Defaults to the cluster's default class. */
  workStorageClass?: string;
  /** Suspends both schedules and the export Jobs (maintenance mode, DR standby). Defaults to false. */
  suspend?: boolean;
  /** AWS (IAM roles) and Kubernetes (jobs) providers: a Pick of components/providers.ts `Providers`. */
  providers: { aws: aws.Provider; kubernetes: k8s.Provider };
}

const env = (values: Record<string, pulumi.Input<string> | undefined>): Input.core.v1.EnvVar[] =>
  Object.entries(values)
    .filter((entry): entry is [string, pulumi.Input<string>] => entry[1] !== undefined)
    .map(([name, value]) => ({ name, value }));

/**
 * Daily logical backups (`pg_dump -Fc` of every database, uploaded with its SHA-256) and a weekly restore
 * verification (newest dump → checksum → restore into a scratch server in the pod → sanity queries), as CronJobs
 * running the repo's scripts from a ConfigMap, with S3 access through IRSA roles scoped to the bucket prefix.
 */
export class DatabaseBackups extends pulumi.ComponentResource {
  readonly backupCronJobName?: pulumi.Output<string>;
  readonly verifyCronJobName?: pulumi.Output<string>;
  readonly writerRoleArn: pulumi.Output<string>;
  readonly verifierRoleArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:backups:DatabaseBackups", name, {}, opts);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(args.prefix))
      throw new pulumi.ResourceError(`prefix "${args.prefix}" must be lowercase letters, digits and "-"`, this);
    const awsOpts = { parent: this, provider: args.providers.aws };
    const k8sOpts = { parent: this, provider: args.providers.kubernetes };
    const labels = (component: string) => standardLabels({ name: "database-backup", component });

    const scripts = new k8s.core.v1.ConfigMap(
      `${name}-scripts`,
      {
        metadata: { name: "database-backup-scripts", namespace: args.namespace, labels: labels("scripts") },
        data: BACKUP_SCRIPTS,
      },
      k8sOpts,
    );

    const irsa = (role: "writer" | "verifier") => {
      const serviceAccountName = `database-backup-${role}`;
      const iamRole = new aws.iam.Role(
        `${name}-${role}-role`,
        {
          description: `IRSA role of the database backup ${role} (${args.prefix})`,
          assumeRolePolicy: pulumi
            .output(args.namespace)
            .apply((ns) => irsaTrustPolicy(args.oidcProviderArn, ns, serviceAccountName)),
          maxSessionDuration: 3600 * 6,
        },
        awsOpts,
      );
      new aws.iam.RolePolicy(
        `${name}-${role}-policy`,
        {
          role: iamRole.name,
          policy: pulumi
            .all([args.bucket.arn, args.bucket.kmsKeyArn])
            .apply(([bucketArn, kmsKeyArn]) => backupAccessPolicy(role, { bucketArn, prefix: args.prefix, kmsKeyArn })),
        },
        awsOpts,
      );
      const serviceAccount = new k8s.core.v1.ServiceAccount(
        `${name}-${role}-service-account`,
        {
          metadata: {
            name: serviceAccountName,
            namespace: args.namespace,
            labels: labels(role),
            annotations: { "eks.amazonaws.com/role-arn": iamRole.arn },
          },
        },
        k8sOpts,
      );
      return { iamRole, serviceAccount };
    };
    const writer = irsa("writer");
    const verifier = irsa("verifier");
    this.writerRoleArn = writer.iamRole.arn;
    this.verifierRoleArn = verifier.iamRole.arn;

    const exports = args.exports ?? [];
    if (args.databases.length === 0 && exports.length === 0)
      throw new pulumi.ResourceError("databases: at least one database to back up, or a tenant to export", this);
    const databases = args.databases.join(" ");
    const volumes = (kind: "backup" | "verify") =>
      backupPodVolumes({
        sizeGb: pulumi.output(args.storageCeilingGb).apply((ceiling) => workVolumeGb(kind, ceiling)),
        storageClassName: args.workStorageClass,
        scriptsConfigMap: scripts.metadata.name,
        labels: labels(`${kind}-work`),
      });
    const mounts = [
      { name: "work", mountPath: "/work" },
      { name: "tmp", mountPath: "/tmp" },
      { name: "scripts", mountPath: "/scripts", readOnly: true },
    ];
    const s3Env = env({
      BACKUP_BUCKET: args.bucket.name,
      BACKUP_PREFIX: args.prefix,
      AWS_REGION: args.bucketRegion,
      HOME: "/tmp",
      PUSHGATEWAY_URL: args.pushgatewayUrl,
      PUSHGATEWAY_STACK: args.pushgatewayStack,
    });
    const disk = STEP_EPHEMERAL_STORAGE;
    const small = {
      requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": disk.request },
      limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": disk.limit },
    };
    const postgresWork = {
      requests: { cpu: "500m", memory: "1Gi", "ephemeral-storage": disk.request },
      limits: { cpu: "2", memory: "4Gi", "ephemeral-storage": disk.limit },
    };
    const step = (
      containerName: string,
      image: pulumi.Input<string>,
      script: string,
      mode: string,
      stepEnv: Input.core.v1.EnvVar[],
      resources = small,
    ): Input.core.v1.Container => ({
      name: containerName,
      image,
      command: ["/bin/bash", `/scripts/${script}`, mode],
      env: stepEnv,
      resources,
      volumeMounts: mounts,
    });

    // Both pods run as the postgres image's user, so every step can read and write the shared work volume.
    const jobCommon = (
      objectName: string,
      schedule: string,
      serviceAccount: k8s.core.v1.ServiceAccount,
      kind: "backup" | "verify",
    ) => ({
      objectName,
      schedule,
      serviceAccountName: serviceAccount.metadata.name,
      namespace: args.namespace,
      suspend: args.suspend,
      runAsUser: POSTGRES_IMAGE_UID,
      volumes: volumes(kind),
      provider: args.providers.kubernetes,
    });
    for (const e of exports) {
      const exportLabels = { ...labels("tenant-export"), "platform.io/tenant": e.tenantId };
      const exportEnv = env({
        BACKUP_DATABASES: e.database,
        BACKUP_SCHEMA: e.schema,
        BACKUP_KIND: "export",
        BACKUP_WORK_DIR: "/work",
      });
      const exportS3Env = env({
        BACKUP_BUCKET: args.bucket.name,
        BACKUP_PREFIX: tenantExportPrefix(args.prefix, e.tenantId),
        AWS_REGION: args.bucketRegion,
        HOME: "/tmp",
      });
      new k8s.batch.v1.Job(
        `${name}-export-${e.tenantId}`,
        {
          // Not awaited by `pulumi up` (an export can take hours); the finished Job stays as the record of the run.
          metadata: {
            name: `tenant-export-${e.tenantId}`,
            namespace: args.namespace,
            labels: exportLabels,
            annotations: { "pulumi.com/skipAwait": "true" },
          },
          spec: {
            ...jobSpec(
              {
                serviceAccountName: writer.serviceAccount.metadata.name,
                runAsUser: POSTGRES_IMAGE_UID,
                volumes: volumes("backup"),
                activeDeadlineSeconds: 6 * 3600,
                backoffLimit: 1,
                keepFinished: true,
                initContainers: [
                  step(
                    "dump",
                    args.postgresImage,
                    "backup.sh",
                    "dump",
                    [...libpqEnv(args.database), ...exportEnv],
                    postgresWork,
                  ),
                ],
                containers: [step("upload", args.awsCliImage, "backup.sh", "upload", [...exportEnv, ...exportS3Env])],
              },
              exportLabels,
            ),
            suspend: args.suspend ?? false,
          },
        },
        k8sOpts,
      );
    }
    if (args.databases.length === 0) {
      this.registerOutputs({ writerRoleArn: this.writerRoleArn, verifierRoleArn: this.verifierRoleArn });
      return;
    }

    const backupEnv = env({ BACKUP_DATABASES: databases, BACKUP_WORK_DIR: "/work" });
    const backup = new ScheduledJob(
      `${name}-backup`,
      {
        ...jobCommon("database-backup", args.schedule, writer.serviceAccount, "backup"),
        activeDeadlineSeconds: 4 * 3600,
        backoffLimit: 1,
        initContainers: [
          step(
            "dump",
            args.postgresImage,
            "backup.sh",
            "dump",
            [...libpqEnv(args.database), ...backupEnv],
            postgresWork,
          ),
        ],
        containers: [step("upload", args.awsCliImage, "backup.sh", "upload", [...backupEnv, ...s3Env])],
        labels: labels("backup"),
      },
      { parent: this },
    );

    const verifyEnv = env({
      VERIFY_DATABASES: databases,
      VERIFY_WORK_DIR: "/work",
      VERIFY_MAX_DUMP_AGE_HOURS: String(args.verifyMaxDumpAgeHours ?? 48),
      VERIFY_MIN_TABLES: String(args.verifyMinTables ?? 1),
    });
    const verify = new ScheduledJob(
      `${name}-verify`,
      {
        ...jobCommon("database-restore-verify", args.verifySchedule, verifier.serviceAccount, "verify"),
        activeDeadlineSeconds: 6 * 3600,
        // A failed verification is a finding, not a flake: report it once, do not retry it away.
        backoffLimit: 0,
        initContainers: [
          step("fetch", args.awsCliImage, "verify-restore.sh", "fetch", [...verifyEnv, ...s3Env]),
          step("restore", args.postgresImage, "verify-restore.sh", "restore", verifyEnv, postgresWork),
        ],
        containers: [step("report", args.awsCliImage, "verify-restore.sh", "report", [...verifyEnv, ...s3Env])],
        labels: labels("restore-verify"),
      },
      { parent: this },
    );

    this.backupCronJobName = backup.cronJobName;
    this.verifyCronJobName = verify.cronJobName;
    this.registerOutputs({
      backupCronJobName: this.backupCronJobName,
      verifyCronJobName: this.verifyCronJobName,
      writerRoleArn: this.writerRoleArn,
      verifierRoleArn: this.verifierRoleArn,
    });
  }
}
