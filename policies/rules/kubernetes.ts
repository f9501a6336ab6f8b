import type { ResourceValidationPolicy } from "@pulumi/policy";

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
  description: "Every Kubernetes object carries the app.kubernetes.io/* recommended labels, so ownership and cost can be traced.",
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

export const kubernetesPolicies = [kubernetesRecommendedLabels];
