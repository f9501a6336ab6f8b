// The `aliases` resource option, recorded and classified as the engine treats it: an old resource is looked up by the
// goal's URN first, then by its aliases (pulumi/pulumi v3.248.0 pkg/resource/deploy/step_generator.go, "Check the URN
// first, then aliases"); one found through an alias is the same resource renamed, diffed as usual, and not deleted.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { renderProgram } from "../src/render";
import { classify, PlanResource } from "../src/preview/classify";
import { renderOptions as options } from "./fixtures";

const STACK = "urn:pulumi:prod::platform::";
const schema = (name: string, database: string, extra: Partial<PlanResource> = {}): PlanResource => ({
  urn: `${STACK}platform:tenant:Tenant$postgresql:index/schema:Schema::${name}`,
  type: "postgresql:index/schema:Schema",
  name,
  protect: true,
  inputs: { name: "tenant_x", database, owner: "tenant_x", dropCascade: false },
  ...extra,
});

describe("aliases", () => {
  it("records each alias as the URN the old resource was recorded under (same parent chain, the old name)", async () => {
    const { resources } = await renderProgram(async () => {
      class Parent extends pulumi.ComponentResource {
        constructor(name: string) {
          super("test:index:Parent", name);
          new random.RandomPassword(`${name}-new`, { length: 8 }, { parent: this, aliases: [{ name: `${name}-old` }] });
          new random.RandomPassword(`${name}-old`, { length: 8 }, { parent: this });
        }
      }
      new Parent("p");
    }, options);
    const renamed = resources.find((r) => r.name === "p-new")!;
    const old = resources.find((r) => r.name === "p-old")!;
    expect(renamed.aliases).toEqual([old.urn]);
    expect(old.aliases).toBeUndefined();
  });

  it("classifies a rename through an alias as the same resource: an update of what changed, no delete", () => {
    const base = [schema("x-schema", "app")];
    const head = [
      schema("x-retired-schema", "app", {
        protect: false,
        aliases: [base[0].urn],
        inputs: { ...base[0].inputs, dropCascade: true },
      }),
    ];
    const { steps, refused } = classify(base, head);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ name: "x-retired-schema", op: "update", protect: { old: true, new: false } });
    expect(steps[0].options).toEqual(['renamed from "x-schema" (alias)', "protect: true => false"]);
    expect(refused).toEqual([]);
  });

  it("a rename without any change is no step at all (the engine's same step)", () => {
    const base = [schema("x-move-schema", "db")];
    const head = [schema("x-schema", "db", { aliases: [base[0].urn] })];
    expect(classify(base, head).steps).toEqual([]);
  });

  it("looks up the goal's own URN first: an alias does not rescue a resource whose URN is still taken", () => {
    const base = [schema("x-schema", "app"), schema("x-move-schema", "db")];
    const head = [schema("x-schema", "db", { aliases: [base[1].urn] })];
    const { steps } = classify(base, head);
    expect(steps.map((s) => `${s.op} ${s.name}`).sort()).toEqual(["delete x-move-schema", "replace x-schema"]);
  });
});
