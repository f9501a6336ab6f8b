// A tier move's resources at each step (docs/tenants.md, "Changing tier"), rendered through the one tenant path:
// initech moves pooled → dedicated (with a dedicated worker pool), globex dedicated → pooled. What the engine would
// do between steps is asserted with the preview's classifier (packages/offline-plan, step_generator.go semantics).
import { beforeAll, describe, expect, it } from "vitest";
import { classify } from "@platform/offline-plan";
import type { RecordedResource } from "@platform/offline-plan";
import { Finders, platformReference, renderStack } from "../../helpers/render";
import type { RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Rendered = RenderResult & Finders;
type Step = "copy" | "switch" | "retire";
const SCHEMA = "postgresql:index/schema:Schema";
const DATABASE = "postgresql:index/database:Database";
const ROLE = "postgresql:index/role:Role";
const SECRET = "kubernetes:core/v1:Secret";
const JOB = "kubernetes:batch/v1:Job";
const DIGEST = "5".repeat(64);

/** production() with initech and globex at `step` of their moves (`done`: the blocks removed). */
function atStep(step: Step | "base" | "done") {
  const config = stacks.production();
  const tenants = config["platform:tenants"] as Record<string, any>[];
  const move = (from: string) =>
    step === "base" || step === "done"
      ? {}
      : { move: { from, step, ...(step === "copy" ? {} : { verified: DIGEST }) } };
  Object.assign(
    tenants.find((t) => t.id === "initech")!,
    step === "base" ? {} : { tier: "enterprise", dedicatedWorkers: true, ...move("standard") },
  );
  Object.assign(
    tenants.find((t) => t.id === "globex")!,
    step === "base" ? {} : { tier: "standard", ...move("enterprise") },
  );
  return config;
}

const steps: Record<string, Rendered> = {};
const byName = (stack: Rendered, type: string, name: string) => stack.find(type, name);
const annotations = (stack: Rendered, namespace: string) =>
  (stack.ofType(SECRET).find((s) => (s.inputs as any).metadata.namespace === namespace)!.inputs as any).metadata
    .annotations;
const stepOf = (from: Rendered, to: Rendered, name: string) =>
  classify(from.resources, to.resources).steps.find((s) => s.name === name);

beforeAll(async () => {
  for (const step of ["base", "copy", "switch", "retire", "done"] as const)
    steps[step] = await renderStack(atStep(step), { stack: "prod" });
}, 120_000);

describe("copy: the new home beside the old, writes held", () => {
  it("creates the new homes protected and leaves the old ones as they were (names, inputs, protection)", () => {
    const { base, copy } = steps;
    expect(byName(copy, DATABASE, "tenant-initech-db").protect).toBe(true);
    expect(byName(copy, SCHEMA, "tenant-initech-move-schema")).toMatchObject({
      protect: true,
      inputs: { name: "tenant_initech", database: "tenant_initech", owner: "tenant_initech", dropCascade: false },
    });
    expect(byName(copy, SCHEMA, "tenant-globex-move-schema").inputs).toMatchObject({ database: "app" });
    for (const name of ["tenant-initech-schema", "tenant-globex-schema", "tenant-globex-db"]) {
      const type = name.endsWith("-db") ? DATABASE : SCHEMA;
      const [before, after] = [byName(base, type, name), byName(copy, type, name)];
      expect(after.urn).toBe(before.urn);
      expect({ protect: after.protect, inputs: after.inputs }).toEqual({ protect: true, inputs: before.inputs });
    }
    const changes = classify(base.resources, copy.resources);
    expect(changes.refused).toEqual([]);
    expect(
      changes.steps.filter((s) => s.type.startsWith("postgresql:") && ["delete", "replace"].includes(s.op)),
    ).toEqual([]);
  });

  it("turns the movers' login off (Redis stays on), stops the dedicated pool, keeps DATABASE_URL on the old home", () => {
    const { copy } = steps;
    for (const id of ["initech", "globex"]) expect(byName(copy, ROLE, `tenant-${id}-role`).inputs.login).toBe(false);
    expect(byName(copy, ROLE, "tenant-acme-role").inputs.login).toBe(true);
    expect(String(byName(copy, "aws:elasticache/user:User", "tenant-initech-redis-user").inputs.accessString)).toMatch(
      /^on /,
    );
    const hpa = copy.resources.filter(
      (r) => r.name.startsWith("tenant-initech-workers-") && r.type.includes("Horizontal"),
    );
    expect(hpa).toEqual([]); // a paused pool has no autoscaler (components/workers/worker-pool.ts)
    expect(annotations(copy, "tenant-initech")["platform.io/database-name"]).toBe("app");
    expect(annotations(copy, "tenant-globex")["platform.io/database-name"]).toBe("tenant_globex");
  });

  it("runs one move Job per mover in the platform namespace, as the operations role, after the new home and NOLOGIN", () => {
    const { copy } = steps;
    const job = byName(copy, JOB, "tenant-initech-move");
    const inputs = job.inputs as any;
    expect(inputs.metadata).toMatchObject({ name: "tenant-move-initech", namespace: "platform" });
    expect(job.parent).toBe(copy.find("platform:tenant:Tenant", "tenant-initech").urn);
    expect(job.dependsOn).toEqual(
      expect.arrayContaining([
        byName(copy, ROLE, "tenant-initech-role").urn,
        byName(copy, SCHEMA, "tenant-initech-move-schema").urn,
      ]),
    );
    const pod = inputs.spec.template.spec;
    const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env(pod.initContainers[0])).toMatchObject({
      MOVE_FROM_DATABASE: "app",
      MOVE_TO_DATABASE: "tenant_initech",
      MOVE_SCHEMA: "tenant_initech",
      PGUSER: { secretKeyRef: { name: "database-ops-credentials", key: "username" } },
    });
    expect(env((byName(copy, JOB, "tenant-globex-move").inputs as any).spec.template.spec.containers[0])).toMatchObject(
      {
        MOVE_FROM_DATABASE: "tenant_globex",
        MOVE_TO_DATABASE: "app",
        PUSHGATEWAY_STACK: "prod",
      },
    );
    expect(inputs.spec).toMatchObject({ backoffLimit: 0 });
    expect(inputs.spec.ttlSecondsAfterFinished).toBeUndefined();
  });

  it("backs up both homes while the move runs", () => {
    const cron = byName(steps.copy, "kubernetes:batch/v1:CronJob", "database-backups-backup-cronjob").inputs as any;
    const databases = cron.spec.jobTemplate.spec.template.spec.initContainers[0].env.find(
      (e: any) => e.name === "BACKUP_DATABASES",
    ).value;
    expect(databases.split(" ")).toEqual(expect.arrayContaining(["app", "tenant_initech", "tenant_globex"]));
  });
});

