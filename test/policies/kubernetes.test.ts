import { describe, expect, it } from "vitest";
import { kubernetesRecommendedLabels, RECOMMENDED_LABELS } from "../../policies/rules/kubernetes";
import { runPolicies } from "@platform/offline-plan";
import type { RecordedResource } from "@platform/offline-plan";

const labelled = Object.fromEntries(RECOMMENDED_LABELS.map((l) => [l, "x"]));
const deployment = (labels: Record<string, string>): RecordedResource => ({
  urn: "urn:pulumi:s::platform::kubernetes:apps/v1:Deployment::worker",
  type: "kubernetes:apps/v1:Deployment",
  name: "worker",
  custom: true,
  protect: false,
  retainOnDelete: false,
  dependsOn: [],
  inputs: { metadata: { name: "worker", labels } },
  secretPaths: [],
});

describe("policy kubernetes-recommended-labels", () => {
  it("passes an object with every recommended label", async () => {
    const report = await runPolicies([kubernetesRecommendedLabels], [deployment(labelled)], {
      defaultEnforcementLevel: "mandatory",
    });
    expect(report.evaluated).toBe(1);
    expect(report.violations).toEqual([]);
  });

  it.each(RECOMMENDED_LABELS)("fails when %s is missing, saying how to fix it", async (label) => {
    const { [label]: _removed, ...rest } = labelled;
    const report = await runPolicies([kubernetesRecommendedLabels], [deployment(rest)], {
      defaultEnforcementLevel: "mandatory",
    });
    expect(report.violations).toEqual([
      {
        policy: "kubernetes-recommended-labels",
        enforcementLevel: "mandatory",
        urn: "urn:pulumi:s::platform::kubernetes:apps/v1:Deployment::worker",
        message: `Deployment "worker" lacks the labels ${label}. Fix: build its metadata.labels with standardLabels() from components/kubernetes/labels.ts.`,
      },
    ]);
  });

  it("ignores resources that are not Kubernetes objects", async () => {
    const bucket = { ...deployment({}), type: "aws:s3/bucket:Bucket", urn: "urn:b" };
    expect((await runPolicies([kubernetesRecommendedLabels], [bucket])).violations).toEqual([]);
  });

  it("takes the enforcement level from the pack config, as --policy-pack-config does", async () => {
    const report = await runPolicies([kubernetesRecommendedLabels], [deployment({})], {
      defaultEnforcementLevel: "mandatory",
      config: { "kubernetes-recommended-labels": { enforcementLevel: "advisory" } },
    });
    expect(report.violations.map((v) => v.enforcementLevel)).toEqual(["advisory"]);
    const disabled = await runPolicies([kubernetesRecommendedLabels], [deployment({})], {
      config: { all: "disabled" },
    });
    expect(disabled).toMatchObject({ evaluated: 0, violations: [] });
  });
});
