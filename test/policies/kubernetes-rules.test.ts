import { describe, expect, it } from "vitest";
import { imageTagProblem, kubernetesPolicies } from "../../policies/rules/kubernetes";
import { kubernetesStackPolicies } from "../../policies/rules/kubernetes-stack";
import type { RecordedResource } from "@platform/offline-plan";
import { Transform, edit, k8s, urnOf, violation, violationsOf, without } from "./fixtures";

const POLICIES = [...kubernetesPolicies, ...kubernetesStackPolicies];
const labels = (name: string, component: string, extra: Record<string, string> = {}) => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/instance": name,
  "app.kubernetes.io/component": component,
  "app.kubernetes.io/part-of": "platform",
  "app.kubernetes.io/managed-by": "pulumi",
  ...extra,
});
const podLabels = { "app.kubernetes.io/name": "worker", "app.kubernetes.io/instance": "default" };
const container = (name: string) => ({
  name,
  image: "ghcr.io/acme/worker:1.4.2",
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  readinessProbe: { httpGet: { path: "/readyz", port: 8080 } },
  livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
  securityContext: { allowPrivilegeEscalation: false },
});

/** A worker pool (Deployment, HPA, PDB), a CronJob and a tenant namespace with its guardrails: all rules pass. */
const healthy = (): RecordedResource[] => [
  k8s(
    "kubernetes:apps/v1:Deployment",
    "worker-default",
    "platform",
    {
      spec: {
        selector: { matchLabels: podLabels },
        template: {
          metadata: { labels: { ...podLabels, "app.kubernetes.io/component": "worker" } },
          spec: { securityContext: { runAsNonRoot: true, runAsUser: 10001 }, containers: [container("worker")] },
        },
      },
    },
    labels("worker", "worker"),
  ),
  k8s(
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "worker-default",
    "platform",
    {
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "worker-default" },
        minReplicas: 3,
        maxReplicas: 12,
      },
    },
    labels("worker", "autoscaler"),
  ),
  k8s(
    "kubernetes:policy/v1:PodDisruptionBudget",
    "worker-default",
    "platform",
    { spec: { maxUnavailable: 1, selector: { matchLabels: podLabels } } },
    labels("worker", "disruption-budget"),
  ),
  k8s(
    "kubernetes:batch/v1:CronJob",
    "reconcile",
    "platform",
    {
      spec: {
        schedule: "*/10 * * * *",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 300,
        jobTemplate: {
          spec: {
            activeDeadlineSeconds: 3600,
            template: {
              spec: {
                securityContext: { runAsNonRoot: true },
                restartPolicy: "Never",
                containers: [{ ...container("reconcile"), readinessProbe: undefined, livenessProbe: undefined }],
              },
            },
          },
        },
      },
    },
    labels("reconcile", "cronjob"),
  ),
  k8s(
    "kubernetes:core/v1:Namespace",
    "tenant-acme",
    undefined,
    {},
    labels("tenant-acme", "namespace", { "platform.io/tenant": "acme" }),
  ),
  k8s(
    "kubernetes:core/v1:ResourceQuota",
    "quota",
    "tenant-acme",
    { spec: { hard: { "requests.cpu": "8" } } },
    labels("tenant-acme", "quota"),
  ),
  k8s(
    "kubernetes:core/v1:LimitRange",
    "limits",
    "tenant-acme",
    { spec: { limits: [{ type: "Container", default: { cpu: "1" } }] } },
    labels("tenant-acme", "limit-range"),
  ),
  k8s(
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "default-deny",
    "tenant-acme",
    { spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    labels("tenant-acme", "network-policy"),
  ),
];

const deployment = urnOf("kubernetes:apps/v1:Deployment", "platform-deployment-worker-default");
const cronJob = urnOf("kubernetes:batch/v1:CronJob", "platform-cronjob-reconcile");
const namespace = urnOf("kubernetes:core/v1:Namespace", "cluster-namespace-tenant-acme");
const worker = (change: (c: Record<string, any>, pod: Record<string, any>) => void): Transform =>
  edit("platform-deployment-worker-default", (i) => change(i.spec.template.spec.containers[0], i.spec.template.spec));
const D = 'Deployment "platform/worker-default" container "worker"';