describe("switch: DATABASE_URL moves to the new home", () => {
  it("changes exactly the movers' connection Secrets and logins, resumes the pool, and drops the finished Jobs", () => {
    const changes = classify(steps.copy.resources, steps.switch.resources);
    expect(changes.refused).toEqual([]);
    expect(changes.steps.map((s) => `${s.op} ${s.name}`).sort()).toEqual([
      "create tenant-initech-workers-hpa",
      "delete tenant-globex-move",
      "delete tenant-globex-move-script",
      "delete tenant-initech-move",
      "delete tenant-initech-move-script",
      "update tenant-globex-connection",
      "update tenant-globex-role",
      "update tenant-initech-connection",
      "update tenant-initech-role",
      "update tenant-initech-workers-deployment",
    ]);
    // DATABASE_URL itself shows only as [secret]; the database it names is in plain sight.
    expect(stepOf(steps.copy, steps.switch, "tenant-initech-connection")?.properties).toEqual([
      { path: "metadata.annotations.platform.io/database-name", kind: "update", old: "app", new: "tenant_initech" },
    ]);
    expect(stepOf(steps.copy, steps.switch, "tenant-globex-connection")?.properties).toEqual([
      { path: "metadata.annotations.platform.io/database-name", kind: "update", old: "tenant_globex", new: "app" },
    ]);
    expect(stepOf(steps.copy, steps.switch, "tenant-globex-role")?.properties.map((p) => p.path)).toEqual(["login"]);
  });
});

