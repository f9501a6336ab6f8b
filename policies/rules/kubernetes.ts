// Kubernetes objects one by one: labels, pod templates (resources, probes, images, users) and CronJobs.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LONG_RUNNING_WORKLOADS, Props, containersOf, describeObject, podSpecOf } from "./util";

/** Labels every Kubernetes object of the platform must carry (Kubernetes' recommended labels). */
export const RECOMMENDED_LABELS = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
] as const;

const KUBERNETES_OBJECT = /^kubernetes:[a-z0-9.-]+\/[a-z0-9]+:[A-Za-z]+$/;

export const kubernetesRecommendedLabels: ResourceValidationPolicy = {
  name: "kubernetes-recommended-labels",
  description:
    "Every Kubernetes object carries the app.kubernetes.io/* recommended labels, so ownership and cost can be traced.",
  validateResource: (args, reportViolation) => {
    if (!KUBERNETES_OBJECT.test(args.type) || args.type.endsWith("List")) return;
    const labels: Record<string, unknown> = args.props?.metadata?.labels ?? {};
    const missing = RECOMMENDED_LABELS.filter((label) => typeof labels[label] !== "string" || labels[label] === "");
    if (missing.length > 0) {
      const kind = args.type.split(":").pop();
      reportViolation(
        `${kind} "${args.props?.metadata?.name ?? args.name}" lacks the labels ${missing.join(", ")}. ` +
          "Fix: build its metadata.labels with standardLabels() from components/kubernetes/labels.ts.",
      );
    }
  },
};

const RESOURCE_FIELDS = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;

export const kubernetesResources: ResourceValidationPolicy = {
  name: "kubernetes-resources",
  description: "Every container sets CPU and memory requests and limits.",
  validateResource: (args, report) => {
    for (const { container, label } of containersOf(podSpecOf(args.type, args.props))) {
      const missing = RESOURCE_FIELDS.filter((field) => {
        const [kind, resource] = field.split(".");
        return container.resources?.[kind]?.[resource] === undefined;
      });
      if (missing.length > 0) {
        report(
          `${describeObject(args.type, args.props, args.name)} ${label} does not set resources.${missing.join(", resources.")}. Fix: set CPU and memory requests and limits (platform:workers.<pool>.resources for worker pools) so the scheduler can place it and a leak cannot starve its neighbours.`,
        );
      }
    }
  },
};

export const kubernetesProbes: ResourceValidationPolicy = {
  name: "kubernetes-probes",
  description: "Containers of Deployments, StatefulSets and DaemonSets have readiness and liveness probes.",
  validateResource: (args, report) => {
    if (!LONG_RUNNING_WORKLOADS.includes(args.type)) return;
    for (const { container, label, init } of containersOf(podSpecOf(args.type, args.props))) {
      const missing = init ? [] : (["readinessProbe", "livenessProbe"] as const).filter((probe) => !container[probe]);
      if (missing.length > 0) {
        report(
          `${describeObject(args.type, args.props, args.name)} ${label} has no ${missing.join(" and no ")}. Fix: add a readinessProbe (traffic and rollouts wait for it) and a livenessProbe (a hung process is restarted).`,
        );
      }
    }
  },
};

/** What is wrong with an image reference's tag, or undefined when it pins a version or a digest. */
export function imageTagProblem(image: string): string | undefined {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const lastSegment = image.split("/").pop() ?? image;
  const tag = lastSegment.includes(":") ? lastSegment.split(":").pop() : undefined;
  if (!tag) return "has no tag (it means latest)";
  return tag === "latest" ? 'uses the tag "latest"' : undefined;
}

export const kubernetesImageTag: ResourceValidationPolicy = {
  name: "kubernetes-image-tag",
  description: 'Every container image pins a version tag or digest: no "latest", no untagged images.',
  validateResource: (args, report) => {
    for (const { container, label } of containersOf(podSpecOf(args.type, args.props))) {
      const problem = imageTagProblem(String(container.image ?? ""));
      if (problem) {
        report(
          `${describeObject(args.type, args.props, args.name)} ${label} image "${container.image}" ${problem}. Fix: pin a version tag or digest (e.g. ghcr.io/acme/worker:1.4.2) so every rollout and rollback is a reviewed change.`,
        );
      }
    }
  },
};

export const kubernetesNonRoot: ResourceValidationPolicy = {
  name: "kubernetes-non-root",
  description: "Containers run as a non-root user (runAsNonRoot, no runAsUser 0).",
  validateResource: (args, report) => {
    const podSpec = podSpecOf(args.type, args.props);
    const pod: Props = podSpec?.securityContext ?? {};
    for (const { container, label } of containersOf(podSpec)) {
      const own: Props = container.securityContext ?? {};
      const runAsNonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
      const runAsUser = own.runAsUser ?? pod.runAsUser;
      const problem =
        runAsUser === 0 ? "runAsUser is 0" : runAsNonRoot !== true ? "runAsNonRoot is not true" : undefined;
      if (problem) {
        report(
          `${describeObject(args.type, args.props, args.name)} ${label} may run as root (${problem}). Fix: set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod or the container.`,
        );
      }
    }
  },
};

export const kubernetesCronJobLimits: ResourceValidationPolicy = {
  name: "kubernetes-cronjob-limits",
  description: "CronJobs forbid or replace overlapping runs and set starting and active deadlines.",
  validateResource: (args, report) => {
    if (args.type !== "kubernetes:batch/v1:CronJob") return;
    const spec: Props = args.props.spec ?? {};
    const missing: string[] = [];
    if (spec.concurrencyPolicy !== "Forbid" && spec.concurrencyPolicy !== "Replace") {
      missing.push(`concurrencyPolicy Forbid or Replace (it is ${spec.concurrencyPolicy ?? "unset, so Allow"})`);
    }
    if (spec.startingDeadlineSeconds === undefined) missing.push("startingDeadlineSeconds");
    if (spec.jobTemplate?.spec?.activeDeadlineSeconds === undefined)
      missing.push("jobTemplate.spec.activeDeadlineSeconds");
    if (missing.length > 0) {
      report(
        `${describeObject(args.type, args.props, args.name)} does not set ${missing.join(", ")}. Fix: set them, so a slow run neither piles up behind the next nor runs forever.`,
      );
    }
  },
};

export const kubernetesPolicies = [
  kubernetesRecommendedLabels,
  kubernetesResources,
  kubernetesProbes,
  kubernetesImageTag,
  kubernetesNonRoot,
  kubernetesCronJobLimits,
];
