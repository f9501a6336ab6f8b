import * as pulumi from "@pulumi/pulumi";
import * as aws from "../sdk/aws";
import type { NetworkConfig, RedisConfig } from "../../config";
import type { Environment } from "../../config/common";
import { createDataKey } from "../aws/kms-key";
import { clusterOnlySecurityGroup } from "../aws/security-group";
import { createAlarms } from "../monitoring/alarms";
import { finalSnapshotIdentifier } from "../aws/names";
import { type RedisAlarmInputs, nodeIds, redisAlarmSpecs } from "./alarms";
import { elasticacheId, redisUsers } from "./users";

export { DISABLED_DEFAULT_ACCESS_STRING, PLATFORM_ACCESS_STRING, MAX_USERS_PER_GROUP, elasticacheId } from "./users";
export { redisAlarmSpecs, nodeIds } from "./alarms";

export type { RedisConfig } from "../../config";
export const REDIS_PORT = 6379;

/**
 * Parameters of the platform's Redis. The cache holds job queues: evicting a key silently loses a job, so memory
 * pressure must surface as write errors (and the memory alarms), never as evictions.
 */
export const REDIS_PARAMETERS: Readonly<Record<string, string>> = { "maxmemory-policy": "noeviction" };

/** ElastiCache parameter group family of an engine version ("7.1" → "redis7", "6.2" → "redis6.x"). */
export function redisParameterFamily(engineVersion: string): string {
  const major = Number(engineVersion.split(".")[0]);
  return major >= 7 ? `redis${major}` : `redis${major}.x`;
}

export interface RedisArgs {
  /** The validated `platform:redis` section (environment defaults already applied). */
  config: RedisConfig;
  /** Production protects the replication group and its key and takes a final snapshot. */
  environment: Environment;
  /** Private subnets for the subnet group and the cluster security group admitted on 6379. */
  network: NetworkConfig;
  /** Alarm thresholds (`platform:alerts`). */
  alerts: RedisAlarmInputs["alerts"];
  /** SNS topic every alarm and ElastiCache event notification publishes to. */
  alertsTopicArn: pulumi.Input<string>;
  /** AWS provider of the stack's region. */
  provider: aws.Provider;
  /** Scopes account-wide names (KMS alias, user ids, final snapshot). Defaults to the Pulumi stack name. */
  stackName?: string;
}

/**
 * The platform's Redis on ElastiCache (one shard, cluster mode off): encrypted at rest with its own KMS key and in
 * transit (TLS required), RBAC with the `default` user disabled, automatic failover and Multi-AZ whenever there is a
 * replica, `noeviction`, daily snapshots, and alarms to the alerts topic. Tenant users join `userGroupId` with
 * UserGroupAssociations (at most 100 users per group, two taken by `default` and the platform user).
 */
export class Redis extends pulumi.ComponentResource {
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  readonly primaryEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly port = REDIS_PORT;
  readonly userGroupId: pulumi.Output<string>;
  /** Account-unique prefix of this stack's ElastiCache user ids (`platform-<stack>`); tenant users share it. */
  readonly userIdPrefix: string;
  readonly platformUserName = "platform";
  /** Always a secret. */
  readonly platformUserPassword: pulumi.Output<string>;
  readonly kmsKey: aws.kms.Key;
  readonly securityGroupId: pulumi.Output<string>;
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:redis:Redis", name, {}, opts);
    const { config, provider } = args;
    const production = args.environment === "production";
    const stack = args.stackName ?? pulumi.getStack();
    const child = { parent: this, provider };
    const hasReplicas = config.replicasPerShard >= 1;

    const { key } = createDataKey(
      name,
      { description: `Redis data and snapshots (${stack})`, alias: `platform/${stack}/redis`, protect: production },
      child,
    );
    this.kmsKey = key;
    const securityGroup = clusterOnlySecurityGroup(
      name,
      {
        vpcId: args.network.vpcId,
        port: REDIS_PORT,
        clusterSecurityGroupId: args.network.clusterSecurityGroupId,
        description: "Redis: 6379 from the Kubernetes cluster only",
      },
      child,
    );
    this.securityGroupId = securityGroup.id;
    const subnetGroup = new aws.elasticache.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.network.privateSubnetIds, description: "private subnets of the platform Redis" },
      child,
    );
    const parameterGroup = new aws.elasticache.ParameterGroup(
      `${name}-params`,
      {
        family: redisParameterFamily(config.engineVersion),
        description: "platform Redis: noeviction (job queues)",
        parameters: Object.entries(REDIS_PARAMETERS).map(([paramName, value]) => ({ name: paramName, value })),
      },
      child,
    );
    this.userIdPrefix = elasticacheId("platform", stack);
    const users = redisUsers(
      name,
      {
        idPrefix: this.userIdPrefix,
        platformUserGeneration: config.platformUserGeneration,
        keepPreviousPlatformPassword: config.keepPreviousPlatformPassword,
      },
      child,
    );
    this.userGroupId = users.group.userGroupId;
    this.platformUserPassword = users.platformPassword;

    this.replicationGroup = new aws.elasticache.ReplicationGroup(
      `${name}-group`,
      {
        description: `platform Redis (${stack}): job queues, caches, sessions`,
        engine: "redis",
        engineVersion: config.engineVersion,
        nodeType: config.nodeType,
        port: REDIS_PORT,
        numCacheClusters: 1 + config.replicasPerShard,
        automaticFailoverEnabled: hasReplicas,
        multiAzEnabled: hasReplicas,
        atRestEncryptionEnabled: true,
        kmsKeyId: key.arn,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        userGroupIds: [users.group.userGroupId],
        subnetGroupName: subnetGroup.name,
        securityGroupIds: [securityGroup.id],
        parameterGroupName: parameterGroup.name,
        snapshotRetentionLimit: config.snapshotRetentionDays,
        snapshotWindow: config.snapshotWindow,
        maintenanceWindow: config.maintenanceWindow,
        finalSnapshotIdentifier: production ? finalSnapshotIdentifier(name, stack) : undefined,
        notificationTopicArn: args.alertsTopicArn,
        autoMinorVersionUpgrade: true,
        applyImmediately: false,
      },
      { ...child, protect: production, dependsOn: [users.membership] },
    );
    this.primaryEndpoint = this.replicationGroup.primaryEndpointAddress;
    this.readerEndpoint = this.replicationGroup.readerEndpointAddress;

    const specs = redisAlarmSpecs({
      nodeIds: nodeIds(this.replicationGroup.replicationGroupId, 1 + config.replicasPerShard),
      maxClients: config.maxClients,
      hasReplicas,
      alerts: args.alerts,
    });
    this.alarms = createAlarms(name, specs, args.alertsTopicArn, child);

    this.registerOutputs({ primaryEndpoint: this.primaryEndpoint, port: this.port, userGroupId: this.userGroupId });
  }
}