describe("retire, then removal: the old home goes in two reviewed steps", () => {
  it("retire renames the old schema out of the way (alias), lifts its protection and arms the cascade", () => {
    const retired = byName(steps.retire, SCHEMA, "tenant-initech-retired-schema");
    expect(retired).toMatchObject({ protect: false, inputs: { database: "app", dropCascade: true } });
    expect(retired.aliases).toEqual([byName(steps.switch, SCHEMA, "tenant-initech-schema").urn]);
    expect(byName(steps.retire, DATABASE, "tenant-globex-db").protect).toBe(false);
    expect(byName(steps.retire, DATABASE, "tenant-initech-db").protect).toBe(true);
    const change = stepOf(steps.switch, steps.retire, "tenant-initech-retired-schema")!;
    expect(change.op).toBe("update");
    expect(change.options).toEqual(['renamed from "tenant-initech-schema" (alias)', "protect: true => false"]);
    expect(classify(steps.switch.resources, steps.retire.resources).refused).toEqual([]);
  });

  it("removing the block drops only the old homes; the new home takes the usual name without a replacement", () => {
    const changes = classify(steps.retire.resources, steps.done.resources);
    expect(changes.refused).toEqual([]);
    expect(
      changes.steps
        .filter((s) => s.op === "delete")
        .map((s) => s.name)
        .sort(),
    ).toEqual([
      "tenant-globex-db",
      "tenant-globex-db-admin-connect",
      "tenant-globex-db-public-revoke",
      "tenant-globex-retired-schema",
      "tenant-initech-retired-schema",
    ]);
    // Outside the tenants only the Pushgateway cleanup follows the shorter backup list (components/monitoring).
    expect(
      changes.steps.filter((s) => s.group.startsWith("tenant ") && (s.op === "replace" || s.op === "create")),
    ).toEqual([]);
    const moved = byName(steps.retire, SCHEMA, "tenant-initech-move-schema");
    const final = byName(steps.done, SCHEMA, "tenant-initech-schema");
    expect(final.aliases).toEqual([moved.urn]);
    expect({ inputs: final.inputs, protect: final.protect }).toEqual({ inputs: moved.inputs, protect: true });
  });

  it("ends as a tenant onboarded on its new tier would be: the same resources, names and inputs", async () => {
    const fresh = stacks.production();
    const tenants = fresh["platform:tenants"] as Record<string, any>[];
    Object.assign(
      tenants.find((t) => t.id === "initech")!,
      { tier: "enterprise", dedicatedWorkers: true },
    );
    Object.assign(
      tenants.find((t) => t.id === "globex")!,
      { tier: "standard" },
    );
    const onboarded = await renderStack(fresh, { stack: "prod" });
    const of = (stack: Rendered, id: string) =>
      stack.resources
        .filter((r) => r.name.startsWith(`tenant-${id}-`))
        .map((r: RecordedResource) => ({ urn: r.urn, protect: r.protect, inputs: r.inputs }))
        .sort((a, b) => a.urn.localeCompare(b.urn));
    for (const id of ["initech", "globex"]) expect(of(steps.done, id)).toEqual(of(onboarded, id));
  });

  it("exports the move in the stack outputs while it runs (what the next preview judges its step against)", () => {
    expect((steps.retire.outputs as any).tenants.initech.move).toEqual({ from: "standard", step: "retire" });
    expect((steps.done.outputs as any).tenants.initech.move).toBeUndefined();
  });
});

describe("a move in a tenant shard", () => {
  it("takes the same path: the Job runs in the shard's ops namespace with the operations role's Secret there", async () => {
    const references = await platformReference(stacks.production());
    const tenants = stacks.shardATenants();
    Object.assign(
      tenants.find((t) => t.id === "soylent")!,
      {
        tier: "enterprise",
        move: { from: "standard", step: "copy" },
      },
    );
    const shard = await renderStack(stacks.productionShard("a", tenants), {
      stack: "prod-tenants-a",
      stackReferences: references,
    });
    const job = byName(shard, JOB, "tenant-soylent-move").inputs as any;
    expect(job.metadata.namespace).toBe("platform-tenants-a");
    const copy = job.spec.template.spec.initContainers[0];
    const credentials = copy.env.find((e: any) => e.name === "PGUSER").valueFrom.secretKeyRef.name;
    expect(
      shard
        .ofType(SECRET)
        .some(
          (s) =>
            (s.inputs as any).metadata.name === credentials &&
            (s.inputs as any).metadata.namespace === "platform-tenants-a",
        ),
    ).toBe(true);
    expect(byName(shard, SCHEMA, "tenant-soylent-move-schema").inputs).toMatchObject({ database: "tenant_soylent" });
    expect(byName(shard, ROLE, "tenant-soylent-role").inputs.login).toBe(false);
  });
});
