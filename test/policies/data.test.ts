import { describe, expect, it } from "vitest";
import { accessStringDisabled, dataPolicies } from "../../policies/rules/data";
import type { RecordedResource } from "@platform/offline-plan";
import { mutate, resource, urnOf, violation, violationsOf } from "./fixtures";

const RDS = "aws:rds/instance:Instance";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-0000-1111-2222-333344445555";
const db = urnOf(RDS, "platform-db");
const cache = urnOf(REDIS, "platform-redis");

/** A production data tier that follows every rule. */
const healthy = (): RecordedResource[] => [
  resource("aws:rds/parameterGroup:ParameterGroup", "platform-db-params", {
    name: "platform-db-params",
    family: "postgres16",
    parameters: [
      { name: "rds.force_ssl", value: "1" },
      { name: "log_min_duration_statement", value: "1000" },
    ],
  }),
  resource(RDS, "platform-db", {
    engine: "postgres",
    storageEncrypted: true,
    kmsKeyId: KEY_ARN,
    publiclyAccessible: false,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: "platform-db-final",
    backupRetentionPeriod: 30,
    multiAz: true,
    parameterGroupName: "platform-db-params",
  }),
  resource("aws:elasticache/parameterGroup:ParameterGroup", "platform-redis-params", {
    name: "platform-redis-params",
    family: "redis7",
    parameters: [{ name: "maxmemory-policy", value: "noeviction" }],
  }),
  resource("aws:elasticache/user:User", "platform-redis-default", {
    userId: "platform-default",
    userName: "default",
    accessString: "off -@all",
    engine: "redis",
  }),
  resource("aws:elasticache/user:User", "platform-redis-app", {
    userId: "platform-app",
    userName: "app",
    accessString: "on ~* +@all",
    engine: "redis",
  }),
  resource("aws:elasticache/userGroup:UserGroup", "platform-redis-users", {
    userGroupId: "platform-users",
    engine: "redis",
    userIds: ["platform-default", "platform-app"],
  }),
  resource(REDIS, "platform-redis", {
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    kmsKeyId: KEY_ARN,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    userGroupIds: ["platform-users"],
    parameterGroupName: "platform-redis-params",
  }),
];

