// Kubernetes rules that join objects: Deployments with their HPA and PDB, tenant namespaces with their guardrails.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { Props, describeObject, labelsOf, ofType, selectorMatches } from "./util";

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
export const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
export const NAMESPACE = "kubernetes:core/v1:Namespace";
export const RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota";
export const LIMIT_RANGE = "kubernetes:core/v1:LimitRange";
export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** The label that marks a tenant's namespace (value: the tenant id). */
export const TENANT_LABEL = "platform.io/tenant";

const namespaceOf = (r: PolicyResource): string | undefined => r.props.metadata?.namespace;
const nameOf = (r: PolicyResource): string => r.props.metadata?.name ?? r.name;
const what = (r: PolicyResource) => describeObject(r.type, r.props, r.name);

/** A Deployment is a worker when its `app.kubernetes.io/component` (or `name`) label is "worker". */
export const isWorkerDeployment = (r: PolicyResource) => {
  const labels = labelsOf(r.props);
  return (
    r.type === DEPLOYMENT &&
    (labels["app.kubernetes.io/component"] === "worker" || labels["app.kubernetes.io/name"] === "worker")
  );
};

const targets = (hpa: PolicyResource, deployment: PolicyResource) => {
  const ref: Props = hpa.props.spec?.scaleTargetRef ?? {};
  return ref.kind === "Deployment" && ref.name === nameOf(deployment) && namespaceOf(hpa) === namespaceOf(deployment);
};

export const kubernetesWorkerAutoscaling: StackValidationPolicy = {
  name: "kubernetes-worker-autoscaling",
  description:
    "Every worker Deployment has a HorizontalPodAutoscaler (unless paused at 0 replicas), and no autoscaled Deployment sets spec.replicas.",
  validateStack: (args, report) => {
    const hpas = ofType(args.resources, HPA);
    for (const deployment of ofType(args.resources, DEPLOYMENT)) {
      const scaled = hpas.some((hpa) => targets(hpa, deployment));
      const replicas = deployment.props.spec?.replicas;
      // A paused pool (maintenance, suspended tenant, stopped standby): 0 replicas and no HPA, which cannot hold 0.
      if (!scaled && replicas === 0) continue;
      if (!scaled && isWorkerDeployment(deployment)) {
        report(
          `Worker ${what(deployment)} has no HorizontalPodAutoscaler targeting it. Fix: add an autoscaling/v2 HorizontalPodAutoscaler in its namespace with scaleTargetRef { kind: "Deployment", name: "${nameOf(deployment)}" } (platform:workers.<pool>.minReplicas/maxReplicas).`,
          deployment.urn,
        );
      }
      if ((scaled || isWorkerDeployment(deployment)) && replicas !== undefined) {
        report(
          `${what(deployment)} sets spec.replicas (${replicas}) although it is autoscaled: every \`pulumi up\` resets the replica count the autoscaler chose. Fix: leave spec.replicas unset; the HorizontalPodAutoscaler's minReplicas applies.`,
          deployment.urn,
        );
      }
    }
  },
};

export const kubernetesPodDisruptionBudget: StackValidationPolicy = {
  name: "kubernetes-pod-disruption-budget",
  description: "Every Deployment has a PodDisruptionBudget selecting its pods.",
  validateStack: (args, report) => {
    const budgets = ofType(args.resources, PDB);
    for (const deployment of ofType(args.resources, DEPLOYMENT)) {
      const podLabels: Record<string, string> = deployment.props.spec?.template?.metadata?.labels ?? {};
      const covered = budgets.some(
        (pdb) =>
          namespaceOf(pdb) === namespaceOf(deployment) &&
          selectorMatches(pdb.props.spec?.selector?.matchLabels, podLabels),
      );
      if (!covered) {
        report(
          `${what(deployment)} has no PodDisruptionBudget selecting its pods. Fix: add a policy/v1 PodDisruptionBudget in namespace "${namespaceOf(deployment) ?? "default"}" whose selector.matchLabels match its pod template labels, so node drains and upgrades keep it running.`,
          deployment.urn,
        );
      }
    }
  },
};

const tenantNamespaces = (resources: readonly PolicyResource[]) =>
  ofType(resources, NAMESPACE).filter((ns) => labelsOf(ns.props)[TENANT_LABEL] !== undefined);
const inNamespace = (resources: readonly PolicyResource[], type: string, namespace: PolicyResource) =>
  ofType(resources, type).filter((r) => namespaceOf(r) === nameOf(namespace));

const QUOTA_KINDS = [
  { type: RESOURCE_QUOTA, kind: "ResourceQuota", why: "caps the tenant's total CPU, memory and object counts" },
  { type: LIMIT_RANGE, kind: "LimitRange", why: "gives containers default and maximum requests and limits" },
];

export const kubernetesTenantQuota: StackValidationPolicy = {
  name: "kubernetes-tenant-quota",
  description: "Every tenant namespace has a ResourceQuota and a LimitRange.",
  validateStack: (args, report) => {
    for (const namespace of tenantNamespaces(args.resources)) {
      for (const { type, kind, why } of QUOTA_KINDS) {
        if (inNamespace(args.resources, type, namespace).length === 0) {
          report(
            `Tenant namespace "${nameOf(namespace)}" has no ${kind}, so one tenant can take capacity from all others. Fix: create a ${kind} in it that ${why}, sized from the tenant's tier.`,
            namespace.urn,
          );
        }
      }
    }
  },
};

/** A NetworkPolicy that selects every pod and isolates both directions, without an allow-everything rule. */
export function isDefaultDeny(policy: PolicyResource): boolean {
  const spec: Props = policy.props.spec ?? {};
  const selector: Props = spec.podSelector ?? {};
  const selectsAll =
    Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  const types: string[] = spec.policyTypes ?? [];
  const allowsAll = [...(spec.ingress ?? []), ...(spec.egress ?? [])].some(
    (rule: Props) => Object.keys(rule ?? {}).length === 0,
  );
  return selectsAll && types.includes("Ingress") && types.includes("Egress") && !allowsAll;
}

export const kubernetesTenantDefaultDeny: StackValidationPolicy = {
  name: "kubernetes-tenant-default-deny",
  description:
    "Every tenant namespace has a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress).",
  validateStack: (args, report) => {
    for (const namespace of tenantNamespaces(args.resources)) {
      if (!inNamespace(args.resources, NETWORK_POLICY, namespace).some(isDefaultDeny)) {
        report(
          `Tenant namespace "${nameOf(namespace)}" has no default-deny NetworkPolicy, so its pods can reach and be reached by every other tenant. Fix: add a NetworkPolicy with podSelector {} and policyTypes ["Ingress", "Egress"] and no allow-all rule, then allow only what the tenant needs (DNS, the platform namespace).`,
          namespace.urn,
        );
      }
    }
  },
};

export const kubernetesStackPolicies = [
  kubernetesWorkerAutoscaling,
  kubernetesPodDisruptionBudget,
  kubernetesTenantQuota,
  kubernetesTenantDefaultDeny,
];
