import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";
import * as postgresql from "@pulumi/postgresql";
import type { NetworkConfig } from "../../config";
import type { Providers } from "../providers";
import type { Environment } from "../../config/common";
import { effectiveMaxConnections, instanceClassMemoryGib } from "../../config/capacity";
import { createDataKey } from "../aws/kms-key";
import { clusterOnlySecurityGroup } from "../aws/security-group";
import { createAlarms } from "../monitoring/alarms";
import { type DatabaseAlarmInputs, databaseAlarmSpecs } from "./alarms";
import { masterPassword, storeCredentials } from "./credentials";
import { drBackupsKey, replicateBackups } from "./dr-backups";
import { databaseParameters, parameterGroupFamily } from "./parameters";
import { CA_CERT_IDENTIFIER, DatabaseConfig, MASTER_USERNAME, adoptOption } from "./settings";
import { InstanceContext, InstanceOrigin, instanceArgs, instanceResourceName, originOf } from "./instances";
import type { RestoreSource } from "../../config/data";
import { DatabaseRoles, databaseRoles } from "./roles";

export { databaseParameters, parameterGroupFamily, PLATFORM_PARAMETERS } from "./parameters";
export { databaseAlarmSpecs } from "./alarms";
export { adoptOption, finalSnapshotIdentifier, restoreInputs, MASTER_USERNAME } from "./settings";
export { instanceArgs, instanceResourceName } from "./instances";
export { APPLICATION_ROLE, OPERATIONS_ROLE } from "./roles";
export type { DatabaseRoles, RoleLogin } from "./roles";

export const POSTGRES_PORT = 5432;

export interface DatabaseArgs {
  /** The validated `platform:database` section (environment defaults already applied). */
  config: DatabaseConfig;
  /** Production protects the instance, its keys and the application database (`protect: true`). */
  environment: Environment;
  /** Private subnets for the subnet group and the cluster security group admitted on 5432. */
  network: NetworkConfig;
  /** Alarm thresholds (`platform:alerts`). */
  alerts: DatabaseAlarmInputs["alerts"];
  /** SNS topic every alarm and RDS event notification publishes to. */
  alertsTopicArn: pulumi.Input<string>;
  /**
   * AWS providers: `aws` of the stack's region; `awsDr` of the DR region, where automated backups are replicated
   * when set and `config.replicateBackupsToDr` is true (without it, no replication).
   */
  providers: Pick<Providers, "aws" | "awsDr">;
  /**
   * The DR stack's relation to the primary (`platform:dr` with `sourceDbArn`): `standby` makes the active instance a
   * cross-region read replica of the primary's active instance (`source`); `primary` is that replica promoted. The
   * primary's former instances (`retained`) keep their replicas, unchanged (whatever they became: a promoted
   * former DR primary stays as it is), until the primary retires them. Defaults to none (a primary stack).
   */
  crossRegion?: {
    role: "standby" | "primary";
    source: { arn: string; of?: RestoreSource };
    retained?: Array<{ arn: string; of?: RestoreSource; retire: boolean }>;
    /** False: the DR provider's region (the primary's) is down: nothing is registered there. Defaults to true. */
    regionAvailable?: boolean;
  };
  /** Scopes account-wide names (KMS alias, final snapshot). Defaults to the Pulumi stack name. */
  stackName?: string;
}

/**
 * The platform's PostgreSQL on RDS, safe by construction: encrypted with its own rotating KMS key, private (subnet
 * group from private subnets, 5432 from the cluster only, never public), TLS enforced, slow queries logged,
 * storage autoscaling, PITR backups (replicated to the DR region), a final snapshot, and alarms to the alerts topic.
 */
