import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import type { WorkerPoolConfig } from "../../config";
import { standardLabels } from "../kubernetes/labels";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../kubernetes/pod-security";
import { cpuMillis, memoryBytes } from "../../config/quantities";

import type { input as Input } from "@pulumi/kubernetes/types";

export interface WorkerPoolArgs {
  /** The pool's validated entry from `platform:workers` (image, replicas, targets, resources, probes). */
  pool: WorkerPoolConfig;
  /** Name of the Kubernetes objects (Deployment, HPA, PDB), e.g. "worker-default". */
  objectName: string;
  /** Namespace to run the pool in. */
  namespace: pulumi.Input<string>;
  /** Extra labels on every object and pod, e.g. tenant labels. Defaults to none. */
  labels?: Record<string, string>;
  /**
   * Stops the pool: the Deployment is set to 0 replicas (applied with `pulumi.com/patchForce`, see
   * `pausedDeploymentAnnotations`) and the HPA is removed (an HPA cannot hold a pool at 0). For maintenance mode,
   * suspended tenants and a stopped DR standby. Defaults to false.
   */
  paused?: boolean;
  /**
   * Secrets (in the pool's namespace) whose keys become the containers' environment (`envFrom`): the connection
   * Secret (DATABASE_URL, REDIS_URL) and, for a tenant, its connectors. Defaults to none.
   */
  envFromSecrets?: pulumi.Input<string>[];
  /** Service account of the pods (a tenant's `tenant-workload`). Defaults to the namespace's `default`. */
  serviceAccountName?: pulumi.Input<string>;
  /** Annotations of the pod template: a change rolls the pods (e.g. a rotated credential's generation). Defaults to none. */
  podAnnotations?: Record<string, string>;
  /** Kubernetes provider. */
  provider: k8s.Provider;
}

/**
 * The annotation that lets `pulumi up` take `.spec.replicas` back from the autoscaler when a pool is paused.
 *
 * While the HPA runs, kube-controller-manager writes the Deployment's `scale` subresource and so owns
 * `.spec.replicas` in its managedFields; that ownership stays after the HPA is deleted (managedFields change only on
 * writes). pulumi-kubernetes applies server-side and forces a field conflict only when the inputs carry
 * `pulumi.com/patchForce: "true"` or the provider sets `enablePatchForce` (pulumi/pulumi-kubernetes
 * provider/pkg/await/await.go, `patchForce` used by `ssaUpdate`); without it the apply fails with "conflict with
 * kube-controller-manager with subresource scale: .spec.replicas" (pulumi/pulumi-kubernetes#2491). The annotation
 * is set only on the paused Deployment, so a running pool never overrides anything the autoscaler chose. Between
 * the forced apply and the HPA's deletion (Pulumi deletes last) the HPA leaves a target at 0 alone: "scaling is
 * disabled since the replica count of the target is zero" (kubernetes/kubernetes
 * pkg/controller/podautoscaler/horizontal.go). On resume the annotation and `replicas` are dropped: Pulumi then owns
 * `.spec.replicas` alone, so leaving it out releases it (the API server defaults it to 1) and the new HPA scales
 * the pool to minReplicas.
 */
export const PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce";

/** Annotations of the pool's Deployment: `pulumi.com/patchForce: "true"` while paused, none otherwise. */
export function pausedDeploymentAnnotations(paused: boolean | undefined): Record<string, string> | undefined {
  return paused ? { [PATCH_FORCE_ANNOTATION]: "true" } : undefined;
}

/** The pools' rollout: never below the desired count, a quarter more pods while new ones start. */
export const ROLLING_UPDATE = { maxUnavailable: 0, maxSurge: "25%" } as const;

/**
 * Extra pods a rollout may run at `replicas`: a percentage maxSurge is scaled and rounded up
 * (kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go `ResolveFenceposts`:
 * `intstrutil.GetScaledValueFromIntOrPercent(maxSurge, desired, true)`; maxUnavailable rounds down).
 */
export function surgePods(replicas: number, maxSurge: string | number = ROLLING_UPDATE.maxSurge): number {
  if (typeof maxSurge === "number") return maxSurge;
  return Math.ceil((replicas * Number(maxSurge.replace("%", ""))) / 100);
}

