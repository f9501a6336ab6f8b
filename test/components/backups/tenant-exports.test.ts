// Offboarding exports: an offboarded tenant's data is dumped once to the backup bucket by a Job the stack creates.
import { beforeAll, describe, expect, it } from "vitest";
import { ALL_POLICIES } from "../../../policies/rules";
import { tenantExports } from "../../../components/backups/database-backups";
import type { RecordedResource } from "@platform/offline-plan";
import { kubernetesSchemaError } from "../../helpers/kubernetes-schema";
import { platformReference, renderStack, RenderedStack } from "../../helpers/render";
import * as stacks from "../../fixtures/stacks";
import { violationsOf } from "../../policies/fixtures";

const JOB = "kubernetes:batch/v1:Job";
type Config = Record<string, any>;

const withTenants = (config: Config, tenants: object[]): Config => stacks.withTenants(config, ...tenants);

const envOf = (container: any): Record<string, string> =>
  Object.fromEntries((container.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]));
const exportJobs = (stack: RenderedStack) =>
  stack.ofType(JOB).filter((r) => (r.inputs.metadata as { name: string }).name.startsWith("tenant-export-"));
const podOf = (job: RecordedResource) => (job.inputs as any).spec.template.spec;

describe("offboarding exports", () => {
  let prod: RenderedStack;
  beforeAll(async () => {
    prod = await renderStack(
      withTenants(stacks.production(), [
        { id: "quitter", name: "Quitter", tier: "standard", state: "offboarded" },
        { id: "bigleaver", name: "Big Leaver", tier: "enterprise", state: "offboarded" },
        { id: "still-here", name: "Still Here", tier: "standard", state: "suspended" },
      ]),
      { stack: "prod" },
    );
  });

  it("exports a pooled tenant's schema from the application database and a dedicated tenant's own database, once each", () => {
    const jobs = exportJobs(prod);
    expect(jobs.map((j) => (j.inputs.metadata as { name: string }).name).sort()).toEqual([
      "tenant-export-bigleaver",
      "tenant-export-quitter",
    ]);
    const dumpEnv = (id: string) => envOf(podOf(jobs.find((j) => j.name.endsWith(`export-${id}`))!).initContainers[0]);
    expect(dumpEnv("quitter")).toMatchObject({
      BACKUP_DATABASES: "app",
      BACKUP_SCHEMA: "tenant_quitter",
      BACKUP_KIND: "export",
    });
    expect(dumpEnv("bigleaver")).toMatchObject({ BACKUP_DATABASES: "tenant_bigleaver", BACKUP_KIND: "export" });
    expect(dumpEnv("bigleaver")).not.toHaveProperty("BACKUP_SCHEMA");
  });

  it("uploads under <env>/offboarding/<tenant>/ with the backup writer's role, runs once and keeps the finished Job", () => {
    const job = exportJobs(prod).find((j) => j.name.endsWith("export-quitter"))!;
    const spec = (job.inputs as any).spec;
    expect(envOf(podOf(job).containers[0])).toMatchObject({
      BACKUP_PREFIX: "production/offboarding/quitter",
      BACKUP_KIND: "export",
    });
    expect(podOf(job).serviceAccountName).toBe("database-backup-writer");
    expect(spec).not.toHaveProperty("ttlSecondsAfterFinished");
    expect(spec).toMatchObject({ suspend: false, backoffLimit: 1 });
    expect((job.inputs.metadata as any).annotations).toEqual({ "pulumi.com/skipAwait": "true" });
  });

  it("renders Jobs valid against the Kubernetes schema that pass the policy pack", async () => {
    for (const job of exportJobs(prod)) expect(kubernetesSchemaError(job)).toBeUndefined();
    expect((await violationsOf(ALL_POLICIES, exportJobs(prod))).map((v) => `${v.policy}: ${v.message}`)).toEqual([]);
  });

  it("creates no export for active, suspended or deleted tenants", () => {
    const states = ["active", "suspended", "deleted"].map((state, i) => ({
      id: `t${i}`,
      isolation: "schema" as const,
      state,
    }));
    expect(tenantExports("app", states)).toEqual([]);
  });

  it("runs a shard's exports in the shard's own namespace, from the platform's application database", async () => {
    const config = withTenants(stacks.productionShard("a"), [
      { id: "shard-quitter", name: "Shard Quitter", tier: "free", state: "offboarded" },
    ]);
    const shard = await renderStack(config, {
      stack: "prod-tenants-a",
      stackReferences: await platformReference(stacks.production()),
    });
    const [job] = exportJobs(shard);
    expect((job.inputs.metadata as { namespace: string }).namespace).toBe("platform-tenants-a");
    expect(envOf(podOf(job).initContainers[0])).toMatchObject({
      BACKUP_DATABASES: "app",
      BACKUP_SCHEMA: "tenant_shard_quitter",
    });
  });
});