export class Database extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly replicas: aws.rds.Instance[];
  readonly address: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** Admin connection for tenant roles, schemas and databases: sslmode=require, not a superuser. */
  readonly adminProvider: postgresql.Provider;
  readonly masterUsername = MASTER_USERNAME;
  /** Always a secret. */
  readonly masterPassword: pulumi.Output<string>;
  readonly masterSecretArn: pulumi.Output<string>;
  readonly kmsKey: aws.kms.Key;
  /** The shared application database that holds tenants' schemas. */
  readonly applicationDatabaseName: string;
  /** Undefined while the instance is a standby replica (read-only). */
  readonly applicationDatabase?: postgresql.Database;
  /** RDS identifier and ARN of the active instance (the ARN is what a DR standby stack replicates). */
  readonly identifier: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** Former active instances kept by `platform:database.retainedInstances`. */
  readonly retainedInstances: aws.rds.Instance[];
  /**
   * False while the instance is a DR standby replica: no PostgreSQL objects (databases, roles, schemas) may be
   * managed on it. Consumers that create them (tenants) skip them while false.
   */
  readonly writable: boolean;
  /**
   * True in a promoted DR stack: PostgreSQL objects already exist (replicated from the old primary) and are adopted
   * with the `import` resource option (`adoptOption`) instead of created.
   */
  readonly adoptExisting: boolean;
  readonly securityGroupId: pulumi.Output<string>;
  /** The application role, the operations role and the operations role's provider (docs/data-tier.md, "Roles"). */
  readonly roles: DatabaseRoles;
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:database:Database", name, {}, opts);
    const { config } = args;
    const provider = args.providers.aws;
    const production = args.environment === "production";
    const stack = args.stackName ?? pulumi.getStack();
    const child = { parent: this, provider };
    const maxConnections = effectiveMaxConnections(config);
    if (maxConnections === undefined) {
      throw new pulumi.ResourceError(
        `unknown instance class ${config.instanceClass}: set platform:database.maxConnections`,
        this,
      );
    }

    const { key } = createDataKey(
      name,
      {
        description: `PostgreSQL storage, snapshots and secrets (${stack})`,
        alias: `platform/${stack}/database`,
        protect: production,
      },
      child,
    );
    this.kmsKey = key;
    const securityGroup = clusterOnlySecurityGroup(
      name,
      {
        vpcId: args.network.vpcId,
        port: POSTGRES_PORT,
        clusterSecurityGroupId: args.network.clusterSecurityGroupId,
        description: "PostgreSQL: 5432 from the Kubernetes cluster only",
      },
      child,
    );
    this.securityGroupId = securityGroup.id;
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.network.privateSubnetIds, description: "private subnets of the platform database" },
      child,
    );
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        family: parameterGroupFamily(config.engineVersion),
        description: "platform PostgreSQL: TLS only, slow-query log, pg_stat_statements",
        parameters: databaseParameters(config.parameters),
      },
      child,
    );
    const monitoringRole = config.monitoringIntervalSeconds > 0 ? this.enhancedMonitoringRole(name, child) : undefined;
    this.masterPassword = masterPassword(name, config.passwordGeneration, child);

    const ctx: InstanceContext = {
      config,
      kmsKeyArn: key.arn,
      subnetGroupName: subnetGroup.name,
      securityGroupId: securityGroup.id,
      parameterGroupName: parameterGroup.name,
      monitoringRoleArn: monitoringRole?.arn,
      password: this.masterPassword,
      production,
      stack,
    };
    // A DR replica of a former primary instance is kept as it is: replica, or promoted by an earlier failover.
    const kept = ["replicateSourceDb", "backupRetentionPeriod", "password", "username"];
    const instance = (origin: InstanceOrigin, retire = false, keep = false) =>
      new aws.rds.Instance(instanceResourceName(name, origin), instanceArgs(name, origin, ctx, retire), {
        ...child,
        protect: production && !retire,
        additionalSecretOutputs: ["password"],
        // Storage autoscaling changes the allocation outside Pulumi; do not shrink it back on the next `up`.
        ignoreChanges: [
          ...(config.maxAllocatedStorageGb !== undefined ? ["allocatedStorage"] : []),
          ...(keep ? kept : []),
        ],
      });
    const crossRegion = args.crossRegion;
    this.writable = crossRegion?.role !== "standby";
    this.adoptExisting = crossRegion?.role === "primary";
    this.instance = instance(
      crossRegion
        ? { kind: "replica", sourceDbArn: crossRegion.source.arn, of: crossRegion.source.of, promoted: this.writable }
        : originOf(config.restore),
    );
    // Former active instances stay registered (unchanged, protected) until config retires them; a DR stack's follow
    // the primary's.
    this.retainedInstances = crossRegion
      ? (crossRegion.retained ?? []).map((r) =>
          instance({ kind: "replica", sourceDbArn: r.arn, of: r.of, promoted: false }, r.retire, true),
        )
      : config.retainedInstances.map((retained) => instance(originOf(retained.restore), retained.retire));
    this.address = this.instance.address;
    this.port = this.instance.port;
    this.identifier = this.instance.identifier;
    this.arn = this.instance.arn;

    this.replicas = Array.from(
      { length: config.readReplicas },
      (_, i) =>
        new aws.rds.Instance(
          `${name}-replica-${i + 1}`,
          {
            replicateSourceDb: this.instance.identifier,
            instanceClass: config.instanceClass,
            storageEncrypted: true,
            kmsKeyId: key.arn,
            vpcSecurityGroupIds: [securityGroup.id],
            publiclyAccessible: false,
            parameterGroupName: parameterGroup.name,
            caCertIdentifier: CA_CERT_IDENTIFIER,
            skipFinalSnapshot: true,
            backupRetentionPeriod: 0,
            performanceInsightsEnabled: config.performanceInsights,
            performanceInsightsKmsKeyId: config.performanceInsights ? key.arn : undefined,
            monitoringInterval: config.monitoringIntervalSeconds,
            monitoringRoleArn: monitoringRole?.arn,
            autoMinorVersionUpgrade: true,
          },
          child,
        ),
    );

    // The DR region's key exists whenever backups replicate there, a DR standby's too (created while that region is
    // up), so a failover registers nothing new in it. A standby replica has no automated backups to replicate; the
    // promoted instance replicates them, unless the region is down (`platform:dr.regionAvailable: false`).
    if (config.replicateBackupsToDr && args.providers.awsDr) {
      const dr = { parent: this, provider: args.providers.awsDr };
      const drKey = drBackupsKey(name, stack, production, dr);
      if (this.writable && crossRegion?.regionAvailable !== false)
        replicateBackups(name, this.instance.arn, config.backupRetentionDays, drKey, dr);
    }

    this.masterSecretArn = storeCredentials(
      name,
      {
        username: MASTER_USERNAME,
        password: this.masterPassword,
        host: this.address,
        port: this.port,
        dbname: config.applicationDatabase,
        kmsKeyArn: key.arn,
      },
      child,
    ).arn;

    this.adminProvider = new postgresql.Provider(
      `${name}-admin`,
      {
        host: config.adminHost ?? this.address,
        port: config.adminPort ?? this.port,
        username: MASTER_USERNAME,
        password: this.masterPassword,
        database: "postgres",
        sslmode: "require",
        superuser: false,
        connectTimeout: 15,
        expectedVersion: config.engineVersion,
      },
      { parent: this },
    );
    this.applicationDatabaseName = config.applicationDatabase;
    // A standby replica is read-only: PostgreSQL objects exist there by replication and are adopted (`import`) by
    // the promoted stack, whose state does not know them yet.
    this.applicationDatabase = this.writable
      ? new postgresql.Database(
          `${name}-app-db`,
          {
            name: config.applicationDatabase,
            encoding: "UTF8",
            template: "template0",
            connectionLimit: -1,
            allowConnections: true,
          },
          {
            parent: this,
            provider: this.adminProvider,
            protect: production,
            dependsOn: [this.instance],
            ...adoptOption(this.adoptExisting, config.applicationDatabase),
          },
        )
      : undefined;
    // Tenants share this database: PUBLIC keeps USAGE on the `public` schema but loses CREATE (granted to everyone
    // before PostgreSQL 15), so no tenant can leave objects where another tenant would find them. The provider
    // revokes all of PUBLIC's privileges on the schema, then grants the listed ones (idempotent after a promotion).
    this.roles = databaseRoles(
      name,
      {
        adminProvider: this.adminProvider,
        applicationDatabase: this.applicationDatabase?.name ?? config.applicationDatabase,
        adminHost: config.adminHost ?? this.address,
        adminPort: config.adminPort ?? this.port,
        operationsPasswordGeneration: config.operationsPasswordGeneration,
        applicationPasswordGeneration: config.applicationPasswordGeneration,
        applicationConnectionLimit: config.platformPoolConnections,
        engineVersion: config.engineVersion,
        adopt: this.adoptExisting,
        writable: this.writable,
        protect: production,
      },
      this,
    );
    if (this.applicationDatabase) {
      new postgresql.Grant(
        `${name}-app-db-public-schema`,
        {
          database: this.applicationDatabase.name,
          schema: "public",
          objectType: "schema",
          role: "public",
          privileges: ["USAGE"],
        },
        { parent: this, provider: this.adminProvider },
      );
    }

    new aws.rds.EventSubscription(
      `${name}-events`,
      {
        snsTopic: args.alertsTopicArn,
        sourceType: "db-instance",
        sourceIds: [this.instance.identifier],
        eventCategories: [
          "availability",
          "failover",
          "failure",
          "low storage",
          "maintenance",
          "recovery",
          "restoration",
        ],
      },
      child,
    );
    const specs = databaseAlarmSpecs({
      identifier: this.instance.identifier,
      // A DR standby is itself a replica: its lag is the failover RPO, alarmed like any replica's.
      replicaIdentifiers: [
        ...(this.writable ? [] : [this.instance.identifier]),
        ...this.replicas.map((r) => r.identifier),
      ],
      allocatedStorageGb: this.instance.allocatedStorage,
      maxAllocatedStorageGb: config.maxAllocatedStorageGb,
      memoryGib: instanceClassMemoryGib(config.instanceClass),
      maxConnections,
      alerts: args.alerts,
    });
    this.alarms = createAlarms(name, specs, args.alertsTopicArn, child);

    this.registerOutputs({
      address: this.address,
      port: this.port,
      identifier: this.identifier,
      arn: this.arn,
      applicationDatabase: this.applicationDatabaseName,
      masterSecretArn: this.masterSecretArn,
    });
  }

  private enhancedMonitoringRole(name: string, child: { parent: pulumi.Resource; provider: aws.Provider }) {
    const role = new aws.iam.Role(
      `${name}-monitoring-role`,
      {
        description: "RDS enhanced monitoring of the platform database",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "monitoring.rds.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        }),
      },
      child,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-monitoring-policy`,
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole" },
      child,
    );
    return role;
  }
}
