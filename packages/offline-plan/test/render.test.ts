import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
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
  it("answers data sources and computed outputs the caller mocks", async () => {
    const { resources } = await renderProgram(
      async () => {
        const vpc = await aws.ec2.getVpc({ default: true });
        const zone = new aws.route53.Zone("zone", { name: "example.com" });
        new k8s.core.v1.ConfigMap("net", {
          metadata: { name: "net" },
          data: { vpc: vpc.id, zone: zone.zoneId },
        });
      },
      {
        ...options,
        mocks: {
          calls: { "aws:ec2/getVpc:getVpc": (_args, region) => ({ id: `vpc-in-${region}`, cidrBlock: "10.0.0.0/16" }) },
          outputs: {
            "aws:route53/zone:Zone": (name) => ({ id: `Z${name.toUpperCase()}`, outputs: { zoneId: "Z123" } }),
          },
        },
      },
    );
    expect(resources.find((r) => r.name === "net")!.inputs.data).toEqual({ vpc: "vpc-in-us-east-1", zone: "Z123" });
  });

  // The engine returns the outputs named in `additionalSecretOutputs` as secrets
  // (https://www.pulumi.com/docs/iac/concepts/options/additionalsecretoutputs/); @pulumi/random's RandomPassword
  // names `result` in its own class options, so a consumer of the password sees a secret.
  it("returns the outputs a resource declares secret as secrets, so their consumers record [secret]", async () => {
    const { resources } = await renderProgram(async () => {
      const password = new random.RandomPassword("pw", { length: 20 });
      new k8s.core.v1.ConfigMap("uses", { metadata: { name: "uses" }, data: { password: password.result } });
    }, options);
    expect(resources.find((r) => r.name === "pw")!.additionalSecretOutputs).toContain("result");
    const consumer = resources.find((r) => r.name === "uses")!;
    expect(consumer.inputs.data).toEqual({ password: "[secret]" });
    expect(consumer.secretPaths).toEqual(["data.password"]);
  });

  it("resolves a StackReference from the referenced stack's outputs, secret ones still secret", async () => {
    const program = async () => {
      const other = new pulumi.StackReference("other", { name: "org/network/prod" });
      new k8s.core.v1.ConfigMap("ref", {
        metadata: { name: "ref" },
        data: {
          vpc: other.requireOutput("vpcId") as pulumi.Output<string>,
          token: other.requireOutput("token") as pulumi.Output<string>,
        },
      });
      return { seen: other.requireOutput("vpcId") };
    };
    const stackReferences = {
      "org/network/prod": { outputs: { vpcId: "vpc-1", token: "s3cr3t" }, secretOutputNames: ["token"] },
    };
    const rendered = await renderProgram(program, { ...options, stackReferences });
    expect(rendered.resources.find((r) => r.name === "ref")!.inputs.data).toEqual({
      vpc: "vpc-1",
      token: "[secret]",
    });
    expect(rendered.outputs).toEqual({ seen: "vpc-1" });
    expect(rendered.stackOutputs).toEqual({ outputs: { seen: "vpc-1" }, secretOutputNames: [] });
    await expect(renderProgram(program, options)).rejects.toThrow(
      /no outputs for the referenced stack org\/network\/prod/,
    );
  });
});
