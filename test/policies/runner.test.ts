import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as k8s from "@pulumi/kubernetes/apps/v1";
import { describe, expect, it } from "vitest";
import { runPolicies } from "@platform/offline-plan";
import { resource } from "../helpers/recorded";

const resources = [
  resource("kubernetes:apps/v1:Deployment", "a", {}),
  resource("aws:s3/bucket:Bucket", "b", {}),
  resource("kubernetes:apps/v1:Deployment", "c", {}),
];

describe("the offline policy runner", () => {
  it("hands a typed validation only the resources of its type, and reports each violation on the resource it saw", async () => {
    const seen: string[] = [];
    const policy: ResourceValidationPolicy = {
      name: "no-deployments",
      description: "test",
      validateResource: validateResourceOfType(k8s.Deployment, (_props, args, report) => {
        seen.push(args.name);
        report(`deployment ${args.name}`);
      }),
    };
    const report = await runPolicies([policy], resources, { defaultEnforcementLevel: "mandatory" });
    expect(seen).toEqual(["a", "c"]);
    expect(report.violations.map((v) => [v.urn, v.message])).toEqual([
      [resources[0].urn, "deployment a"],
      [resources[2].urn, "deployment c"],
    ]);
  });

  it("hands an untyped validation every resource, awaits async ones, and keeps each policy's own config", async () => {
    const policy = (name: string): ResourceValidationPolicy => ({
      name,
      description: "test",
      validateResource: async (args, report) => {
        await Promise.resolve();
        report(`${args.name} with ${JSON.stringify(args.getConfig())}`);
      },
    });
    const report = await runPolicies([policy("first"), policy("second")], resources, {
      config: { first: { enforcementLevel: "advisory", limit: 1 }, second: "mandatory" },
    });
    expect(report.violations.map((v) => `${v.policy} ${v.enforcementLevel} ${v.message}`)).toEqual([
      'first advisory a with {"limit":1}',
      'first advisory b with {"limit":1}',
      'first advisory c with {"limit":1}',
      "second mandatory a with {}",
      "second mandatory b with {}",
      "second mandatory c with {}",
    ]);
  });
});
