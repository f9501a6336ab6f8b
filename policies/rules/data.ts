// Data tier: RDS PostgreSQL and ElastiCache Redis.
// By class, not the package root or a service's index (which load every service's index, or the service's mixins
// and enums: slow in the offline plan's process).
import { Instance } from "@pulumi/aws/rds/instance";
import { ReplicationGroup } from "@pulumi/aws/elasticache/replicationGroup";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  ENVIRONMENT_CONFIG,
  environmentOf,
  isProduction,
  isRetiring,
  linkedResources,
  ofType,
  parameterMap,
} from "./util";

const aws = { rds: { Instance }, elasticache: { ReplicationGroup } };

export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
export const REDIS_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
export const REDIS_PARAMETER_GROUP = "aws:elasticache/parameterGroup:ParameterGroup";
export const REDIS_USER_GROUP = "aws:elasticache/userGroup:UserGroup";
export const REDIS_USER = "aws:elasticache/user:User";

/** Minimum automated-backup retention in days, by environment. */
export const MIN_BACKUP_RETENTION_DAYS = { production: 14, staging: 7, development: 7 } as const;

const rds = (name: string) => `RDS instance "${name}"`;
const redis = (name: string) => `Redis replication group "${name}"`;
/** A read replica takes its data from its source; backups and standby are the source's business. */
const isReadReplica = (props: { replicateSourceDb?: string }) =>
  typeof props.replicateSourceDb === "string" && props.replicateSourceDb !== "";

export const rdsEncryptedCustomerKey: ResourceValidationPolicy = {
  name: "rds-encrypted-customer-key",
  description: "RDS storage is encrypted with the stack's customer-managed KMS key.",
  validateResource: validateResourceOfType(aws.rds.Instance, (props, args, report) => {
    if (props.storageEncrypted !== true) {
      report(
        `${rds(args.name)} stores data unencrypted (storageEncrypted is not true). Fix: set storageEncrypted: true and kmsKeyId to the stack's KMS key; an existing instance is encrypted by restoring a snapshot into a new one.`,
      );
    } else if (!props.kmsKeyId) {
      report(
        `${rds(args.name)} is encrypted with the AWS-managed key, not a customer key. Fix: set kmsKeyId to the ARN of the stack's aws.kms.Key, so rotation, access and deletion of the key are yours to control.`,
      );
    }
  }),
};

export const rdsNotPublic: ResourceValidationPolicy = {
  name: "rds-not-public",
  description: "RDS instances are reachable only from inside the VPC.",
  validateResource: validateResourceOfType(aws.rds.Instance, (props, args, report) => {
    if (props.publiclyAccessible === true) {
      report(
        `${rds(args.name)} is publicly accessible. Fix: set publiclyAccessible: false; the cluster reaches it through the private subnets and its security group.`,
      );
    }
  }),
};

export const rdsDeletionProtection: ResourceValidationPolicy = {
  name: "rds-deletion-protection",
  description: "Production RDS instances have deletion protection (except one tagged platform:lifecycle = retiring).",
  configSchema: ENVIRONMENT_CONFIG,
  validateResource: validateResourceOfType(aws.rds.Instance, (props, args, report) => {
    if (isProduction(args) && props.deletionProtection !== true && !isRetiring(props)) {
      report(
        `${rds(args.name)} has no deletion protection in production. Fix: set deletionProtection: true (platform:database.deletionProtection).`,
      );
    }
  }),
};

export const rdsFinalSnapshot: ResourceValidationPolicy = {
  name: "rds-final-snapshot",
  description: "Deleting an RDS instance takes a final snapshot first.",
  validateResource: validateResourceOfType(aws.rds.Instance, (props, args, report) => {
    if (isReadReplica(props)) return;
    if (props.skipFinalSnapshot === true) {
      report(
        `${rds(args.name)} skips the final snapshot when deleted. Fix: set skipFinalSnapshot: false and a finalSnapshotIdentifier.`,
      );
    } else if (!props.finalSnapshotIdentifier) {
      report(
        `${rds(args.name)} has no finalSnapshotIdentifier, so deleting it fails or loses its last state. Fix: set finalSnapshotIdentifier (e.g. "<identifier>-final").`,
      );
    }
  }),
};

