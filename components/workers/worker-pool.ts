import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import type { WorkerPoolConfig } from "../../config";
import { standardLabels } from "../kubernetes/labels";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../kubernetes/pod-security";

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
   * Stops the pool: the Deployment is set to 0 replicas and the HPA is removed (an HPA cannot hold a pool at 0).
   * For maintenance mode and suspended tenants. Defaults to false.
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
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
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

    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      { metadata: metadata("worker"), spec: workerDeploymentSpec(args) },
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
