// A tenant's ResourceQuota against its own dedicated worker pool, judged by the Kubernetes rules (no cluster runs
// here): the quota admission charges every non-terminal pod until its deletion grace period has passed
// (kubernetes/kubernetes pkg/quota/v1/evaluator/core/pods.go `QuotaV1Pod`) and refuses a pod that would exceed
// `hard` (403 Forbidden, Kubernetes docs "Resource Quotas"); the Deployment controller keeps at most
// desired + maxSurge pods *active* (terminating pods are not active: controller.FilterActivePods), with a percentage
// maxSurge rounded up (pkg/controller/deployment/util/deployment_util.go `ResolveFenceposts`), and with
// maxUnavailable 0 scales the old set down only by as many new pods as are available (rolling.go).
import { beforeAll, describe, expect, it } from "vitest";
import { cpuMillis, memoryBytes } from "../../../config/quantities";
import { tenantQuota } from "../../../components/tenant";
import { ROLLING_UPDATE, dedicatedWorkerPool, surgePods } from "../../../components/workers/worker-pool";
import type { WorkerPoolConfig } from "../../../config";
import { Finders, renderStack } from "../../helpers/render";
import type { RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

interface Pod {
  cpuLimit: number;
  memoryLimit: number;
  terminating: boolean;
}

/** Whether the quota admission accepts one more pod like `pod` next to the charged ones. */
function admits(hard: Record<string, string>, charged: Pod[], pod: Omit<Pod, "terminating">): boolean {
  const all = [...charged, pod];
  return (
    all.length <= Number(hard.pods) &&
    all.reduce((n, p) => n + p.cpuLimit, 0) <= cpuMillis(hard["limits.cpu"]) &&
    all.reduce((n, p) => n + p.memoryLimit, 0) <= memoryBytes(hard["limits.memory"])
  );
}

/**
 * A rolling update of `replicas` pods (maxUnavailable 0, pods ready at once, grace period longer than the rollout, so
 * replaced pods are still charged when the next surge starts). Returns whether it completed.
 */
function rollout(hard: Record<string, string>, pool: WorkerPoolConfig, replicas: number): boolean {
  const shape = {
    cpuLimit: cpuMillis(pool.resources.limits.cpu),
    memoryLimit: memoryBytes(pool.resources.limits.memory),
  };
  const surge = surgePods(replicas, ROLLING_UPDATE.maxSurge);
  let oldActive = replicas;
  let newActive = 0;
  const terminating: Pod[] = [];
  const charged = () => [
    ...Array.from({ length: oldActive + newActive }, () => ({ ...shape, terminating: false })),
    ...terminating,
  ];
  for (let step = 0; newActive < replicas; step++) {
    if (step > 10 * replicas) return false;
    const room = Math.min(replicas + surge - (oldActive + newActive), replicas - newActive);
    let created = 0;
    while (created < room && admits(hard, charged(), shape)) (newActive++, created++);
    if (created === 0 && room > 0) return false; // the surge pod was refused: the rollout waits forever
    const scaleDown = Math.min(oldActive, oldActive + newActive - replicas);
    oldActive -= scaleDown;
    for (let i = 0; i < scaleDown; i++) terminating.push({ ...shape, terminating: true });
  }
  return true;
}

/** Whether the HPA can reach maxReplicas: every pod up to it is admitted. */
function scalesToMax(hard: Record<string, string>, pool: WorkerPoolConfig): boolean {
  const shape = {
    cpuLimit: cpuMillis(pool.resources.limits.cpu),
    memoryLimit: memoryBytes(pool.resources.limits.memory),
  };
  const pods: Pod[] = [];
  while (pods.length < pool.maxReplicas) {
    if (!admits(hard, pods, shape)) return false;
    pods.push({ ...shape, terminating: false });
  }
  return true;
}

describe("acme's quota and its dedicated pool in the prod stack", () => {
  let prod: RenderResult & Finders;
  let pool: WorkerPoolConfig;
  let hard: Record<string, string>;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
    const deployment = prod.find(DEPLOYMENT, "tenant-acme-workers-deployment").inputs as Obj;
    const hpa = prod.find(HPA, "tenant-acme-workers-hpa").inputs as Obj;
    const container = deployment.spec.template.spec.containers[0];
    // The pool as rendered, not as configured: the test judges what the cluster would receive.
    pool = {
      maxReplicas: hpa.spec.maxReplicas,
      resources: container.resources,
      terminationGracePeriodSeconds: deployment.spec.template.spec.terminationGracePeriodSeconds,
    } as WorkerPoolConfig;
    expect(deployment.spec.strategy.rollingUpdate).toEqual(ROLLING_UPDATE);
    hard = (prod.find(QUOTA, "tenant-acme-quota").inputs as Obj).spec.hard;
  });

  it("lets the HPA reach maxReplicas (12 × 2 CPU) and a rollout at maxReplicas complete", () => {
    expect([pool.maxReplicas, pool.resources.limits.cpu]).toEqual([12, "2"]);
    expect(scalesToMax(hard, pool)).toBe(true);
    expect(rollout(hard, pool, pool.maxReplicas)).toBe(true);
  });

  it("the tier's quota alone deadlocks the same pool: pod 9 refused, rollouts stall", () => {
    const tierOnly = tenantQuota({ tier: "enterprise" });
    expect(tierOnly["limits.cpu"]).toBe("16");
    expect(scalesToMax(tierOnly, pool)).toBe(false);
    expect(rollout(tierOnly, pool, 8)).toBe(false);
  });

  it("keeps the tier's quota for the tenant's own workloads on top of the pool", () => {
    expect(hard).toEqual({
      // 16 CPU / 64Gi / 200 pods of the tier + (12 + 3 surge + 12 terminating) × (500m..2 CPU, 1Gi..2Gi)
      "requests.cpu": "29500m",
      "limits.cpu": "70",
      "requests.memory": "91Gi",
      "limits.memory": "118Gi",
      pods: "227",
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    const globex = (prod.find(QUOTA, "tenant-globex-quota").inputs as Obj).spec.hard;
    expect(globex["limits.cpu"]).toBe("16"); // no dedicated pool: the tier's quota as it was
  });
});

describe("quota helpers", () => {
  it("rounds a percentage surge up, as ResolveFenceposts does", () => {
    expect([1, 4, 5, 12].map((r) => surgePods(r, "25%"))).toEqual([1, 1, 2, 3]);
  });

  it("a pool without a grace period needs no room for terminating pods", () => {
    const template = { image: "x:1", minReplicas: 1, maxReplicas: 4, cpuTargetPercent: 70, port: 8080 } as Obj;
    const pool = dedicatedWorkerPool(
      {
        ...template,
        terminationGracePeriodSeconds: 0,
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        env: {},
      } as unknown as WorkerPoolConfig,
      "acme",
    );
    expect(tenantQuota({ tier: "free" }, pool).pods).toBe(String(10 + 4 + 1));
  });
});