export const rdsBackupRetention: ResourceValidationPolicy = {
  name: "rds-backup-retention",
  description: "Automated backups (point-in-time recovery) are kept at least 7 days, 14 in production.",
  configSchema: ENVIRONMENT_CONFIG,
  validateResource: validateResourceOfType(aws.rds.Instance, (props, args, report) => {
    if (isReadReplica(props)) return;
    const environment = environmentOf(args);
    const minimum = MIN_BACKUP_RETENTION_DAYS[environment];
    const days = props.backupRetentionPeriod;
    if (days === undefined || days < minimum) {
      const kept =
        days === undefined
          ? "does not set backupRetentionPeriod"
          : `keeps automated backups for ${days} day${days === 1 ? "" : "s"}`;
      report(
        `${rds(args.name)} ${kept}; ${environment} needs at least ${minimum} days. Fix: set backupRetentionPeriod to ${minimum} or more (platform:database.backupRetentionDays).`,
      );
    }
  }),
};

export const rdsMultiAz: ResourceValidationPolicy = {
  name: "rds-multi-az",
  description: "Production RDS instances run Multi-AZ, with a standby in another availability zone.",
  configSchema: ENVIRONMENT_CONFIG,
  validateResource: validateResourceOfType(aws.rds.Instance, (props, args, report) => {
    if (isProduction(args) && !isReadReplica(props) && props.multiAz !== true) {
      report(
        `${rds(args.name)} runs in a single availability zone in production. Fix: set multiAz: true (platform:database.multiAz) so a standby takes over when a zone or the host fails.`,
      );
    }
  }),
};

export const rdsForceSsl: StackValidationPolicy = {
  name: "rds-force-ssl",
  description:
    "RDS instances use a parameter group of the stack that sets rds.force_ssl = 1, so every connection is TLS.",
  validateStack: (args, report) => {
    const groups = ofType(args.resources, RDS_PARAMETER_GROUP);
    for (const instance of ofType(args.resources, RDS_INSTANCE)) {
      const [group] = linkedResources(instance, "parameterGroupName", groups, (g) => g.props.name);
      if (!group) {
        const used = instance.props.parameterGroupName
          ? `parameter group "${instance.props.parameterGroupName}", which this stack does not define`
          : "the engine's default parameter group";
        report(
          `${rds(instance.name)} uses ${used}, so rds.force_ssl is not set. Fix: create an aws.rds.ParameterGroup with the parameter rds.force_ssl = "1" and set parameterGroupName to it.`,
          instance.urn,
        );
        continue;
      }
      const value = parameterMap(group).get("rds.force_ssl");
      if (value !== "1") {
        const set = value === undefined ? "does not set rds.force_ssl" : `sets rds.force_ssl to "${value}"`;
        report(
          `${rds(instance.name)} accepts unencrypted connections: its parameter group "${group.name}" ${set}. Fix: add the parameter { name: "rds.force_ssl", value: "1" } to it.`,
          instance.urn,
        );
      }
    }
  },
};

export const elasticacheEncryption: ResourceValidationPolicy = {
  name: "elasticache-encryption",
  description: "Redis encrypts data at rest and in transit.",
  validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (props, args, report) => {
    if (props.atRestEncryptionEnabled !== true) {
      report(
        `${redis(args.name)} stores data unencrypted at rest. Fix: set atRestEncryptionEnabled: true and kmsKeyId to the stack's KMS key (only possible when the group is created).`,
      );
    }
    if (props.transitEncryptionEnabled !== true) {
      report(
        `${redis(args.name)} accepts plain-text connections. Fix: set transitEncryptionEnabled: true (clients connect with TLS; RBAC users require it).`,
      );
    }
  }),
};