describe("data policies", () => {
  it("pass a production data tier that is encrypted, private, Multi-AZ, TLS-only and RBAC-protected", async () => {
    expect(await violationsOf(dataPolicies, healthy())).toEqual([]);
  });

  const mutations: Array<[string, string, (i: Record<string, any>) => void, string, string]> = [
    [
      "rds-encrypted-customer-key",
      "platform-db",
      (i) => (i.storageEncrypted = false),
      db,
      `RDS instance "platform-db" stores data unencrypted (storageEncrypted is not true). Fix: set storageEncrypted: true and kmsKeyId to the stack's KMS key; an existing instance is encrypted by restoring a snapshot into a new one.`,
    ],
    [
      "rds-encrypted-customer-key",
      "platform-db",
      (i) => delete i.kmsKeyId,
      db,
      `RDS instance "platform-db" is encrypted with the AWS-managed key, not a customer key. Fix: set kmsKeyId to the ARN of the stack's aws.kms.Key, so rotation, access and deletion of the key are yours to control.`,
    ],
    [
      "rds-not-public",
      "platform-db",
      (i) => (i.publiclyAccessible = true),
      db,
      `RDS instance "platform-db" is publicly accessible. Fix: set publiclyAccessible: false; the cluster reaches it through the private subnets and its security group.`,
    ],
    [
      "rds-deletion-protection",
      "platform-db",
      (i) => (i.deletionProtection = false),
      db,
      `RDS instance "platform-db" has no deletion protection in production. Fix: set deletionProtection: true (platform:database.deletionProtection).`,
    ],
    [
      "rds-final-snapshot",
      "platform-db",
      (i) => (i.skipFinalSnapshot = true),
      db,
      `RDS instance "platform-db" skips the final snapshot when deleted. Fix: set skipFinalSnapshot: false and a finalSnapshotIdentifier.`,
    ],
    [
      "rds-final-snapshot",
      "platform-db",
      (i) => delete i.finalSnapshotIdentifier,
      db,
      `RDS instance "platform-db" has no finalSnapshotIdentifier, so deleting it fails or loses its last state. Fix: set finalSnapshotIdentifier (e.g. "<identifier>-final").`,
    ],
    [
      "rds-backup-retention",
      "platform-db",
      (i) => (i.backupRetentionPeriod = 1),
      db,
      `RDS instance "platform-db" keeps automated backups for 1 day; production needs at least 14 days. Fix: set backupRetentionPeriod to 14 or more (platform:database.backupRetentionDays).`,
    ],
    [
      "rds-backup-retention",
      "platform-db",
      (i) => (i.backupRetentionPeriod = 13),
      db,
      `RDS instance "platform-db" keeps automated backups for 13 days; production needs at least 14 days. Fix: set backupRetentionPeriod to 14 or more (platform:database.backupRetentionDays).`,
    ],
    [
      "rds-backup-retention",
      "platform-db",
      (i) => delete i.backupRetentionPeriod,
      db,
      `RDS instance "platform-db" does not set backupRetentionPeriod; production needs at least 14 days. Fix: set backupRetentionPeriod to 14 or more (platform:database.backupRetentionDays).`,
    ],
    [
      "rds-multi-az",
      "platform-db",
      (i) => (i.multiAz = false),
      db,
      `RDS instance "platform-db" runs in a single availability zone in production. Fix: set multiAz: true (platform:database.multiAz) so a standby takes over when a zone or the host fails.`,
    ],
    [
      "rds-force-ssl",
      "platform-db-params",
      (i) => (i.parameters[0].value = "0"),
      db,
      `RDS instance "platform-db" accepts unencrypted connections: its parameter group "platform-db-params" sets rds.force_ssl to "0". Fix: add the parameter { name: "rds.force_ssl", value: "1" } to it.`,
    ],
    [
      "rds-force-ssl",
      "platform-db-params",
      (i) => i.parameters.shift(),
      db,
      `RDS instance "platform-db" accepts unencrypted connections: its parameter group "platform-db-params" does not set rds.force_ssl. Fix: add the parameter { name: "rds.force_ssl", value: "1" } to it.`,
    ],
    [
      "rds-force-ssl",
      "platform-db",
      (i) => (i.parameterGroupName = "default.postgres16"),
      db,
      `RDS instance "platform-db" uses parameter group "default.postgres16", which this stack does not define, so rds.force_ssl is not set. Fix: create an aws.rds.ParameterGroup with the parameter rds.force_ssl = "1" and set parameterGroupName to it.`,
    ],
    [
      "elasticache-encryption",
      "platform-redis",
      (i) => (i.atRestEncryptionEnabled = false),
      cache,
      `Redis replication group "platform-redis" stores data unencrypted at rest. Fix: set atRestEncryptionEnabled: true and kmsKeyId to the stack's KMS key (only possible when the group is created).`,
    ],
    [
      "elasticache-encryption",
      "platform-redis",
      (i) => delete i.transitEncryptionEnabled,
      cache,
      `Redis replication group "platform-redis" accepts plain-text connections. Fix: set transitEncryptionEnabled: true (clients connect with TLS; RBAC users require it).`,
    ],
    [
      "elasticache-rbac",
      "platform-redis",
      (i) => delete i.userGroupIds,
      cache,
      `Redis replication group "platform-redis" has no RBAC user group of this stack, so any client that reaches it acts as the default user. Fix: set userGroupIds to an aws.elasticache.UserGroup whose "default" user is disabled.`,
    ],
    [
      "elasticache-rbac",
      "platform-redis-users",
      (i) => (i.userIds = ["platform-app"]),
      cache,
      `Redis replication group "platform-redis": user group "platform-redis-users" has no user named "default" of this stack, so the default user cannot be shown to be disabled. Fix: add an aws.elasticache.User with userName "default" and accessString "off -@all" to its userIds.`,
    ],
    [
      "elasticache-rbac",
      "platform-redis-default",
      (i) => (i.accessString = "on ~* +@all"),
      cache,
      `Redis replication group "platform-redis": user group "platform-redis-users" lets the default user in (user "platform-redis-default" has accessString "on ~* +@all"). Fix: give the default user accessString "off -@all" and let clients authenticate as their own users.`,
    ],
    [
      "elasticache-automatic-failover",
      "platform-redis",
      (i) => (i.automaticFailoverEnabled = false),
      cache,
      `Redis replication group "platform-redis" has no automatic failover in production. Fix: set automaticFailoverEnabled: true with at least one replica (platform:redis.replicasPerShard ≥ 1).`,
    ],
    [
      "elasticache-automatic-failover",
      "platform-redis",
      (i) => delete i.multiAzEnabled,
      cache,
      `Redis replication group "platform-redis" is not Multi-AZ in production. Fix: set multiAzEnabled: true so its replica runs in another availability zone.`,
    ],
    [
      "elasticache-queue-noeviction",
      "platform-redis-params",
      (i) => (i.parameters[0].value = "allkeys-lru"),
      cache,
      `Redis replication group "platform-redis" has parameter group "platform-redis-params" with maxmemory-policy "allkeys-lru", so queued jobs can be evicted silently when memory runs out. Fix: set maxmemory-policy = "noeviction" in an aws.elasticache.ParameterGroup used by parameterGroupName (or tag the group platform:purpose = "cache" if it holds only disposable cache data).`,
    ],
    [
      "elasticache-queue-noeviction",
      "platform-redis",
      (i) => delete i.parameterGroupName,
      cache,
      `Redis replication group "platform-redis" uses a parameter group this stack does not define (the default policy volatile-lru evicts keys), so queued jobs can be evicted silently when memory runs out. Fix: set maxmemory-policy = "noeviction" in an aws.elasticache.ParameterGroup used by parameterGroupName (or tag the group platform:purpose = "cache" if it holds only disposable cache data).`,
    ],
  ];

  it.each(mutations)(
    "%s fails when %s is changed, with the exact message",
    async (policy, name, change, urn, message) => {
      expect(await violationsOf(dataPolicies, mutate(healthy(), name, change))).toEqual([
        violation(policy, urn, message),
      ]);
    },
  );

  it("rds-deletion-protection lets an instance tagged platform:lifecycle = retiring go", async () => {
    const retiring = mutate(healthy(), "platform-db", (i) =>
      Object.assign(i, { deletionProtection: false, tags: { "platform:lifecycle": "retiring" } }),
    );
    expect(await violationsOf(dataPolicies, retiring)).toEqual([]);
  });

  it("asks staging for 7 days of backups and neither Multi-AZ, deletion protection nor failover", async () => {
    const staging = mutate(
      mutate(healthy(), "platform-db", (i) =>
        Object.assign(i, { backupRetentionPeriod: 7, multiAz: false, deletionProtection: false }),
      ),
      "platform-redis",
      (i) => Object.assign(i, { automaticFailoverEnabled: false, multiAzEnabled: false }),
    );
    expect(await violationsOf(dataPolicies, staging, "staging")).toEqual([]);
    const tooShort = mutate(staging, "platform-db", (i) => (i.backupRetentionPeriod = 3));
    expect((await violationsOf(dataPolicies, tooShort, "staging")).map((v) => v.message)).toEqual([
      `RDS instance "platform-db" keeps automated backups for 3 days; staging needs at least 7 days. Fix: set backupRetentionPeriod to 7 or more (platform:database.backupRetentionDays).`,
    ]);
  });

  it("exempts a read replica from retention, Multi-AZ and final snapshot", async () => {
    const replica = resource(RDS, "dr-replica", {
      replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:platform",
      storageEncrypted: true,
      kmsKeyId: KEY_ARN,
      deletionProtection: true,
      parameterGroupName: "platform-db-params",
    });
    expect(await violationsOf(dataPolicies, [...healthy(), replica])).toEqual([]);
  });

  it("finds a generated-name parameter group through the property's dependency, as the engine reports it", async () => {
    const resources = mutate(
      mutate(healthy(), "platform-db-params", (i) => delete i.name),
      "platform-db",
      (i, r) => {
        i.parameterGroupName = "platform-db-params-3e23e81";
        r.propertyDependencies = {
          parameterGroupName: [urnOf("aws:rds/parameterGroup:ParameterGroup", "platform-db-params")],
        };
      },
    );
    expect(await violationsOf(dataPolicies, resources)).toEqual([]);
  });

  it("does not ask a Redis group tagged as a disposable cache for noeviction", async () => {
    const cacheOnly = mutate(healthy(), "platform-redis", (i) =>
      Object.assign(i, { parameterGroupName: undefined, tags: { "platform:purpose": "cache" } }),
    );
    expect(await violationsOf(dataPolicies, cacheOnly)).toEqual([]);
  });

  it("reads ACL access strings the way Redis does: the last on/off wins, off by default", () => {
    expect([
      accessStringDisabled("off -@all"),
      accessStringDisabled("~* +@all"),
      accessStringDisabled("on ~* +@all"),
      accessStringDisabled("on off ~*"),
    ]).toEqual([true, true, false, true]);
  });
});
