// Change → classification, each expectation traced to the rule of the system that decides it: the provider's source
// line (recorded in replace-rules.json by tools/replace-rules/generate.ts, checked here against the line read
// upstream) or the Pulumi engine's step generator (pulumi/pulumi v3.248.0).
import { describe, expect, it } from "vitest";
import { classify, PlanResource, StepOp } from "@platform/offline-plan";
import { REPLACE_RULES } from "@platform/offline-plan";
import { previewMarkdown, showProperty } from "@platform/offline-plan";

const STACK = "urn:pulumi:prod::platform::";
const res = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}) => ({
  urn: `${STACK}${type}::${name}`,
  type,
  name,
  protect: false,
  inputs,
  ...extra,
});
const K8S_PROVIDER = res("pulumi:providers:kubernetes", "kubernetes", { enableServerSideApply: "true" });
const hpa = (min: number, max: number) =>
  res("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "workers-default-hpa", {
    metadata: { name: "workers-default", namespace: "platform" },
    spec: { minReplicas: min, maxReplicas: max },
  });
const password = (generation: string) =>
  res("random:index/randomPassword:RandomPassword", "tenant-acme-password", { keepers: { generation }, length: 32 });
const namespace = (name: string) => res("kubernetes:core/v1:Namespace", "platform-namespace", { metadata: { name } });
const configMap = (ns: string) =>
  res("kubernetes:core/v1:ConfigMap", "jobs-scripts", { metadata: { name: "jobs-scripts", namespace: ns } });
const schema = (database: string) =>
  res(
    "postgresql:index/schema:Schema",
    "tenant-initech-schema",
    { name: "tenant_initech", database },
    { protect: true },
  );
const instance = (gb: number) =>
  res(
    "aws:rds/instance:Instance",
    "platform-db-instance",
    { allocatedStorage: gb, instanceClass: "db.r6g.xlarge" },
    { protect: true, ignoreChanges: ["allocatedStorage"] },
  );
const role = (importId?: string) =>
  res("postgresql:index/role:Role", "tenant-acme-role", { name: "tenant_acme" }, { protect: true, importId });
const secret = (data: string) =>
  res(
    "kubernetes:core/v1:Secret",
    "tenant-acme-connection",
    { metadata: { name: "tenant-acme-connection", namespace: "tenant-acme" }, stringData: { URL: data } },
    { provider: K8S_PROVIDER.urn },
  );

interface Case {
  change: string;
  base: PlanResource[];
  head: PlanResource[];
  /** The step of the resource named `name`. */
  name: string;
  op: StepOp;
  deleteBeforeReplace?: boolean;
  refused?: boolean;
  shows?: string[];
  ignored?: string[];
  /** Where the expectation comes from; `rule` is checked against replace-rules.json when given. */
  source: string;
  rule?: { type: string; path: string; line: number };
}