export const elasticacheAutomaticFailover: ResourceValidationPolicy = {
  name: "elasticache-automatic-failover",
  description: "Production Redis fails over automatically to a replica in another availability zone.",
  configSchema: ENVIRONMENT_CONFIG,
  validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (props, args, report) => {
    if (!isProduction(args)) return;
    if (props.automaticFailoverEnabled !== true) {
      report(
        `${redis(args.name)} has no automatic failover in production. Fix: set automaticFailoverEnabled: true with at least one replica (platform:redis.replicasPerShard ≥ 1).`,
      );
    }
    if (props.multiAzEnabled !== true) {
      report(
        `${redis(args.name)} is not Multi-AZ in production. Fix: set multiAzEnabled: true so its replica runs in another availability zone.`,
      );
    }
  }),
};

/** Whether an ACL access string leaves the user switched off (the last of "on"/"off" wins; off is the default). */
export const accessStringDisabled = (accessString: unknown) =>
  String(accessString ?? "")
    .split(/\s+/)
    .filter((token) => token === "on" || token === "off")
    .pop() !== "on";

export const elasticacheRbac: StackValidationPolicy = {
  name: "elasticache-rbac",
  description: "Redis authenticates with an RBAC user group whose default user is disabled.",
  validateStack: (args, report) => {
    const userGroups = ofType(args.resources, REDIS_USER_GROUP);
    const users = ofType(args.resources, REDIS_USER);
    for (const group of ofType(args.resources, REDIS_GROUP)) {
      const linked = linkedResources(group, "userGroupIds", userGroups, (g) => g.props.userGroupId);
      if (linked.length === 0) {
        report(
          `${redis(group.name)} has no RBAC user group of this stack, so any client that reaches it acts as the default user. Fix: set userGroupIds to an aws.elasticache.UserGroup whose "default" user is disabled.`,
          group.urn,
        );
        continue;
      }
      for (const userGroup of linked) {
        const members = linkedResources(userGroup, "userIds", users, (u) => u.props.userId);
        const defaults = members.filter((u) => u.props.userName === "default");
        if (defaults.length === 0) {
          report(
            `${redis(group.name)}: user group "${userGroup.name}" has no user named "default" of this stack, so the default user cannot be shown to be disabled. Fix: add an aws.elasticache.User with userName "default" and accessString "off -@all" to its userIds.`,
            group.urn,
          );
        }
        for (const user of defaults.filter((u) => !accessStringDisabled(u.props.accessString))) {
          report(
            `${redis(group.name)}: user group "${userGroup.name}" lets the default user in (user "${user.name}" has accessString "${user.props.accessString}"). Fix: give the default user accessString "off -@all" and let clients authenticate as their own users.`,
            group.urn,
          );
        }
      }
    }
  },
};

export const elasticacheQueueNoeviction: StackValidationPolicy = {
  name: "elasticache-queue-noeviction",
  description:
    'Redis groups holding job queues (all not tagged platform:purpose = "cache") use maxmemory-policy noeviction.',
  validateStack: (args, report) => {
    const groups = ofType(args.resources, REDIS_PARAMETER_GROUP);
    for (const cluster of ofType(args.resources, REDIS_GROUP)) {
      if (cluster.props.tags?.["platform:purpose"] === "cache") continue;
      const [group] = linkedResources(cluster, "parameterGroupName", groups, (g) => g.props.name);
      const policy = parameterMap(group).get("maxmemory-policy");
      if (policy === "noeviction") continue;
      const uses = !group
        ? "uses a parameter group this stack does not define (the default policy volatile-lru evicts keys)"
        : `has parameter group "${group.name}" with maxmemory-policy ${policy === undefined ? "unset (volatile-lru)" : `"${policy}"`}`;
      report(
        `${redis(cluster.name)} ${uses}, so queued jobs can be evicted silently when memory runs out. Fix: set maxmemory-policy = "noeviction" in an aws.elasticache.ParameterGroup used by parameterGroupName (or tag the group platform:purpose = "cache" if it holds only disposable cache data).`,
        cluster.urn,
      );
    }
  },
};

export const dataPolicies = [
  rdsEncryptedCustomerKey,
  rdsNotPublic,
  rdsDeletionProtection,
  rdsFinalSnapshot,
  rdsBackupRetention,
  rdsMultiAz,
  rdsForceSsl,
  elasticacheEncryption,
  elasticacheRbac,
  elasticacheAutomaticFailover,
  elasticacheQueueNoeviction,
];