/**
 * What a pool may hold against its namespace's ResourceQuota at worst: the HPA at maxReplicas, a rollout's surge,
 * and, when pods shut down gracefully, the replaced pods still terminating. The quota admission counts a pod until
 * it is terminal or its deletion grace period has passed (kubernetes/kubernetes pkg/quota/v1/evaluator/core/pods.go
 * `QuotaV1Pod`), while the Deployment controller counts only active pods (controller.FilterActivePods) and keeps
 * surging: with `maxUnavailable: 0` and pods ready in seconds but given minutes to stop, up to maxReplicas old pods
 * are still charged while the new set is complete. A pod over quota is refused with 403 Forbidden (Kubernetes docs,
 * "Resource Quotas"), which stalls the rollout and caps the HPA below maxReplicas.
 * CPU in millicores, memory in bytes.
 */
export function poolQuotaFootprint(pool: WorkerPoolConfig) {
  const terminating = pool.terminationGracePeriodSeconds > 0 ? pool.maxReplicas : 0;
  const pods = pool.maxReplicas + surgePods(pool.maxReplicas) + terminating;
  const { requests, limits } = pool.resources;
  return {
    pods,
    requestsCpu: pods * cpuMillis(requests.cpu),
    limitsCpu: pods * cpuMillis(limits.cpu),
    requestsMemory: pods * memoryBytes(requests.memory),
    limitsMemory: pods * memoryBytes(limits.memory),
  };
}

/** Labels that select the pool's pods. Never change them: a Deployment's selector is immutable. */
export function selectorLabels(objectName: string): Record<string, string> {
  return { "app.kubernetes.io/name": "worker", "app.kubernetes.io/instance": objectName };
}

function objectLabels(args: Pick<WorkerPoolArgs, "objectName" | "labels">, component: string) {
  return { ...standardLabels({ name: "worker", instance: args.objectName, component }), ...args.labels };
}

/**
 * The Deployment spec of a worker pool. With an HPA (`paused` false) it sets no `replicas`: the autoscaler owns
 * the count, and a `replicas` field would reset it on every `pulumi up`.
 */
export function workerDeploymentSpec(
  args: Pick<
    WorkerPoolArgs,
    "pool" | "objectName" | "labels" | "paused" | "envFromSecrets" | "serviceAccountName" | "podAnnotations"
  >,
): Input.apps.v1.DeploymentSpec {
  const { pool, objectName } = args;
  const selector = selectorLabels(objectName);
  const env = Object.entries(pool.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  const container: Input.core.v1.Container = {
    name: "worker",
    image: pool.image,
    ...(pool.command ? { command: pool.command } : {}),
    ports: [{ name: "http", containerPort: pool.port }],
    env: [...env, { name: "TMPDIR", value: "/tmp" }],
    ...(args.envFromSecrets?.length ? { envFrom: args.envFromSecrets.map((name) => ({ secretRef: { name } })) } : {}),
    resources: { requests: { ...pool.resources.requests }, limits: { ...pool.resources.limits } },
    livenessProbe: {
      httpGet: { path: pool.livenessPath, port: "http" },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    readinessProbe: {
      httpGet: { path: pool.readinessPath, port: "http" },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
  const spread = (topologyKey: string): Input.core.v1.TopologySpreadConstraint => ({
    topologyKey,
    maxSkew: 1,
    // ScheduleAnyway: a zone outage must not stop the survivors from taking the load.
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: selector },
    matchLabelKeys: ["pod-template-hash"],
  });
  return {
    ...(args.paused ? { replicas: 0 } : {}),
    selector: { matchLabels: selector },
    strategy: { type: "RollingUpdate", rollingUpdate: { ...ROLLING_UPDATE } },
    revisionHistoryLimit: 5,
    template: {
      metadata: {
        labels: { ...objectLabels(args, "worker"), ...selector },
        ...(args.podAnnotations ? { annotations: args.podAnnotations } : {}),
      },
      spec: {
        ...(args.serviceAccountName ? { serviceAccountName: args.serviceAccountName } : {}),
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: pool.terminationGracePeriodSeconds,
        securityContext: restrictedPodSecurityContext(),
        topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
        containers: [container],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }],
      },
    },
  };
}

/**
 * The HPA metrics of a pool: CPU utilisation, plus, when a queue metric is configured, the queue depth per pod as
 * an External metric (the runbooks' "100 queued jobs per pod").
 */
export function workerHpaMetrics(pool: WorkerPoolConfig): Input.autoscaling.v2.MetricSpec[] {
  const metrics: Input.autoscaling.v2.MetricSpec[] = [
    {
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: pool.cpuTargetPercent } },
    },
  ];
  if (pool.queue) {
    const labels = pool.queue.labels ?? {};
    metrics.push({
      type: "External",
      external: {
        metric: {
          name: pool.queue.metric,
          ...(Object.keys(labels).length > 0 ? { selector: { matchLabels: labels } } : {}),
        },
        target: { type: "AverageValue", averageValue: String(pool.queue.targetPerPod) },
      },
    });
  }
  return metrics;
}

