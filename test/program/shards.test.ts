import { beforeAll, describe, expect, it } from "vitest";
import { diffPlans } from "@platform/offline-plan";
import { tenantResources } from "../../tools/lib/plan";
import { Finders, platformReference, renderStack } from "../helpers/render";
import { runPlan, writeStackFile } from "../helpers/plan-cli";
import type { RenderResult } from "@platform/offline-plan";
import * as stacks from "../fixtures/stacks";

type Rendered = RenderResult & Finders;
type Config = Record<string, any>;

const shardConfig = (shard: "a" | "b" = "a"): Config => stacks.productionShard(shard);
/** The URN of a resource as another stack would hold it: stack name replaced, the rest (project, parent chain, name) kept. */
const inStack = (urn: string, stack: string) => urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`);

describe("tenant shard (prod-tenants-a on prod's outputs)", () => {
  let references: Awaited<ReturnType<typeof platformReference>>;
  let shard: Rendered;
  let prod: Rendered;

  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
    references = await platformReference(stacks.production());
    shard = await renderStack(shardConfig(), {
      stack: "prod-tenants-a",
      stackReferences: references,
      revealSecrets: true,
    });
  });

  it("creates only its tenants: no data tier, no platform namespace, workers, jobs or platform alert rules", () => {
    const types = new Set(shard.resources.map((r) => r.type));
    for (const type of [
      "aws:rds/instance:Instance",
      "aws:elasticache/replicationGroup:ReplicationGroup",
      "aws:elasticache/userGroup:UserGroup",
      "aws:s3/bucket:Bucket",
      "platform:database:Database",
      "platform:redis:Redis",
    ]) {
      expect(types.has(type), type).toBe(false);
    }
    // Its tenants' alert rules, and the backup alerts of its own backup jobs (stack prod-tenants-a).
    expect(
      shard
        .ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["alerts-tenant-cyberdyne", "alerts-tenants-a-backups"]);
    expect([...tenantResources(shard.resources).keys()].sort()).toEqual(["cyberdyne", "oscorp", "soylent", "tyrell"]);
  });

  it("reaches the platform's PostgreSQL through a provider of its own built from the platform's outputs, TLS required, password secret", () => {
    const provider = shard.find("pulumi:providers:postgresql", "tenants-postgres-admin");
    const platformAdmin = prod.find("pulumi:providers:postgresql", "platform-db-admin");
    expect(provider.inputs).toMatchObject({
      host: platformAdmin.inputs.host,
      port: "5432",
      username: "platform_admin",
      sslmode: "require",
      database: "postgres",
      superuser: "false",
    });
    expect(provider.inputs.host).toBe((prod.outputs.database as any).address);
    expect(provider.secretPaths).toEqual(["password"]);
    const password = references["acme-org/platform/prod"].outputs.tenantPlatformAdminPassword;
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(provider.revealedInputs!.password).toBe(password);
    const ops = shard.find("pulumi:providers:postgresql", "tenants-postgres-ops");
    expect(ops.inputs).toMatchObject({ host: platformAdmin.inputs.host, username: "platform_ops", sslmode: "require" });
    expect(ops.revealedInputs!.password).toBe(
      references["acme-org/platform/prod"].outputs.tenantPlatformOperationsPassword,
    );
    // Only a dedicated database's ACL changes run as the owner's member (the operations role).
    for (const r of shard.resources.filter((x) => x.type.startsWith("postgresql:")))
      expect(r.provider, r.name).toBe(/-db-(public-revoke|admin-connect)$/.test(r.name) ? ops.urn : provider.urn);
  });

  it("joins tenant Redis users to the platform's user group by UserGroupAssociation, with the platform's user id prefix", () => {
    const group = prod.find("aws:elasticache/userGroup:UserGroup", "platform-redis-users");
    const memberships = shard.ofType("aws:elasticache/userGroupAssociation:UserGroupAssociation");
    expect(memberships.map((m) => m.name).sort()).toEqual([
      "tenant-cyberdyne-redis-membership",
      "tenant-tyrell-redis-membership",
    ]);
    for (const m of memberships) expect(m.inputs.userGroupId).toBe(group.inputs.userGroupId);
    expect(shard.find("aws:elasticache/user:User", "tenant-tyrell-redis-user").inputs.userId).toBe(
      "platform-prod-t-tyrell",
    );
  });

  it("backs up its dedicated tenant databases into the platform's bucket under the platform's keys, from a namespace of its own", () => {
    const cron = shard.find("kubernetes:batch/v1:CronJob", "tenants-a-backups-backup-cronjob");
    const json = JSON.stringify(cron.inputs);
    expect(cron.inputs).toMatchObject({ metadata: { namespace: "platform-tenants-a" } });
    expect(json).toContain('"name":"BACKUP_DATABASES","value":"tenant_cyberdyne"');
    expect(json).toContain(`"name":"BACKUP_BUCKET","value":"${prod.outputs.backupBucket}"`);
    expect(json).toContain('"name":"BACKUP_PREFIX","value":"production"');
    const credentials = shard.find("kubernetes:core/v1:Secret", "tenants-a-database-ops-secret");
    expect(credentials.secretPaths).toContain("stringData.password");
  });

  it("keeps every tenant resource's URN of single-stack mode, so pulumi state move carries tenants over unchanged", async () => {
    // The same tenants in prod (single mode) and in the shard: identical URNs but for the stack name.
    const config = stacks.production();
    config["platform:tenants"] = shardConfig()["platform:tenants"];
    const single = await renderStack(config, { stack: "prod" });
    const singleUrns = [...tenantResources(single.resources).values()]
      .flat()
      .map((r) => inStack(r.urn, "prod-tenants-a"))
      .sort();
    const shardUrns = [...tenantResources(shard.resources).values()]
      .flat()
      .map((r) => r.urn)
      .sort();
    expect(shardUrns).toEqual(singleUrns);
    expect(shardUrns.some((u) => u.endsWith("PrometheusRule::alerts-tenant-cyberdyne"))).toBe(true);
    expect(shardUrns.some((u) => u.endsWith("WorkerPool::tenant-cyberdyne-workers"))).toBe(true);
  });

  it("onboarding a tenant into a shard adds only that tenant's resources there; the platform stack renders identically", async () => {
    const config = shardConfig();
    config["platform:tenants"].push({ id: "initrode", name: "Initrode", tier: "enterprise" });
    const head = await renderStack(config, { stack: "prod-tenants-a", stackReferences: references });
    const diff = diffPlans(shard.resources, head.resources);
    expect(diff.added.map((r) => r.urn).sort()).toEqual(
      tenantResources(head.resources)
        .get("initrode")!
        .map((r) => r.urn)
        .sort(),
    );
    expect(diff.removed).toEqual([]);
    // The shard's own backup jobs, its backup alerts and its Pushgateway cleanup now list the new dedicated database.
    expect(diff.changed.map((c) => c.urn.split("::").pop()).sort()).toEqual([
      "alerts-tenants-a-backups",
      "monitoring-tenants-a-pushgateway-cleanup-job",
      "tenants-a-backups-backup-cronjob",
      "tenants-a-backups-verify-cronjob",
    ]);
    const prodAgain = await renderStack(stacks.production(), { stack: "prod" });
    expect(prodAgain.resources).toEqual(prod.resources);
    expect(prodAgain.outputs).toEqual(prod.outputs);
  });

  it("a shard without dedicated tenants runs no backup jobs (the platform backs up the application database)", () => {
    return renderStack(shardConfig("b"), { stack: "prod-tenants-b", stackReferences: references }).then((b) => {
      expect(b.ofType("platform:backups:DatabaseBackups").map((r) => r.name)).toEqual(["tenants-b-backups"]);
      const config = shardConfig("b");
      config["platform:tenants"] = config["platform:tenants"].filter((t: any) => t.tier !== "enterprise");
      return renderStack(config, { stack: "prod-tenants-b", stackReferences: references }).then((c) =>
        expect(c.ofType("platform:backups:DatabaseBackups")).toEqual([]),
      );
    });
  });

  it("the platform stack exports what shards read, with the admin password as a secret", () => {
    expect(prod.outputs.tenantPlatformAdminPassword).toBe("[secret]");
    expect(references["acme-org/platform/prod"].secretOutputNames).toContain("tenantPlatformAdminPassword");
    expect(prod.outputs.tenantPlatform).toMatchObject({
      environment: "production",
      kubernetes: { platformNamespace: "platform" },
      redis: { userIdPrefix: "platform-prod" },
      postgres: { adminUser: "platform_admin", applicationDatabase: "app" },
    });
  });
});

describe("offline plan of a shard", () => {
  it("fails with exit 2 naming platform:tenancy.platformStack when the referenced stack has no file", () => {
    const config = shardConfig();
    config["platform:tenancy"].platformStack = "acme-org/platform/nowhere";
    const run = runPlan(["--stack", "test", "--config", writeStackFile(config)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'platform:tenancy.platformStack = "acme-org/platform/nowhere": no stack file Pulumi.nowhere.yaml',
    );
  });
});
