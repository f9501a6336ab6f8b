import { beforeAll, describe, expect, it } from "vitest";
import { MAX_TENANT_REDIS_USERS } from "../../../config/rules";
import {
  DISABLED_DEFAULT_ACCESS_STRING,
  MAX_USERS_PER_GROUP,
  PLATFORM_ACCESS_STRING,
  elasticacheId,
  redisParameterFamily,
} from "../../../components/redis";
import { type Finders, renderStack } from "../../helpers/render";
import type { RenderResult } from "@platform/offline-plan";
import {
  ALARM,
  KMS_KEY,
  alarmsByRole,
  everythingPlain,
  expectClusterOnlyIngress,
  expectKeyOfAlias,
} from "../../helpers/data-tier";
import * as stacks from "../../fixtures/stacks";

type Stack = RenderResult & Finders;
const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const USER = "aws:elasticache/user:User";

describe("redis in production", () => {
  let prod: Stack;
  const network = stacks.production()["platform:network"] as {
    privateSubnetIds: string[];
    clusterSecurityGroupId: string;
  };
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { revealSecrets: true });
  });
  const group = () => prod.find(GROUP, "platform-redis-group");

  it("encrypts at rest with the stack's KMS key and in transit, and is protected", () => {
    expect(group().inputs).toMatchObject({
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
    });
    expectKeyOfAlias(prod, group().inputs.kmsKeyId, "alias/platform/test/redis");
    expect(group().protect).toBe(true);
    expect(prod.find(KMS_KEY, "platform-redis-kms-key")).toMatchObject({
      protect: true,
      inputs: expect.objectContaining({ enableKeyRotation: true }),
    });
  });

  it("fails over automatically across zones, keeps snapshots and a final snapshot", () => {
    expect(group().inputs).toMatchObject({
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      numCacheClusters: 2,
      snapshotRetentionLimit: 7,
      snapshotWindow: "05:00-06:00",
      maintenanceWindow: "sun:06:30-sun:07:30",
      finalSnapshotIdentifier: "platform-redis-test-final",
      engineVersion: "7.1",
    });
    expect(group().inputs.notificationTopicArn).toMatch(/^arn:aws:sns:us-east-1:\d{12}:platform-alerts-topic-/);
  });

  it("never evicts: the job queues live here", () => {
    const parameters = prod.find("aws:elasticache/parameterGroup:ParameterGroup", "platform-redis-params");
    expect(parameters.inputs.family).toBe("redis7");
    expect(parameters.inputs.parameters).toEqual([{ name: "maxmemory-policy", value: "noeviction" }]);
    expect(group().inputs.parameterGroupName).toMatch(/^platform-redis-params-/);
  });

  it("is reachable on 6379 from the cluster only, in private subnets", () => {
    expect(prod.find("aws:elasticache/subnetGroup:SubnetGroup", "platform-redis-subnets").inputs.subnetIds).toEqual(
      network.privateSubnetIds,
    );
    const groups = group().inputs.securityGroupIds as string[];
    expect(groups).toHaveLength(1);
    expectClusterOnlyIngress(prod, groups[0], 6379, network.clusterSecurityGroupId);
  });

  it("disables the mandatory default user and authenticates the platform user with a secret password", () => {
    const userGroup = prod.find("aws:elasticache/userGroup:UserGroup", "platform-redis-users");
    expect(group().inputs.userGroupIds).toEqual([userGroup.inputs.userGroupId]);
    const defaultUser = prod.find(USER, "platform-redis-default-user");
    expect(defaultUser.inputs).toMatchObject({
      userName: "default",
      accessString: "off -@all",
      noPasswordRequired: false,
    });
    expect(defaultUser.inputs.userId).not.toBe("default");
    expect(userGroup.inputs.userIds).toEqual([defaultUser.inputs.userId]);

    const platformUser = prod.find(USER, "platform-redis-platform-user");
    expect(platformUser.inputs).toMatchObject({
      userName: "platform",
      accessString: PLATFORM_ACCESS_STRING,
      noPasswordRequired: false,
    });
    const membership = prod.find(
      "aws:elasticache/userGroupAssociation:UserGroupAssociation",
      "platform-redis-platform-user-membership",
    );
    expect(membership.inputs).toEqual({
      userGroupId: userGroup.inputs.userGroupId,
      userId: platformUser.inputs.userId,
    });
    expect(group().dependsOn).toContain(membership.urn);

    expect(platformUser.secretPaths.some((p) => p.startsWith("authenticationMode"))).toBe(true);
    const password = (platformUser.revealedInputs?.authenticationMode as { passwords: string[] }).passwords[0];
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(everythingPlain(prod)).not.toContain(password);
  });

  it("alarms per node to the alerts topic with the thresholds from config", () => {
    const alarms = alarmsByRole(prod, prod.find("platform:redis:Redis", "platform-redis"), "platform-redis");
    for (const alarm of alarms.values())
      expect(String((alarm.inputs.alarmActions as string[])[0])).toMatch(
        /^arn:aws:sns:us-east-1:\d{12}:platform-alerts-topic-/,
      );
    for (const node of [1, 2]) {
      const expected: Record<string, [string, number]> = {
        "engine-cpu": ["EngineCPUUtilization", 80],
        "memory-warning": ["DatabaseMemoryUsagePercentage", 80],
        "memory-critical": ["DatabaseMemoryUsagePercentage", 90],
        connections: ["CurrConnections", 16000],
        evictions: ["Evictions", 0],
        "replication-lag": ["ReplicationLag", 60],
      };
      for (const [role, [metricName, threshold]] of Object.entries(expected)) {
        const alarm = alarms.get(`node-${node}-${role}`);
        expect(alarm?.inputs, `node-${node}-${role}`).toMatchObject({
          namespace: "AWS/ElastiCache",
          metricName,
          threshold,
          comparisonOperator: "GreaterThanThreshold",
        });
        expect(alarm?.inputs.dimensions).toEqual({
          CacheClusterId: expect.stringMatching(new RegExp(`^platform-redis-group-[0-9a-f]+-00${node}$`)),
        });
      }
    }
    expect(alarms.get("node-1-evictions")?.inputs).toMatchObject({ statistic: "Sum", tags: { severity: "critical" } });
  });

  it("keeps the RBAC limit of 100 users per group in the config rule", () => {
    expect(MAX_TENANT_REDIS_USERS + 2).toBe(MAX_USERS_PER_GROUP);
  });
});

