import { describe, expect, it } from "vitest";
import { changedPaths, diffMarkdown, diffPlans, PlannedResource } from "../src/diff";

const r = (urn: string, inputs: Record<string, unknown>, protect = false): PlannedResource => ({
  urn: `urn:pulumi:s::p::${urn}`,
  type: urn.split("::")[0],
  name: urn,
  protect,
  inputs,
});

describe("plan diff", () => {
  it("names the changed input paths, descending into lists", () => {
    expect(
      changedPaths(
        { spec: { containers: [{ image: "a:1", name: "w" }] }, x: 1 },
        { spec: { containers: [{ image: "a:2", name: "w" }] }, x: 1 },
      ),
    ).toEqual(["spec.containers[0].image"]);
    expect(changedPaths({ a: 1 }, { a: 1, b: 2 })).toEqual(["b"]);
  });

  it("calls out protected removals before anything else", () => {
    const base = [
      r("aws:rds/instance:Instance::db", {}, true),
      r("kubernetes:core/v1:ConfigMap::cm", { data: { a: "1" } }),
      r("aws:s3/bucket:Bucket::old", {}),
    ];
    const head = [
      r("kubernetes:core/v1:ConfigMap::cm", { data: { a: "2" } }),
      r("kubernetes:core/v1:Namespace::new", {}),
    ];
    const diff = diffPlans(base, head);
    expect(diff.protectedRemoved.map((x) => x.name)).toEqual(["aws:rds/instance:Instance::db"]);
    expect(diff.changed).toEqual([
      {
        urn: "urn:pulumi:s::p::kubernetes:core/v1:ConfigMap::cm",
        type: "kubernetes:core/v1:ConfigMap",
        paths: ["data.a"],
      },
    ]);
    const markdown = diffMarkdown(diff);
    expect(markdown).toContain("**+1 to add · ~1 to change · -2 to remove**");
    expect(markdown.indexOf("Protected resources that would be removed")).toBeLessThan(
      markdown.indexOf("#### Removed"),
    );
    expect(markdown.indexOf("#### Removed")).toBeLessThan(markdown.indexOf("#### Changed"));
  });

  it("reports a change of protection as a change", () => {
    const diff = diffPlans([r("aws:kms/key:Key::k", {}, true)], [r("aws:kms/key:Key::k", {}, false)]);
    expect(diff.changed[0].paths).toEqual(["(protect)"]);
  });

  it("lists the consumers of a regenerated secret, whose redacted inputs look unchanged", () => {
    const password = (generation: string) =>
      r("random:index/randomPassword:RandomPassword::db-password", { keepers: { generation } });
    const consumer = {
      ...r("kubernetes:core/v1:Secret::ops", { stringData: { password: "[secret]" } }),
      dependsOn: [password("1").urn],
    };
    const bystander = {
      ...r("kubernetes:core/v1:ConfigMap::cm", { data: { a: "1" } }),
      dependsOn: [password("1").urn],
    };
    const diff = diffPlans([password("1"), consumer, bystander], [password("2"), consumer, bystander]);
    expect(diff.changed.map((c) => [c.urn.split("::").pop(), c.paths])).toEqual([
      ["db-password", ["keepers.generation"]],
      ["ops", ["(secret input from db-password)"]],
    ]);
    expect(diff.unchanged).toBe(1);
  });

  it("lists a resource with secret inputs that now reads another resource (a restored instance's endpoint)", () => {
    const secret = (deps: string[]) => ({
      ...r("aws:secretsmanager/secretVersion:SecretVersion::master", { secretString: "[secret]" }),
      dependsOn: deps,
    });
    const diff = diffPlans(
      [secret(["urn:pulumi:s::p::aws:rds/instance:Instance::old"])],
      [secret(["urn:pulumi:s::p::aws:rds/instance:Instance::restored"])],
    );
    expect(diff.changed.map((c) => c.paths)).toEqual([["(secret input from restored)"]]);
  });
});
