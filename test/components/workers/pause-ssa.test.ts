// Pausing a pool against the real acceptors: the Kubernetes API server's server-side apply (field ownership of
// `.spec.replicas`), pulumi-kubernetes' choice to force a conflict, and the HPA controller's handling of a target
// at 0. Emulated here (no cluster can run), each rule taken from its source and cited below.
import { beforeAll, describe, expect, it } from "vitest";
import { workerPoolSchema } from "../../../config/workloads";
import {
  PATCH_FORCE_ANNOTATION,
  pausedDeploymentAnnotations,
  workerDeploymentSpec,
} from "../../../components/workers/worker-pool";
import { Finders, renderStack } from "../../helpers/render";
import * as stacks from "../../fixtures/stacks";
import type { RenderResult } from "@platform/offline-plan";

type Obj = Record<string, any>;
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const PULUMI = "pulumi-kubernetes";
const HPA_CONTROLLER = "kube-controller-manager";

/**
 * pulumi-kubernetes' decision to force (pulumi/pulumi-kubernetes provider/pkg/await/await.go, `patchForce`, as
 * `ssaUpdate` calls it for a real update of an object applied before): true when the inputs carry the annotation
 * `pulumi.com/patchForce: "true"` (`metadata.IsAnnotationTrue`) or the provider sets `enablePatchForce`; the other
 * branches only apply to previews and to objects without managedFields. Our provider never sets enablePatchForce.
 */
function pulumiForces(inputs: { metadata: Obj }): boolean {
  return inputs.metadata.annotations?.[PATCH_FORCE_ANNOTATION] === "true";
}

/**
 * Server-side apply of `.spec.replicas` alone (Kubernetes docs, "Server-Side Apply": conflicts): applying a value
 * that differs from the live one while another manager owns the field is a conflict unless forced; forcing moves
 * ownership to the applier. A manager that stops applying a field it owned alone gives it up and the field is reset
 * (Deployment `.spec.replicas` defaults to 1). A write through the `scale` subresource makes its writer the owner.
 */
class ReplicasField {
  value = 1;
  owners = new Set<string>();
  apply(manager: string, inputs: { metadata: Obj; spec: Obj }, force: boolean): void {
    const wanted = inputs.spec.replicas as number | undefined;
    if (wanted === undefined) {
      if (this.owners.delete(manager) && this.owners.size === 0) this.value = 1;
      return;
    }
    const others = [...this.owners].filter((o) => o !== manager);
    if (wanted !== this.value && others.length > 0 && !force)
      throw new Error(
        `Apply failed with 1 conflict: conflict with "${others[0]}" with subresource "scale": .spec.replicas`,
      );
    if (wanted !== this.value || force) this.owners = new Set([manager]);
    else this.owners.add(manager);
    this.value = wanted;
  }
  scale(manager: string, replicas: number): void {
    this.value = replicas;
    this.owners = new Set([manager]);
  }
}

/**
 * The HPA controller's step (kubernetes/kubernetes pkg/controller/podautoscaler/horizontal.go, reconcileAutoscaler):
 * "if scale.Spec.Replicas == 0 && minReplicas != 0" autoscaling is disabled and nothing is written; otherwise it
 * rescales into [minReplicas, maxReplicas] through the scale subresource.
 */
function hpaReconcile(field: ReplicasField, minReplicas: number, maxReplicas: number): void {
  if (field.value === 0 && minReplicas !== 0) return;
  const desired = Math.min(Math.max(field.value, minReplicas), maxReplicas);
  if (desired !== field.value) field.scale(HPA_CONTROLLER, desired);
}

const pool = workerPoolSchema.parse({ image: "ghcr.io/acme/worker:1.0.0", minReplicas: 3, maxReplicas: 12 });
const deploymentInputs = (paused: boolean) => {
  const annotations = pausedDeploymentAnnotations(paused);
  return {
    metadata: { name: "worker-default", ...(annotations ? { annotations } : {}) },
    spec: workerDeploymentSpec({ pool, objectName: "worker-default", paused }) as Obj,
  };
};