const CASES: Case[] = [
  {
    change: "HPA bounds raised",
    base: [hpa(3, 12)],
    head: [hpa(12, 20)],
    name: "workers-default-hpa",
    op: "update",
    shows: ["~ spec.maxReplicas: 12 => 20", "~ spec.minReplicas: 3 => 12"],
    // autoscaling/v2 is absent from diff.go's forceNew map: only .metadata.name/.namespace replace it.
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go forceNew (no autoscaling group)",
  },
  {
    change: "RandomPassword keepers bumped (credential rotation)",
    base: [password("1")],
    head: [password("2")],
    name: "tenant-acme-password",
    op: "replace",
    shows: ['~ keepers.generation: "1" => "2"'],
    source:
      "hashicorp/terraform-provider-random v3.9.0 resource_password.go:576 keepers RequiresReplaceIfValuesNotNull",
    rule: { type: "random:index/randomPassword:RandomPassword", path: "keepers", line: 576 },
  },
  {
    change: "platform namespace renamed: the Namespace",
    base: [namespace("platform")],
    head: [namespace("platform-v2")],
    name: "platform-namespace",
    op: "replace",
    deleteBeforeReplace: false, // provider.go Diff: the new name differs, so create the new one first
    source: "pulumi/pulumi-kubernetes diff.go:209 metadataForceNewProperties .metadata.name; provider.go:1647",
    rule: { type: "kubernetes:core/v1:Namespace", path: "metadata.name", line: 209 },
  },
  {
    change: "platform namespace renamed: an object in it",
    base: [configMap("platform")],
    head: [configMap("platform-v2")],
    name: "jobs-scripts",
    op: "replace",
    deleteBeforeReplace: false, // provider.go:1647 condition 5: another namespace, so no delete first
    shows: ['~ metadata.namespace: "platform" => "platform-v2"'],
    source: "pulumi/pulumi-kubernetes diff.go:210 metadataForceNewProperties .metadata.namespace",
    rule: { type: "kubernetes:core/v1:ConfigMap", path: "metadata.namespace", line: 210 },
  },
  {
    change: "tenant moved from pooled to dedicated: its schema's database",
    base: [schema("app")],
    head: [schema("tenant_initech")],
    name: "tenant-initech-schema",
    op: "replace",
    refused: true, // step_generator.go L1834-1845: new.Protect && old.Protect → "unable to replace resource"
    shows: ['~ database: "app" => "tenant_initech"'],
    source: "cyrilgdn/terraform-provider-postgresql resource_postgresql_schema.go:53 database ForceNew",
    rule: { type: "postgresql:index/schema:Schema", path: "database", line: 53 },
  },
  {
    change: "allocatedStorageGb raised under ignoreChanges",
    base: [instance(200)],
    head: [instance(400)],
    name: "platform-db-instance",
    op: "same",
    ignored: ["~ allocatedStorage: 200 => 400"],
    source: "pulumi/pulumi step_generator.go L1154 processIgnoreChanges resets ignored paths before the diff",
  },
  {
    change: "failover: a replicated role adopted",
    base: [],
    head: [role("tenant_acme")],
    name: "tenant-acme-role",
    op: "import",
    source: "pulumi/pulumi step_generator.go L1001: goal.ID set and no old state → import",
  },
  {
    change: "tenant entry removed: its protected role",
    base: [role()],
    head: [],
    name: "tenant-acme-role",
    op: "delete",
    refused: true,
    source: "pulumi/pulumi pkg/resource/deploy/step.go DeleteStep.Apply: old.Protect → deleteProtectedError",
  },
  {
    change: "protection lifted in the same change as the replacement",
    base: [schema("app")],
    head: [{ ...schema("tenant_initech"), protect: false }],
    name: "tenant-initech-schema",
    op: "replace",
    refused: false, // step_generator.go: "we do allow unprotecting and replacing to happen in a single update"
    source: "pulumi/pulumi step_generator.go L1834-1836",
  },
  {
    change: "Secret data changes (a rotated password it embeds)",
    base: [K8S_PROVIDER, secret("a")],
    head: [K8S_PROVIDER, secret("b")],
    name: "tenant-acme-connection",
    op: "replace",
    deleteBeforeReplace: true, // provider.go:1647: named, same name and namespace → delete first
    source: "pulumi/pulumi-kubernetes diff.go:28 Secret .stringData forceNew unless enableSecretMutable",
  },
  {
    change: "retained snapshot dropped from the program",
    base: [res("aws:rds/snapshot:Snapshot", "snap", { dbSnapshotIdentifier: "x" }, { retainOnDelete: true })],
    head: [],
    name: "snap",
    op: "delete",
    refused: false,
    source: "pulumi/pulumi step.go DeleteStep.Apply: RetainOnDelete → no provider Delete",
  },
  {
    change: "replaceOnChanges option on a path the provider updates in place",
    base: [{ ...hpa(2, 10), replaceOnChanges: ["spec.maxReplicas"] }],
    head: [{ ...hpa(2, 12), replaceOnChanges: ["spec.maxReplicas"] }],
    name: "workers-default-hpa",
    op: "replace",
    source: "pulumi/pulumi step_generator.go applyReplaceOnChanges",
  },
  {
    change: "a promoted replica starts to set username (Optional+Computed ForceNew)",
    base: [res("aws:rds/instance:Instance", "db", { replicateSourceDb: "arn" })],
    head: [res("aws:rds/instance:Instance", "db", { username: "platform_admin" })],
    name: "db",
    op: "update",
    source: "terraform-provider-aws rds/instance.go:659 username ForceNew+Computed: Terraform diffs against state",
    rule: { type: "aws:rds/instance:Instance", path: "username", line: 659 },
  },
];

describe("preview classification (change → what the engine does)", () => {
  it.each(CASES)("$change → $op ($source)", (c) => {
    if (c.rule) expect(REPLACE_RULES.types[c.rule.type].replaceOn[c.rule.path]).toBe(c.rule.line);
    const result = classify(c.base, c.head);
    const step = result.steps.find((s) => s.name === c.name);
    if (c.op === "same") {
      expect(step).toBeUndefined();
      const ignored = result.ignored.find((s) => s.name === c.name)!;
      expect(ignored.ignored.map(showProperty)).toEqual(c.ignored);
      return;
    }
    expect(step?.op).toBe(c.op);
    if (c.deleteBeforeReplace !== undefined) expect(step!.deleteBeforeReplace).toBe(c.deleteBeforeReplace);
    if (c.refused !== undefined) expect(Boolean(step!.refused)).toBe(c.refused);
    for (const line of c.shows ?? []) expect(step!.properties.map(showProperty)).toContain(line);
  });

  it("names each refused resource, why, and the documented way to proceed; refusals lead the Markdown", () => {
    const result = classify([role(), schema("app")], [schema("tenant_initech")]);
    expect(result.refused.map((s) => s.name)).toEqual(["tenant-initech-schema", "tenant-acme-role"]);
    const [replace, remove] = result.refused.map((s) => s.refused!);
    expect(replace).toMatch(
      /tenant-initech-schema.*replaced \(database forces replacement.*resource_postgresql_schema/,
    );
    expect(remove).toMatch(/tenant-acme-role.*deleted.*protected.*`state: deleted`, then `deleteData: true`/);
    const markdown = previewMarkdown(result, "Changes");
    expect(markdown.indexOf("Refused")).toBeLessThan(markdown.indexOf("#### tenant"));
    // pkg/backend/display/diff.go renderSummaryEvent: "<glyph><n> to <op>", then "N changes. M unchanged".
    expect(markdown).toContain("**Resources: - 1 to delete · +-1 to replace · 2 changes. 0 unchanged**");
  });

  it("a regenerated secret's consumers show their secret inputs changed, never the values", () => {
    const consumer = (gen: string) => ({ ...secret("[secret]"), dependsOn: [password(gen).urn] });
    const result = classify([password("1"), consumer("1")], [password("2"), consumer("2")]);
    const step = result.steps.find((s) => s.name === "tenant-acme-connection")!;
    expect(step.op).toBe("replace");
    expect(step.properties.map(showProperty)).toEqual([
      "~ stringData.URL: [secret] => [secret] (changed: reads regenerated tenant-acme-password)",
    ]);
  });
});