/** The HPA spec: bounds from config, fast scale-up, scale-down only after the stabilisation window. */
export function workerHpaSpec(
  args: Pick<WorkerPoolArgs, "pool" | "objectName">,
): Input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  const { pool } = args;
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.objectName },
    minReplicas: pool.minReplicas,
    maxReplicas: pool.maxReplicas,
    metrics: workerHpaMetrics(pool),
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: 100, periodSeconds: 60 },
          { type: "Pods", value: 4, periodSeconds: 60 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: pool.scaleDownStabilizationSeconds,
        selectPolicy: "Min",
        policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
      },
    },
  };
}

/** At most one pod of the pool is voluntarily evicted at a time; crash-looping pods never block a node drain. */
export function workerPdbSpec(objectName: string): Input.policy.v1.PodDisruptionBudgetSpec {
  return {
    maxUnavailable: 1,
    selector: { matchLabels: selectorLabels(objectName) },
    unhealthyPodEvictionPolicy: "AlwaysAllow",
  };
}

/** The pool config of an enterprise tenant's dedicated workers: the template pool, bound to the tenant's queue. */
export function dedicatedWorkerPool(template: WorkerPoolConfig, tenantId: string): WorkerPoolConfig {
  return {
    ...template,
    env: { ...template.env, PLATFORM_TENANT_ID: tenantId },
    queue: template.queue && { ...template.queue, labels: { ...template.queue.labels, tenant: tenantId } },
  };
}

/**
 * A pool of queue workers: a hardened Deployment spread across zones, scaled by an autoscaling/v2 HPA on CPU and
 * queue depth, protected by a PodDisruptionBudget. Scaling is a config change (min/max, targets, resources, tag).
 */
export class WorkerPool extends pulumi.ComponentResource {
  readonly deploymentName: pulumi.Output<string>;
  /** Name of the HPA, or undefined while the pool is paused. */
  readonly hpaName?: pulumi.Output<string>;

  constructor(name: string, args: WorkerPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:workers:WorkerPool", name, {}, opts);
    const { pool, objectName, namespace, provider } = args;
    if (pool.minReplicas > pool.maxReplicas) {
      throw new pulumi.ResourceError(
        `worker pool ${objectName}: minReplicas (${pool.minReplicas}) exceeds maxReplicas (${pool.maxReplicas})`,
        this,
      );
    }
    if (pool.minReplicas < 1 && !args.paused) {
      throw new pulumi.ResourceError(
        `worker pool ${objectName}: minReplicas must be at least 1 (an HPA cannot scale up from 0); use paused to stop a pool`,
        this,
      );
    }
    const childOpts = { parent: this, provider };
    const metadata = (component: string) => ({ name: objectName, namespace, labels: objectLabels(args, component) });

    const annotations = pausedDeploymentAnnotations(args.paused);
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: { ...metadata("worker"), ...(annotations ? { annotations } : {}) },
        spec: workerDeploymentSpec(args),
      },
      childOpts,
    );
    this.deploymentName = deployment.metadata.name;

    if (!args.paused) {
      const hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        { metadata: metadata("autoscaler"), spec: workerHpaSpec(args) },
        { ...childOpts, dependsOn: [deployment] },
      );
      this.hpaName = hpa.metadata.name;
    }
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata: metadata("disruption-budget"), spec: workerPdbSpec(objectName) },
      childOpts,
    );

    this.registerOutputs({ deploymentName: this.deploymentName, hpaName: this.hpaName });
  }
}
