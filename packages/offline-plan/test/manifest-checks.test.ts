import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ManifestChecks } from "../src/manifest-checks";
import { resource } from "./fixtures";

const recorded = [
  resource("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "apps" } }),
  resource("aws:s3/bucket:Bucket", "bucket", { bucket: "b" }),
  resource("kubernetes:apps/v1:Deployment", "bad", {
    metadata: { name: "worker", namespace: "apps" },
    spec: {
      selector: { matchLabels: { a: "b" } },
      template: { spec: { containers: [{ name: "w", image: "i:1", ports: [{ containerPort: "http" }] }] } },
    },
  }),
  resource("kubernetes:example.com/v1:Widget", "widget", { metadata: { name: "w" } }),
  resource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "rules", {
    metadata: { name: "r", namespace: "monitoring" },
    spec: { groups: [{ name: "g", rules: [{ alert: "A", expr: "up == 0" }] }] },
  }),
];

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function check(useWorker: boolean) {
  const outDir = mkdtempSync(join(tmpdir(), "manifest-checks-"));
  dirs.push(outDir);
  const checks = new ManifestChecks(useWorker);
  try {
    recorded.forEach(checks.add);
    const report = await checks.finish(outDir);
    return { outDir, count: checks.manifests.length, report, failure: checks.failure };
  } finally {
    checks.close();
  }
}

describe("the plan's manifest checks (schema validation and manifest files, in a worker)", () => {
  it("reports the same schema errors and unvalidated kinds in the worker as in process, and writes the same files", async () => {
    const [inWorker, inProcess] = [await check(true), await check(false)];
    expect(inWorker.failure).toBeUndefined();
    expect(inProcess.failure).toBe("not requested");
    expect(inWorker.count).toBe(4);
    expect(inWorker.report).toEqual(inProcess.report);
    expect(inWorker.report.errors.map((e) => e.object)).toEqual(["Deployment apps/worker"]);
    expect(inWorker.report.errors[0].message).toContain(
      "spec.template.spec.containers.0.ports.0.containerPort must be integer",
    );
    expect(inWorker.report.unvalidated.map((u) => u.message)).toEqual(["no upstream schema for example.com/v1 Widget"]);
    for (const run of [inWorker, inProcess]) {
      expect(readdirSync(join(run.outDir, "manifests")).sort()).toEqual(["_cluster", "apps", "monitoring"]);
      expect(parse(readFileSync(join(run.outDir, "manifests/apps/deployment-worker.yaml"), "utf8"))).toMatchObject({
        apiVersion: "apps/v1",
        kind: "Deployment",
      });
      expect(parse(readFileSync(join(run.outDir, "prometheus-rules.yaml"), "utf8"))).toEqual({
        groups: [{ name: "g", rules: [{ alert: "A", expr: "up == 0" }] }],
      });
    }
  });

  it("replaces the manifests an earlier plan wrote", async () => {
    const first = await check(true);
    const checks = new ManifestChecks(true);
    try {
      checks.add(recorded[0]);
      await checks.finish(first.outDir);
    } finally {
      checks.close();
    }
    expect(readdirSync(join(first.outDir, "manifests"))).toEqual(["_cluster"]);
  });
});