describe("pausing a pool the HPA scaled (server-side apply of .spec.replicas)", () => {
  it("running → paused → running applies cleanly, and the HPA takes the pool back to minReplicas", () => {
    const field = new ReplicasField();
    const running = deploymentInputs(false);
    field.apply(PULUMI, running, pulumiForces(running));
    hpaReconcile(field, 3, 12);
    expect([field.value, [...field.owners]]).toEqual([3, [HPA_CONTROLLER]]);

    const paused = deploymentInputs(true);
    expect(() => field.apply(PULUMI, paused, pulumiForces(paused))).not.toThrow();
    expect([field.value, [...field.owners]]).toEqual([0, [PULUMI]]);
    // The HPA still exists until Pulumi deletes it (deletes run last): it must leave a target at 0 alone.
    hpaReconcile(field, 3, 12);
    expect(field.value).toBe(0);

    const resumed = deploymentInputs(false);
    field.apply(PULUMI, resumed, pulumiForces(resumed));
    expect([field.value, field.owners.size]).toEqual([1, 0]);
    hpaReconcile(field, 3, 12);
    expect([field.value, [...field.owners]]).toEqual([3, [HPA_CONTROLLER]]);
  });

  it("without the annotation the same pause is the conflict of pulumi/pulumi-kubernetes#2491", () => {
    const field = new ReplicasField();
    field.apply(PULUMI, deploymentInputs(false), false);
    hpaReconcile(field, 3, 12);
    const pausedWithoutForce = { ...deploymentInputs(true), metadata: { name: "worker-default" } };
    expect(() => field.apply(PULUMI, pausedWithoutForce, pulumiForces(pausedWithoutForce))).toThrow(
      /conflict with "kube-controller-manager" with subresource "scale": \.spec\.replicas/,
    );
  });

  it("a running pool never forces: nothing the autoscaler chose is overwritten", () => {
    expect(pausedDeploymentAnnotations(false)).toBeUndefined();
    expect(deploymentInputs(false).spec).not.toHaveProperty("replicas");
  });
});

describe("paused pools in the rendered prod stack (maintenance)", () => {
  let paused: RenderResult & Finders;
  let running: RenderResult & Finders;
  beforeAll(async () => {
    const config = stacks.production();
    config["platform:maintenance"] = { enabled: true, reason: "PostgreSQL 17 upgrade (CHG-1234)" };
    [paused, running] = await Promise.all([
      renderStack(config, { stack: "prod" }),
      renderStack(stacks.production(), { stack: "prod" }),
    ]);
  });

  /** `namespace/name` of the Deployments an HPA of `stack` scales. */
  const hpaTargets = (stack: Finders) =>
    new Set(
      stack
        .ofType(HPA)
        .map((h) => `${(h.inputs as Obj).metadata.namespace}/${(h.inputs as Obj).spec.scaleTargetRef.name}`),
    );
  const key = (d: { inputs: unknown }) => `${(d.inputs as Obj).metadata.namespace}/${(d.inputs as Obj).metadata.name}`;

  // The rule is about the pools an HPA scales (the field both managers write, pulumi/pulumi-kubernetes#2491): such a
  // Deployment sets no spec.replicas while running, and 0 with patchForce, its HPA gone, while paused. A Deployment
  // no HPA scales (the single-replica exporters) owns its spec.replicas alone: nothing to conflict with, nothing to force.
  it("every pool an HPA scales while running is paused: spec.replicas 0, patchForce, and no HPA targets it", () => {
    const pools = running.ofType(DEPLOYMENT).filter((d) => hpaTargets(running).has(key(d)));
    expect(pools.map((d) => d.name).sort()).toEqual([
      "tenant-acme-workers-deployment",
      "workers-default-deployment",
      "workers-reports-deployment",
    ]);
    const pausedTargets = hpaTargets(paused);
    for (const pool of pools) {
      const inputs = paused.find(DEPLOYMENT, pool.name).inputs as Obj;
      expect(inputs.spec.replicas, pool.name).toBe(0);
      expect(inputs.metadata.annotations?.[PATCH_FORCE_ANNOTATION], pool.name).toBe("true");
      expect(pausedTargets.has(key(pool)), pool.name).toBe(false);
    }
  });

  it("no Deployment an HPA targets sets spec.replicas; patchForce only on paused pools, at 0", () => {
    for (const [stack, targets] of [
      [paused, hpaTargets(paused)],
      [running, hpaTargets(running)],
    ] as const)
      for (const d of stack.ofType(DEPLOYMENT)) {
        const inputs = d.inputs as Obj;
        if (targets.has(key(d))) expect(inputs.spec, d.name).not.toHaveProperty("replicas");
        if (inputs.metadata.annotations?.[PATCH_FORCE_ANNOTATION] !== undefined)
          expect([stack === paused, inputs.spec.replicas], d.name).toEqual([true, 0]);
      }
  });

  it("running pools carry no patchForce and no spec.replicas; maintenance leaves the exporters running as they were", () => {
    const targets = hpaTargets(running);
    for (const d of running.ofType(DEPLOYMENT)) {
      const inputs = d.inputs as Obj;
      expect(inputs.metadata.annotations?.[PATCH_FORCE_ANNOTATION], d.name).toBeUndefined();
      if (targets.has(key(d))) expect(inputs.spec, d.name).not.toHaveProperty("replicas");
      else expect(paused.find(DEPLOYMENT, d.name).inputs, d.name).toEqual(inputs);
    }
  });
});