describe("Kubernetes policies", () => {
  it("pass a worker pool with HPA and PDB, a bounded CronJob and a guarded tenant namespace", async () => {
    expect(await violationsOf(POLICIES, healthy())).toEqual([]);
  });

  const mutations: Array<[string, Transform, string, string]> = [
    [
      "kubernetes-resources",
      worker((c) => delete c.resources.limits),
      deployment,
      `${D} does not set resources.limits.cpu, resources.limits.memory. Fix: set CPU and memory requests and limits (platform:workers.<pool>.resources for worker pools) so the scheduler can place it and a leak cannot starve its neighbours.`,
    ],
    [
      "kubernetes-resources",
      worker((c) => delete c.resources.requests.memory),
      deployment,
      `${D} does not set resources.requests.memory. Fix: set CPU and memory requests and limits (platform:workers.<pool>.resources for worker pools) so the scheduler can place it and a leak cannot starve its neighbours.`,
    ],
    [
      "kubernetes-probes",
      worker((c) => delete c.readinessProbe),
      deployment,
      `${D} has no readinessProbe. Fix: add a readinessProbe (traffic and rollouts wait for it) and a livenessProbe (a hung process is restarted).`,
    ],
    [
      "kubernetes-probes",
      worker((c) => delete c.livenessProbe),
      deployment,
      `${D} has no livenessProbe. Fix: add a readinessProbe (traffic and rollouts wait for it) and a livenessProbe (a hung process is restarted).`,
    ],
    [
      "kubernetes-image-tag",
      worker((c) => (c.image = "ghcr.io/acme/worker:latest")),
      deployment,
      `${D} image "ghcr.io/acme/worker:latest" uses the tag "latest". Fix: pin a version tag or digest (e.g. ghcr.io/acme/worker:1.4.2) so every rollout and rollback is a reviewed change.`,
    ],
    [
      "kubernetes-image-tag",
      worker((c) => (c.image = "ghcr.io/acme/worker")),
      deployment,
      `${D} image "ghcr.io/acme/worker" has no tag (it means latest). Fix: pin a version tag or digest (e.g. ghcr.io/acme/worker:1.4.2) so every rollout and rollback is a reviewed change.`,
    ],
    [
      "kubernetes-non-root",
      worker((_c, pod) => delete pod.securityContext.runAsNonRoot),
      deployment,
      `${D} may run as root (runAsNonRoot is not true). Fix: set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod or the container.`,
    ],
    [
      "kubernetes-non-root",
      worker((c) => (c.securityContext.runAsUser = 0)),
      deployment,
      `${D} may run as root (runAsUser is 0). Fix: set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod or the container.`,
    ],
    [
      "kubernetes-cronjob-limits",
      edit("platform-cronjob-reconcile", (i) => (i.spec.concurrencyPolicy = "Allow")),
      cronJob,
      `CronJob "platform/reconcile" does not set concurrencyPolicy Forbid or Replace (it is Allow). Fix: set them, so a slow run neither piles up behind the next nor runs forever.`,
    ],
    [
      "kubernetes-cronjob-limits",
      edit("platform-cronjob-reconcile", (i) => delete i.spec.startingDeadlineSeconds),
      cronJob,
      `CronJob "platform/reconcile" does not set startingDeadlineSeconds. Fix: set them, so a slow run neither piles up behind the next nor runs forever.`,
    ],
    [
      "kubernetes-cronjob-limits",
      edit("platform-cronjob-reconcile", (i) => delete i.spec.jobTemplate.spec.activeDeadlineSeconds),
      cronJob,
      `CronJob "platform/reconcile" does not set jobTemplate.spec.activeDeadlineSeconds. Fix: set them, so a slow run neither piles up behind the next nor runs forever.`,
    ],
    [
      "kubernetes-worker-autoscaling",
      edit("platform-deployment-worker-default", (i) => (i.spec.replicas = 3)),
      deployment,
      `Deployment "platform/worker-default" sets spec.replicas (3) although it is autoscaled: every \`pulumi up\` resets the replica count the autoscaler chose. Fix: leave spec.replicas unset; the HorizontalPodAutoscaler's minReplicas applies.`,
    ],
    [
      "kubernetes-pod-disruption-budget",
      edit(
        "platform-deployment-worker-default",
        (i) => (i.spec.template.metadata.labels["app.kubernetes.io/instance"] = "reports"),
      ),
      deployment,
      `Deployment "platform/worker-default" has no PodDisruptionBudget selecting its pods. Fix: add a policy/v1 PodDisruptionBudget in namespace "platform" whose selector.matchLabels match its pod template labels, so node drains and upgrades keep it running.`,
    ],
    [
      "kubernetes-tenant-quota",
      without("tenant-acme-resourcequota-quota"),
      namespace,
      `Tenant namespace "tenant-acme" has no ResourceQuota, so one tenant can take capacity from all others. Fix: create a ResourceQuota in it that caps the tenant's total CPU, memory and object counts, sized from the tenant's tier.`,
    ],
    [
      "kubernetes-tenant-quota",
      without("tenant-acme-limitrange-limits"),
      namespace,
      `Tenant namespace "tenant-acme" has no LimitRange, so one tenant can take capacity from all others. Fix: create a LimitRange in it that gives containers default and maximum requests and limits, sized from the tenant's tier.`,
    ],
  ];
  const denyMessage = `Tenant namespace "tenant-acme" has no default-deny NetworkPolicy, so its pods can reach and be reached by every other tenant. Fix: add a NetworkPolicy with podSelector {} and policyTypes ["Ingress", "Egress"] and no allow-all rule, then allow only what the tenant needs (DNS, the platform namespace).`;
  for (const change of [
    without("tenant-acme-networkpolicy-default-deny"),
    edit("tenant-acme-networkpolicy-default-deny", (i) => (i.spec.policyTypes = ["Ingress"])),
    edit("tenant-acme-networkpolicy-default-deny", (i) => (i.spec.podSelector = { matchLabels: { app: "web" } })),
    edit("tenant-acme-networkpolicy-default-deny", (i) => (i.spec.ingress = [{}])),
  ]) {
    mutations.push(["kubernetes-tenant-default-deny", change, namespace, denyMessage]);
  }

  it.each(mutations)("%s fails (mutation %#), with the exact message", async (policy, transform, urn, message) => {
    expect(await violationsOf(POLICIES, transform(healthy()))).toEqual([violation(policy, urn, message)]);
  });

  it("kubernetes-worker-autoscaling fails a worker Deployment without a HorizontalPodAutoscaler", async () => {
    const unscaled = without("platform-horizontalpodautoscaler-worker-default")(healthy());
    expect(await violationsOf(POLICIES, unscaled)).toEqual([
      violation(
        "kubernetes-worker-autoscaling",
        deployment,
        `Worker Deployment "platform/worker-default" has no HorizontalPodAutoscaler targeting it. Fix: add an autoscaling/v2 HorizontalPodAutoscaler in its namespace with scaleTargetRef { kind: "Deployment", name: "worker-default" } (platform:workers.<pool>.minReplicas/maxReplicas).`,
      ),
    ]);
  });

  it("kubernetes-worker-autoscaling accepts a paused pool (0 replicas, no HPA) but not a paused pool that kept its HPA", async () => {
    const paused = edit(
      "platform-deployment-worker-default",
      (i) => (i.spec.replicas = 0),
    )(without("platform-horizontalpodautoscaler-worker-default")(healthy()));
    expect(await violationsOf(POLICIES, paused)).toEqual([]);
    const pausedWithHpa = edit("platform-deployment-worker-default", (i) => (i.spec.replicas = 0))(healthy());
    expect((await violationsOf(POLICIES, pausedWithHpa)).map((v) => v.message.split(":")[0])).toEqual([
      'Deployment "platform/worker-default" sets spec.replicas (0) although it is autoscaled',
    ]);
  });

  it("checks init containers and CronJob pods too, but asks probes of long-running pods only", async () => {
    const withInit = worker(
      (_c, pod) =>
        (pod.initContainers = [
          {
            ...container("migrate"),
            image: "ghcr.io/acme/worker",
            readinessProbe: undefined,
            livenessProbe: undefined,
          },
        ]),
    )(healthy());
    expect((await violationsOf(POLICIES, withInit)).map((v) => v.message.split(". Fix")[0])).toEqual([
      'Deployment "platform/worker-default" init container "migrate" image "ghcr.io/acme/worker" has no tag (it means latest)',
    ]);
    const rootCron = edit(
      "platform-cronjob-reconcile",
      (i) => (i.spec.jobTemplate.spec.template.spec.securityContext = {}),
    )(healthy());
    expect((await violationsOf(POLICIES, rootCron)).map((v) => v.policy)).toEqual(["kubernetes-non-root"]);
  });

  it("leaves non-worker Deployments without an HPA alone, but still wants their PDB", async () => {
    const other = edit("platform-deployment-worker-default", (i, r) => {
      i.metadata.labels = labels("pgbouncer", "connection-pooler");
      r.name = "platform-deployment-pgbouncer";
    })(without("platform-horizontalpodautoscaler-worker-default")(healthy()));
    expect(await violationsOf(POLICIES, other)).toEqual([]);
  });

  it("reads image references with registries, ports and digests", () => {
    expect(imageTagProblem("localhost:5000/worker")).toBe("has no tag (it means latest)");
    expect(imageTagProblem("localhost:5000/worker:2.0")).toBeUndefined();
    expect(imageTagProblem(`ghcr.io/acme/worker@sha256:${"a".repeat(64)}`)).toBeUndefined();
    expect(imageTagProblem("postgres:latest")).toBe('uses the tag "latest"');
  });
});