describe("redis in staging", () => {
  let staging: Stack;
  beforeAll(async () => {
    staging = await renderStack(stacks.staging(), { stack: "staging" });
  });

  it("runs one node without failover, still encrypted both ways, not protected, no final snapshot", () => {
    const group = staging.find(GROUP, "platform-redis-group");
    expect(group.inputs).toMatchObject({
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      snapshotRetentionLimit: 1,
    });
    expect(group.inputs.finalSnapshotIdentifier).toBeUndefined();
    expectKeyOfAlias(staging, group.inputs.kmsKeyId, "alias/platform/staging/redis");
    expect(group.protect).toBe(false);
    expect(staging.find(USER, "platform-redis-default-user").inputs.accessString).toBe(DISABLED_DEFAULT_ACCESS_STRING);
  });

  it("has no replication-lag alarms without replicas and measures connections against its own ceiling", () => {
    const alarms = staging.ofType(ALARM).filter((a) => a.name.startsWith("platform-redis-"));
    expect(alarms.filter((a) => a.name.includes("replication-lag"))).toEqual([]);
    expect(alarms.find((a) => a.name === "platform-redis-alarm-node-1-connections")?.inputs.threshold).toBe(1600);
  });
});

describe("redis naming helpers", () => {
  it("maps engine versions to parameter group families", () => {
    expect(redisParameterFamily("7.1")).toBe("redis7");
    expect(redisParameterFamily("6.2")).toBe("redis6.x");
  });

  it("keeps ElastiCache ids within 40 characters of letters, digits and single hyphens", () => {
    expect(elasticacheId("platform", "prod", "users")).toBe("platform-prod-users");
    const stack = "a-very-long-stack-name-for-a-tenant-shard-17";
    const ids = ["default-off", "platform", "users"].map((role) => elasticacheId("platform", stack, role));
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(40);
      expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    }
    expect(new Set(ids).size).toBe(3);
  });
});
