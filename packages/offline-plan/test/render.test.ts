import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { RenderError, renderProgram } from "../src/render";
import { renderOptions as options } from "./fixtures";

describe("rendering a program under the mock runtime", () => {
  it("records parent, protect, retainOnDelete, dependsOn and provider as the program set them", async () => {
    const { resources } = await renderProgram(async () => {
      const provider = new aws.Provider("p", { region: "us-east-1" });
      const key = new aws.kms.Key("key", { enableKeyRotation: true }, { provider, protect: true });
      new aws.s3.Bucket("bucket", {}, { provider, retainOnDelete: true, dependsOn: [key] });
    }, options);
    const key = resources.find((r) => r.name === "key")!;
    const bucket = resources.find((r) => r.name === "bucket")!;
    expect(key).toMatchObject({ protect: true, retainOnDelete: false, type: "aws:kms/key:Key" });
    expect(key.provider).toBe(resources.find((r) => r.name === "p")!.urn);
    expect(bucket).toMatchObject({ protect: false, retainOnDelete: true, dependsOn: [key.urn] });
    expect(bucket.parent).toMatch(/pulumi:pulumi:Stack::fixture-unit$/);
  });

  it("replaces secret inputs with [secret] and lists their paths; reveals them only on request", async () => {
    const program = async () => {
      new k8s.core.v1.ConfigMap("conn", {
        metadata: { name: "conn" },
        data: { password: pulumi.secret("hunter2") as pulumi.Input<string>, user: "app" },
      });
      new k8s.core.v1.Secret("creds", { metadata: { name: "creds" }, stringData: { password: "hunter2" } });
    };
    const { resources } = await renderProgram(program, options);
    const configMap = resources.find((r) => r.name === "conn")!;
    const secret = resources.find((r) => r.name === "creds")!;
    expect(configMap.inputs.data).toEqual({ password: "[secret]", user: "app" });
    expect(configMap.secretPaths).toEqual(["data.password"]);
    expect(secret.inputs.stringData).toEqual({ password: "[secret]" });
    expect(secret.secretPaths).toEqual(["stringData.password"]);
    expect(JSON.stringify([configMap.inputs, secret.inputs])).not.toContain("hunter2");
    const revealed = (await renderProgram(program, { ...options, revealSecrets: true })).resources.find(
      (r) => r.name === "conn",
    )!;
    expect(revealed.revealedInputs?.data).toEqual({ password: "hunter2", user: "app" });
  });

  it("gives computed outputs a real provider would (endpoints that consumers build on)", async () => {
    const { resources } = await renderProgram(async () => {
      const db = new aws.rds.Instance("db", { instanceClass: "db.t4g.micro", engine: "postgres" });
      new k8s.core.v1.ConfigMap("conn", {
        metadata: { name: "conn" },
        data: { host: db.address, port: db.port.apply(String) },
      });
    }, options);
    const data = resources.find((r) => r.name === "conn")!.inputs.data as Record<string, string>;
    expect(data.host).toMatch(/^db-[0-9a-f]{7}\.c[0-9a-f]{10}\.us-east-1\.rds\.amazonaws\.com$/);
    expect(data.port).toBe("5432");
  });

  it("fails loudly on a data-source call that has no mock", async () => {
    const run = renderProgram(async () => {
      await aws.ec2.getVpc({ default: true });
    }, options);
    await expect(run).rejects.toThrow(/data source aws:ec2\/getVpc:getVpc has no mock/);
  });

  it("rejects with the program's error and what it registered before failing", async () => {
    const error = await renderProgram(async () => {
      new aws.s3.Bucket("first", {});
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error("bad input: replicas must be ≤ 12");
    }, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).message).toBe("bad input: replicas must be ≤ 12");
    expect((error as RenderError).resources.map((r) => r.name)).toEqual(["first"]);
  });
});
