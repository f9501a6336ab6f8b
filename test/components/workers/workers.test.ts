import { beforeAll, describe, expect, it } from "vitest";
import { workerPoolSchema } from "../../../config/workloads";
import { dedicatedWorkerPool, workerDeploymentSpec, workerHpaSpec } from "../../../components/workers/worker-pool";
import { Finders, renderStack } from "../../helpers/render";
import type { RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

type Obj = Record<string, any>;

describe("worker pools in the prod stack", () => {
  let prod: RenderResult & Finders;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
  });

  it("every configured pool gets a Deployment, an HPA and a PDB in the platform namespace", () => {
    for (const pool of ["default", "reports"]) {
      for (const type of [DEPLOYMENT, HPA, PDB]) {
        const object = prod.find(
          type,
          `workers-${pool}-${type === DEPLOYMENT ? "deployment" : type === HPA ? "hpa" : "pdb"}`,
        ).inputs as Obj;
        expect(object.metadata.name).toBe(`worker-${pool}`);
        expect(object.metadata.namespace).toBe("platform");
        expect(object.metadata.labels["app.kubernetes.io/part-of"]).toBe("platform");
      }
    }
  });

  it("an HPA-managed Deployment sets no spec.replicas (it would reset the autoscaler on every up)", () => {
    // The HPA writes spec.replicas through the scale subresource; a spec.replicas in our inputs takes the field back
    // on every `pulumi up` (Kubernetes docs, "Horizontal Pod Autoscaling": "Migrating Deployments and StatefulSets
    // to horizontal autoscaling" — remove spec.replicas from the manifest). A Deployment no HPA targets (the
    // single-replica exporters) may state its replicas: nothing else writes them.
    const targets = new Set(
      prod.ofType(HPA).map((h) => {
        const inputs = h.inputs as Obj;
        expect(inputs.spec.scaleTargetRef.kind).toBe("Deployment");
        return `${inputs.metadata.namespace}/${inputs.spec.scaleTargetRef.name}`;
      }),
    );
    const scaled = prod.ofType(DEPLOYMENT).filter((d) => {
      const { metadata } = d.inputs as Obj;
      return targets.has(`${metadata.namespace}/${metadata.name}`);
    });
    expect(scaled.map((d) => d.name).sort()).toEqual([
      "tenant-acme-workers-deployment",
      "workers-default-deployment",
      "workers-reports-deployment",
    ]);
    for (const deployment of scaled)
      expect((deployment.inputs as Obj).spec, deployment.name).not.toHaveProperty("replicas");
  });

  it("HPA bounds, CPU target and queue-per-pod target come from config, the queue selected by its labels", () => {
    const hpa = prod.find(HPA, "workers-default-hpa").inputs as Obj;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "worker-default" });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 12]);
    expect(hpa.spec.metrics).toEqual([
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
      {
        type: "External",
        external: {
          metric: { name: "app_queue_depth", selector: { matchLabels: { queue: "default" } } },
          target: { type: "AverageValue", averageValue: "100" },
        },
      },
    ]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    const reports = prod.find(HPA, "workers-reports-hpa").inputs as Obj;
    expect(reports.spec.metrics[1].external.target.averageValue).toBe("20");
    expect(reports.spec.metrics[1].external.metric.selector.matchLabels).toEqual({ queue: "reports" });
  });

  it("rolls out without losing capacity, with probes, limits, non-root, read-only root and zone spread", () => {
    const spec = (prod.find(DEPLOYMENT, "workers-default-deployment").inputs as Obj).spec;
    expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const pod = spec.template.spec;
    const [container] = pod.containers;
    expect(container.image).toBe("ghcr.io/acme/worker:1.4.2");
    expect(container.resources).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "2", memory: "2Gi" },
    });
    expect(container.livenessProbe.httpGet.path).toBe("/healthz");
    expect(container.readinessProbe.httpGet.path).toBe("/readyz");
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
    });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.terminationGracePeriodSeconds).toBe(300);
    expect(pod.topologySpreadConstraints.map((c: Obj) => c.topologyKey)).toContain("topology.kubernetes.io/zone");
    expect(pod.topologySpreadConstraints[0].labelSelector.matchLabels).toEqual(spec.selector.matchLabels);
  });

  it("the PDB allows one voluntary eviction at a time for the pool's pods", () => {
    const pdb = (prod.find(PDB, "workers-default-pdb").inputs as Obj).spec;
    const deployment = (prod.find(DEPLOYMENT, "workers-default-deployment").inputs as Obj).spec;
    expect(pdb.maxUnavailable).toBe(1);
    expect(pdb.selector).toEqual(deployment.selector);
  });

  it("an enterprise tenant with dedicatedWorkers gets its own pool in its namespace, bound to its queue", () => {
    const tenant = prod.ofType("platform:tenant:Tenant").find((t) => t.name === "tenant-acme")!;
    const deployment = prod.find(DEPLOYMENT, "tenant-acme-workers-deployment");
    expect(prod.childrenOf(tenant.urn)).toContainEqual(deployment);
    const inputs = deployment.inputs as Obj;
    expect(inputs.metadata.namespace).toBe("tenant-acme");
    expect(inputs.metadata.labels["platform.io/tenant"]).toBe("acme");
    expect(inputs.spec.template.spec.containers[0].env).toContainEqual({ name: "PLATFORM_TENANT_ID", value: "acme" });
    const hpa = prod.find(HPA, "tenant-acme-workers-hpa").inputs as Obj;
    expect(hpa.spec.metrics[1].external.metric.selector.matchLabels).toEqual({ queue: "default", tenant: "acme" });
    expect(prod.ofType(DEPLOYMENT).filter((d) => d.name.startsWith("tenant-globex"))).toEqual([]);
  });

  it("emergency scale-up (double capacity) is a config diff of minReplicas/maxReplicas", async () => {
    const config = stacks.production() as Obj;
    config["platform:workers"].default.minReplicas *= 2;
    config["platform:workers"].default.maxReplicas *= 2;
    const doubled = await renderStack(config, { stack: "prod" });
    const hpa = doubled.find(HPA, "workers-default-hpa").inputs as Obj;
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([6, 24]);
    expect((doubled.find(DEPLOYMENT, "workers-default-deployment").inputs as Obj).spec).not.toHaveProperty("replicas");
  });
});

