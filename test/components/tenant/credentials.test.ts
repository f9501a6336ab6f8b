// Credentials reach every workload: each Deployment and application job mounts a Secret of its own namespace
// holding DATABASE_URL (and REDIS_URL), tenant pools run as their tenant's service account, logins are the
// application, operations and tenant roles (never the master), and tenants' connector credentials become a Secret.
import { beforeAll, describe, expect, it } from "vitest";
import { Finders, renderStack } from "../../helpers/render";
import { parseStackConfig, problemsOf } from "../../helpers/config";
import { parsePlatformConfig, rawPlatformConfig } from "../../../config";
import { stackConfigFromObject } from "@platform/offline-plan";
import { connectorEnvironment } from "../../../components/tenant";
import type { RecordedResource, RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const SECRET = "kubernetes:core/v1:Secret";
const ROLE = "postgresql:index/role:Role";
const meta = (r: RecordedResource) => (r.revealedInputs ?? r.inputs).metadata as Obj;

let prod: RenderResult & Finders;
beforeAll(async () => {
  prod = await renderStack(stacks.production(), { stack: "prod", revealSecrets: true });
});

/** A Secret by namespace and name, or undefined. */
const secretIn = (stack: Finders, namespace: string, name: string) =>
  stack.ofType(SECRET).find((s) => meta(s).namespace === namespace && meta(s).name === name);

describe("every workload gets its credentials from a Secret in its own namespace", () => {
  it("every application Deployment's containers receive DATABASE_URL; platform pools also REDIS_URL; tenant pools run as tenant-workload", () => {
    const deployments = prod.ofType("kubernetes:apps/v1:Deployment");
    const isExporter = (d: RecordedResource) => meta(d).labels["app.kubernetes.io/component"] === "exporter";
    // Three worker pools (default, reports, acme's dedicated one) and the data tier's two exporters.
    expect(deployments.filter((d) => !isExporter(d)).map((d) => d.name)).toHaveLength(3);
    expect(
      deployments
        .filter(isExporter)
        .map((d) => meta(d).name)
        .sort(),
    ).toEqual(["postgres-exporter", "redis-exporter"]);
    for (const d of deployments.filter((x) => !isExporter(x))) {
      const { namespace } = meta(d);
      const pod = (d.revealedInputs as Obj).spec.template.spec;
      for (const container of pod.containers) {
        // envFrom reads Secrets of the pod's namespace only (core/v1 SecretEnvSource: "The Secret to select from",
        // resolved in the pod's namespace); a missing one keeps the pod from starting.
        const keys = container.envFrom.flatMap((source: Obj) => {
          const secret = secretIn(prod, namespace, source.secretRef.name);
          expect(secret, `${d.name}: Secret ${namespace}/${source.secretRef.name}`).toBeDefined();
          return Object.keys((secret!.revealedInputs as Obj).stringData);
        });
        expect(keys, d.name).toContain("DATABASE_URL");
        if (namespace === "platform") expect(keys, d.name).toContain("REDIS_URL");
      }
      if (namespace.startsWith("tenant-")) {
        expect(pod.serviceAccountName).toBe("tenant-workload");
        const accounts = prod
          .ofType("kubernetes:core/v1:ServiceAccount")
          .map((s) => `${meta(s).namespace}/${meta(s).name}`);
        expect(accounts).toContain(`${namespace}/tenant-workload`);
      }
    }
  });

  it("the exporters read only a credentials Secret of their own: a monitoring login, never the application's", () => {
    // An exporter needs only to read statistics: postgres_exporter a login in pg_monitor (its README, "Running as
    // non-superuser"), redis_exporter a user allowed INFO and friends (its README, "Authenticating with Redis").
    // Mounting platform-connection would hand a metrics scraper the application role's write access to all data.
    // secretKeyRef, like envFrom, resolves in the pod's namespace (core/v1 SecretKeySelector); a missing Secret or
    // key keeps the container from starting.
    const expected: Record<string, { secret: string; user: string }> = {
      "postgres-exporter": { secret: "postgres-exporter-credentials", user: "monitoring-exporters-postgres-role" },
      "redis-exporter": { secret: "redis-exporter-credentials", user: "monitoring-exporters-redis-user" },
    };
    const exporters = prod
      .ofType("kubernetes:apps/v1:Deployment")
      .filter((d) => meta(d).labels["app.kubernetes.io/component"] === "exporter");
    expect(exporters).toHaveLength(2);
    for (const d of exporters) {
      const { namespace, name } = meta(d);
      const want = expected[name];
      for (const container of (d.revealedInputs as Obj).spec.template.spec.containers) {
        expect(container.envFrom, name).toBeUndefined();
        const refs = (container.env as Obj[]).filter((e) => e.valueFrom).map((e) => e.valueFrom.secretKeyRef);
        expect(refs.length, name).toBeGreaterThan(0);
        for (const ref of refs) {
          expect(ref.name, name).toBe(want.secret);
          const secret = secretIn(prod, namespace, ref.name);
          expect(secret, `${name}: Secret ${namespace}/${ref.name}`).toBeDefined();
          expect(Object.keys((secret!.revealedInputs as Obj).stringData), name).toContain(ref.key);
        }
      }
      const credentials = (secretIn(prod, namespace, want.secret)!.revealedInputs as Obj).stringData;
      const login = prod.resources.find((r) => r.name === want.user)!.revealedInputs as Obj;
      expect(credentials.username, name).toBe(login.name ?? login.userName);
      expect(credentials.username, name).not.toMatch(/^(platform|platform_app|platform_ops|platform_admin)$/);
    }
  });

  it("puts DATABASE_URL and REDIS_URL built from the generated password in the Secret, and never in plain text", () => {
    const password = String(prod.find(ROLE, "tenant-acme-role").revealedInputs!.password);
    expect(password).toMatch(/^[A-Za-z0-9_-]{40}$/);
    const secret = prod.find(SECRET, "tenant-acme-connection");
    // The SDK makes all of stringData secret; the login names are also in plain annotations (credentials.test.ts).
    expect(secret.inputs.stringData).toEqual({
      DATABASE_URL: "[secret]",
      DATABASE_USER: "[secret]",
      REDIS_URL: "[secret]",
      REDIS_USER: "[secret]",
    });
    expect(secret.secretPaths.sort()).toEqual([
      "stringData.DATABASE_URL",
      "stringData.DATABASE_USER",
      "stringData.REDIS_URL",
      "stringData.REDIS_USER",
    ]);
    const revealed = secret.revealedInputs!.stringData as Record<string, string>;
    expect(revealed.DATABASE_URL).toMatch(
      new RegExp(
        `^postgresql://tenant_acme:${password}@platform-db-instance-[0-9a-f]{7}\\..+\\.rds\\.amazonaws\\.com:5432/tenant_acme\\?sslmode=require$`,
      ),
    );
    expect(revealed.REDIS_URL).toMatch(
      new RegExp(`^rediss://tenant-acme:${password}@master\\..+\\.cache\\.amazonaws\\.com:6379$`),
    );
    expect(
      (prod.find(SECRET, "tenant-initech-connection").revealedInputs!.stringData as Record<string, string>)
        .DATABASE_URL,
    ).toMatch(/^postgresql:\/\/tenant_initech:.+\/app\?sslmode=require$/);
    expect(prod.find(SECRET, "tenant-initech-connection").inputs.stringData).toEqual({
      DATABASE_URL: "[secret]",
      DATABASE_USER: "[secret]",
    });

    const passwords = prod.resources.filter((r) => r.type === ROLE).map((r) => String(r.revealedInputs!.password));
    const everything = JSON.stringify([prod.resources.map((r) => r.inputs), prod.outputs]);
    for (const p of passwords) expect(everything).not.toContain(p);
    expect(prod.find(ROLE, "tenant-acme-role").secretPaths).toEqual(["password"]);
    expect(prod.find("aws:elasticache/user:User", "tenant-acme-redis-user").secretPaths).toEqual([
      "authenticationMode.passwords[0]",
    ]);
  });

  it("the platform Secret logs in as the application role and the platform Redis user, at the active instance", () => {
    const secret = secretIn(prod, "platform", "platform-connection")!;
    expect(meta(secret).annotations).toEqual({
      "platform.io/database-user": "platform_app",
      "platform.io/redis-user": "platform",
    });
    const data = (secret.revealedInputs as Obj).stringData;
    const appRole = prod.find("postgresql:index/role:Role", "platform-db-app-role").revealedInputs!;
    const address = (prod.outputs.database as Obj).address;
    expect(data.DATABASE_URL).toBe(`postgresql://platform_app:${appRole.password}@${address}:5432/app?sslmode=require`);
    const redisUser = prod.find("aws:elasticache/user:User", "platform-redis-platform-user").revealedInputs as Obj;
    expect(data.REDIS_URL).toMatch(new RegExp(`^rediss://platform:${redisUser.authenticationMode.passwords[0]}@`));
    // In the plan the values are redacted, the names are not.
    const redacted = secret.inputs as Obj;
    expect(redacted.stringData).toEqual({
      DATABASE_URL: "[secret]",
      DATABASE_USER: "[secret]",
      REDIS_URL: "[secret]",
      REDIS_USER: "[secret]",
    });
    expect(redacted.metadata.annotations["platform.io/database-user"]).toBe("platform_app");
  });

  it("the reconcile job mounts it too; the operations jobs' Secret names the operations role", () => {
    const reconcile = prod.find("kubernetes:batch/v1:CronJob", "jobs-reconcile-cronjob").inputs as Obj;
    expect(reconcile.spec.jobTemplate.spec.template.spec.containers[0].envFrom).toEqual([
      { secretRef: { name: "platform-connection" } },
    ]);
    expect(meta(secretIn(prod, "platform", "database-ops-credentials")!).annotations).toEqual({
      "platform.io/database-user": "platform_ops",
    });
    // The database DATABASE_URL names, in plain sight: a tier move's switch shows as it changing (move.test.ts).
    expect(meta(secretIn(prod, "tenant-acme", "tenant-connection")!).annotations).toEqual({
      "platform.io/database-name": "tenant_acme",
      "platform.io/database-user": "tenant_acme",
      "platform.io/redis-user": "tenant-acme",
    });
  });

  it("a rotation of the application password restarts the platform pools (their pod template changes)", async () => {
    const config = stacks.production();
    config["platform:database"] = { ...(config["platform:database"] as Obj), applicationPasswordGeneration: 2 };
    const rotated = await renderStack(config, { stack: "prod" });
    const annotation = (stack: Finders) =>
      (stack.find("kubernetes:apps/v1:Deployment", "workers-default-deployment").inputs as Obj).spec.template.metadata
        .annotations["platform.io/credentials-generation"];
    expect(annotation(prod)).toBe("database-1,redis-1");
    expect(annotation(rotated)).toBe("database-2,redis-1");
  });

  it("after a restore the platform Secret and the operations jobs point at the restored instance", async () => {
    const config = stacks.production();
    config["platform:database"] = {
      ...(config["platform:database"] as Obj),
      restore: { snapshotId: "before-migration" },
    };
    const restored = await renderStack(config, { stack: "prod", revealSecrets: true });
    const instance = restored.find("aws:rds/instance:Instance", "platform-db-restore-snapshot-before-migration");
    expect(restored.find(SECRET, "platform-connection-secret").dependsOn).toContain(instance.urn);
    // The operations jobs take the host from their environment, the login from database-ops-credentials.
    const backup = restored.find("kubernetes:batch/v1:CronJob", "database-backups-backup-cronjob").inputs as Obj;
    const dump = backup.spec.jobTemplate.spec.template.spec.initContainers[0];
    expect(dump.env.find((e: Obj) => e.name === "PGHOST").value).toBe((restored.outputs.database as Obj).address);
    const url = (restored.find(SECRET, "platform-connection-secret").revealedInputs as Obj).stringData.DATABASE_URL;
    expect(url).toContain(`@${(restored.outputs.database as Obj).address}:5432/`);
    expect((restored.outputs.database as Obj).address).toMatch(/^platform-prod-snapshot-before-migration/);
    expect((restored.outputs.database as Obj).address).not.toBe((prod.outputs.database as Obj).address);
  });
});

describe("connector credentials as config", () => {
  it("acme's connector becomes SALESFORCE_* keys of tenant-connectors, values [secret], mounted by its pool", () => {
    const secret = secretIn(prod, "tenant-acme", "tenant-connectors")!;
    expect((secret.inputs as Obj).stringData).toEqual({
      SALESFORCE_CLIENT_ID: "[secret]",
      SALESFORCE_CLIENT_SECRET: "[secret]",
    });
    const pool = prod.find("kubernetes:apps/v1:Deployment", "tenant-acme-workers-deployment").inputs as Obj;
    expect(pool.spec.template.spec.containers[0].envFrom).toContainEqual({ secretRef: { name: "tenant-connectors" } });
    expect(secretIn(prod, "tenant-globex", "tenant-connectors")).toBeUndefined();
  });

  it("a plain value under a key that looks secret is refused, the key named and the value not shown", () => {
    const config = stacks.production();
    const tenants = config["platform:tenants"] as Obj[];
    tenants[1] = { ...tenants[1], connectors: { hubspot: { portalId: "123", apiKey: "pat-na1-very-secret" } } };
    const problems = problemsOf(config);
    expect(problems).toEqual([
      {
        key: "platform:tenants[1].connectors.hubspot.apiKey",
        value: "[not shown]",
        message: expect.stringContaining(
          "`pulumi config set --secret --path 'platform:tenants[1].connectors.hubspot.apiKey' <value>`",
        ),
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain("pat-na1-very-secret");
    tenants[1].connectors.hubspot.apiKey = { secure: "v1:aHVic3BvdC1rZXk=" };
    expect(problemsOf(config)).toEqual([]);
  });

  it("the program, which only learns that platform:tenants holds a secret, requires that much", () => {
    // What the Pulumi CLI hands a program: decrypted values, and the whole key listed as secret when any value in it
    // is `secure:` (pulumi/pulumi sdk/go/common/resource/config/value.go, hasSecureValue).
    const stack = stackConfigFromObject(stacks.production(), "platform");
    const { raw, awsRegion } = rawPlatformConfig(stack.config);
    (raw.tenants as Obj[])[0].connectors.salesforce.clientSecret = "decrypted-by-the-cli";
    const cliSecretKeys = stack.secretKeys.filter((k) => !k.includes("["));
    expect(cliSecretKeys).toContain("platform:tenants");
    const parsed = parsePlatformConfig(raw, awsRegion, { secretKeys: cliSecretKeys });
    expect(Object.keys(parsed.tenants[0].connectors.salesforce)).toEqual(["clientId", "clientSecret"]);
    const plain = cliSecretKeys.filter((k) => k !== "platform:tenants");
    expect(() => parsePlatformConfig(raw, awsRegion, { secretKeys: plain })).toThrow(
      /platform:tenants\[0\]\.connectors\.salesforce\.clientSecret = \[not shown\]/,
    );
    expect(parseStackConfig(stacks.production()).tenants[0].id).toBe("acme");
  });

  it("a rotation keeps the previous value beside the new one until the stated time, then drops it", () => {
    // The schema's type cannot say "string values, except `previous`": the parsed shape, spelled out.
    const connectors = {
      salesforce: {
        clientId: "id",
        clientSecret: "new",
        previous: { clientSecret: "old", until: "2026-12-15T00:00:00Z" },
      },
    } as unknown as Parameters<typeof connectorEnvironment>[0];
    expect(connectorEnvironment(connectors, new Date("2026-12-10T00:00:00Z"))).toEqual({
      SALESFORCE_CLIENT_ID: "id",
      SALESFORCE_CLIENT_SECRET: "new",
      SALESFORCE_CLIENT_SECRET_PREVIOUS: "old",
      SALESFORCE_PREVIOUS_UNTIL: "2026-12-15T00:00:00Z",
    });
    expect(connectorEnvironment(connectors, new Date("2026-12-15T00:00:00Z"))).toEqual({
      SALESFORCE_CLIENT_ID: "id",
      SALESFORCE_CLIENT_SECRET: "new",
    });
    const config = stacks.production();
    (config["platform:tenants"] as Obj[])[0].connectors.salesforce.previous = {
      clientToken: { secure: "v1:b2xk" },
      until: "soon",
    };
    expect(problemsOf(config).map((p) => p.key)).toEqual([
      "platform:tenants[0].connectors.salesforce.previous.until",
      "platform:tenants[0].connectors.salesforce.previous.clientToken",
    ]);
  });
});
