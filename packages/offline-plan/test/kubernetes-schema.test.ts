import { describe, expect, it } from "vitest";
import { manifestsOf, validateManifests } from "../src/kubernetes";
import { resource as recorded } from "./fixtures";

const resource = (type: string, inputs: Record<string, unknown>) => recorded(type, "x", inputs);

describe("Kubernetes schema validation of rendered objects", () => {
  it("accepts a valid object and names the invalid one with the failing field", () => {
    const manifests = manifestsOf([
      resource("kubernetes:core/v1:Namespace", { metadata: { name: "ok" } }),
      resource("kubernetes:apps/v1:Deployment", {
        metadata: { name: "worker", namespace: "platform" },
        spec: {
          selector: { matchLabels: { a: "b" } },
          template: { spec: { containers: [{ name: "w", image: "i:1", ports: [{ containerPort: "http" }] }] } },
        },
      }),
    ]);
    expect(manifests.map((m) => [m.object.apiVersion, m.object.kind, m.file])).toEqual([
      ["v1", "Namespace", "_cluster/namespace-ok.yaml"],
      ["apps/v1", "Deployment", "platform/deployment-worker.yaml"],
    ]);
    const { errors } = validateManifests(manifests);
    expect(errors).toHaveLength(1);
    expect(errors[0].object).toBe("Deployment platform/worker");
    expect(errors[0].message).toContain("spec.template.spec.containers.0.ports.0.containerPort must be integer");
  });

  it("validates prometheus-operator objects against their CRD schema", () => {
    const manifests = manifestsOf([
      resource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", {
        metadata: { name: "r" },
        spec: { groups: [{ name: "g", rules: "not-a-list" }] },
      }),
    ]);
    expect(validateManifests(manifests).errors[0]?.message).toMatch(/spec\.groups\.0\.rules must be array/);
  });
});