describe("worker pool helpers", () => {
  const pool = workerPoolSchema.parse({ image: "ghcr.io/acme/worker:1.0.0" });

  it("a paused pool is held at 0 replicas (no HPA can hold 0)", () => {
    expect(workerDeploymentSpec({ pool, objectName: "worker-x", paused: true }).replicas).toBe(0);
    expect(workerDeploymentSpec({ pool, objectName: "worker-x" })).not.toHaveProperty("replicas");
  });

  it("without a queue metric the HPA scales on CPU only; defaults are the runbooks' 2–10 at 70 %", () => {
    const spec = workerHpaSpec({ pool, objectName: "worker-x" });
    expect([spec.minReplicas, spec.maxReplicas]).toEqual([2, 10]);
    expect(spec.metrics).toEqual([
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
    ]);
  });

  it("a dedicated pool keeps the template's numbers and adds the tenant to env and queue selector", () => {
    const template = workerPoolSchema.parse({
      image: "ghcr.io/acme/worker:1.0.0",
      queue: { metric: "q" },
      env: { A: "1" },
    });
    const dedicated = dedicatedWorkerPool(template, "acme");
    expect(dedicated.env).toEqual({ A: "1", PLATFORM_TENANT_ID: "acme" });
    expect(dedicated.queue).toEqual({ metric: "q", targetPerPod: 100, labels: { tenant: "acme" } });
    expect(template.env).toEqual({ A: "1" });
  });

  it("a suspended tenant's dedicated pool is paused", async () => {
    const config = stacks.production() as Obj;
    config["platform:tenants"][0].state = "suspended";
    const rendered = await renderStack(config, { stack: "prod" });
    expect((rendered.find(DEPLOYMENT, "tenant-acme-workers-deployment").inputs as Obj).spec.replicas).toBe(0);
    expect(rendered.ofType(HPA).map((h) => h.name)).not.toContain("tenant-acme-workers-hpa");
  });
});
