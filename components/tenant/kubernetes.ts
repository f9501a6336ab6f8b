import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import type { TenantConfig, WorkerPoolConfig } from "../../config";
import { cpuMillis, formatCpu, formatMemory, memoryBytes } from "../../config/quantities";
import { poolQuotaFootprint } from "../workers/worker-pool";
import type { Environment } from "../../config/common";
import type { EgressRule } from "../../config/egress";
import { TIER_PROFILES, envName } from "../../config/tenants";
import { standardLabels, tenantLabels } from "../kubernetes/labels";
import { tenantNames } from "./lifecycle";
import { LOGIN_ANNOTATIONS } from "../database/platform-connection";

export interface TenantKubernetesArgs {
  /** Kubernetes provider of the cluster. */
  provider: k8s.Provider;
  /** Namespace of the platform's own services, admitted to the tenant's pods (`platform:kubernetes.namespace`). */
  platformNamespace: string;
  /** Namespace of the cluster DNS (CoreDNS / kube-dns pods labelled `k8s-app: kube-dns`). Defaults to `kube-system`. */
  dnsNamespace?: string;
  /** Namespace of Prometheus, admitted to `metricsPort` (`platform:kubernetes.monitoringNamespace`). Defaults to "monitoring". */
  monitoringNamespace?: string;
  /** Port Prometheus scrapes, a number or a container port name (`platform:kubernetes.tenantMetricsPort`). Defaults to "http". */
  metricsPort?: number | string;
  /**
   * The dedicated worker pool that runs in the tenant's namespace (enterprise `dedicatedWorkers`), at full size; its
   * footprint is added to the quota. Defaults to none.
   */
  dedicatedPool?: WorkerPoolConfig;
  /** Extra egress per tier (`platform:kubernetes.tierEgress`); the tenant's own `egress` is added. Defaults to none. */
  tierEgress?: Partial<Record<TenantConfig["tier"], EgressRule[]>>;
}

/**
 * Annotation of the tenant's connection Secret naming the database DATABASE_URL points at (a name, not a secret):
 * a move's switch shows as this annotation changing, where the URL itself shows only as `[secret]`.
 */
export const DATABASE_NAME_ANNOTATION = "platform.io/database-name";

/**
 * The tenant's ResourceQuota `hard` map: its tier's quota with the entry's overrides, for the tenant's own workloads,
 * plus the worst-case footprint of the platform's dedicated worker pool in the namespace (`poolQuotaFootprint`:
 * maxReplicas, rollout surge, pods still terminating), so the pool can always reach maxReplicas and roll out; no
 * LoadBalancer or NodePort.
 */
export function tenantQuota(
  tenant: Pick<TenantConfig, "tier" | "quota">,
  dedicatedPool?: WorkerPoolConfig,
): Record<string, string> {
  const quota = { ...TIER_PROFILES[tenant.tier].quota, ...tenant.quota };
  const pool = dedicatedPool
    ? poolQuotaFootprint(dedicatedPool)
    : { pods: 0, requestsCpu: 0, limitsCpu: 0, requestsMemory: 0, limitsMemory: 0 };
  return {
    "requests.cpu": formatCpu(cpuMillis(quota.cpu) + pool.requestsCpu),
    "limits.cpu": formatCpu(cpuMillis(quota.cpu) + pool.limitsCpu),
    "requests.memory": formatMemory(memoryBytes(quota.memory) + pool.requestsMemory),
    "limits.memory": formatMemory(memoryBytes(quota.memory) + pool.limitsMemory),
    pods: String(quota.pods + pool.pods),
    "services.loadbalancers": "0",
    "services.nodeports": "0",
  };
}

/** A namespace as a NetworkPolicy peer, by the `kubernetes.io/metadata.name` label the API server sets on every namespace. */
const namespacePeer = (name: string) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
});

/** An extra egress allowance as a NetworkPolicy egress rule: no `to` = any destination on those ports. */
export function egressRule(rule: EgressRule) {
  const to = [
    ...(rule.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
    ...(rule.namespace ? [namespacePeer(rule.namespace)] : []),
  ];
  return { ...(to.length > 0 ? { to } : {}), ports: rule.ports.map((p) => ({ protocol: p.protocol, port: p.port })) };
}

/**
 * The spec of the tenant's NetworkPolicy: everything denied except ingress from its own namespace and the platform
 * namespace, Prometheus (the monitoring namespace) on the metrics port only, and egress to its own namespace, the
 * cluster DNS (53), the database and Redis ports, and the extra egress its tier and entry declare. The data tier
 * lives outside the cluster behind DNS names, so those two rules name ports, not addresses; the data tier's security
 * groups admit the cluster only.
 *
 * Semantics (Kubernetes docs, "Network Policies"): a pod selected by a policy of a given type accepts only what some
 * rule of that type allows (rules are ORed); within a rule the `from`/`to` peers are ORed and ANDed with `ports`; a
 * rule without `to` matches every destination; `port` may name a container port.
 */
export function tenantNetworkPolicySpec(args: {
  platformNamespace: string;
  dnsNamespace: string;
  databasePort: pulumi.Input<number>;
  redisPort: pulumi.Input<number>;
  /** Defaults to "monitoring". */
  monitoringNamespace?: string;
  /** Defaults to "http". */
  metricsPort?: number | string;
  /** Defaults to none. */
  extraEgress?: readonly EgressRule[];
}) {
  return {
    podSelector: {},
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      { from: [{ podSelector: {} }] },
      { from: [namespacePeer(args.platformNamespace)] },
      {
        from: [namespacePeer(args.monitoringNamespace ?? "monitoring")],
        ports: [{ protocol: "TCP", port: args.metricsPort ?? "http" }],
      },
    ],
    egress: [
      { to: [{ podSelector: {} }] },
      {
        to: [{ ...namespacePeer(args.dnsNamespace), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
      {
        ports: [
          { protocol: "TCP", port: args.databasePort },
          { protocol: "TCP", port: args.redisPort },
        ],
      },
      ...(args.extraEgress ?? []).map(egressRule),
    ],
  };
}

/**
 * The tenant's namespace `tenant-<id>` (Pod Security "restricted") with a ResourceQuota and LimitRange by tier, a
 * default-deny NetworkPolicy with explicit allows, a ServiceAccount without an API token, and the Secret
 * `tenant-connection` holding DATABASE_URL (and REDIS_URL when the tenant has a Redis user).
 */
export function tenantKubernetes(
  name: string,
  tenant: TenantConfig,
  environment: Environment,
  connection: {
    databaseUrl: pulumi.Output<string>;
    /** The database DATABASE_URL names (plain): shown on the Secret, so a preview shows where the tenant connects. */
    databaseName: pulumi.Input<string>;
    redisUrl?: pulumi.Output<string>;
    databasePort: pulumi.Input<number>;
    redisPort: pulumi.Input<number>;
  },
  args: TenantKubernetesArgs,
  parent: pulumi.Resource,
) {
  const opts = { parent, provider: args.provider };
  const names = tenantNames(tenant.id);
  const labels = (component: string) => ({
    ...standardLabels({ name: "tenant", instance: tenant.id, component }),
    ...tenantLabels(tenant.id, tenant.tier),
  });
  const ns = new k8s.core.v1.Namespace(
    `${name}-namespace`,
    {
      metadata: {
        name: names.namespace,
        labels: {
          ...labels("namespace"),
          "platform.io/environment": environment,
          "platform.io/tenant-state": tenant.state,
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
        },
      },
    },
    opts,
  );
  const namespace = ns.metadata.name;
  const profile = TIER_PROFILES[tenant.tier];
  new k8s.core.v1.ResourceQuota(
    `${name}-quota`,
    {
      metadata: { name: "tenant-quota", namespace, labels: labels("quota") },
      spec: { hard: tenantQuota(tenant, args.dedicatedPool) },
    },
    opts,
  );
  new k8s.core.v1.LimitRange(
    `${name}-limits`,
    {
      metadata: { name: "tenant-defaults", namespace, labels: labels("limit-range") },
      spec: {
        limits: [{ type: "Container", default: profile.containerDefaults, defaultRequest: profile.containerDefaults }],
      },
    },
    opts,
  );
  new k8s.networking.v1.NetworkPolicy(
    `${name}-network-policy`,
    {
      metadata: { name: "default-deny", namespace, labels: labels("network-policy") },
      spec: tenantNetworkPolicySpec({
        platformNamespace: args.platformNamespace,
        dnsNamespace: args.dnsNamespace ?? "kube-system",
        databasePort: connection.databasePort,
        redisPort: connection.redisPort,
        monitoringNamespace: args.monitoringNamespace,
        metricsPort: args.metricsPort,
        extraEgress: [...(args.tierEgress?.[tenant.tier] ?? []), ...(tenant.egress ?? [])],
      }),
    },
    opts,
  );
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${name}-service-account`,
    {
      metadata: { name: "tenant-workload", namespace, labels: labels("service-account") },
      automountServiceAccountToken: false,
    },
    opts,
  );
  // Each value a secret of its own, so the plan still shows which keys the Secret holds; the login names also in
  // plain text as annotations (names are not secrets): a reviewer sees which role the tenant's workloads use.
  const stringData: Record<string, pulumi.Input<string>> = {
    DATABASE_URL: pulumi.secret(connection.databaseUrl),
    DATABASE_USER: names.role,
  };
  if (connection.redisUrl) {
    stringData.REDIS_URL = pulumi.secret(connection.redisUrl);
    stringData.REDIS_USER = names.redisUser;
  }
  const secret = new k8s.core.v1.Secret(
    `${name}-connection`,
    {
      metadata: {
        name: "tenant-connection",
        namespace,
        labels: labels("connection-secret"),
        annotations: {
          [LOGIN_ANNOTATIONS.database]: names.role,
          [DATABASE_NAME_ANNOTATION]: connection.databaseName,
          ...(connection.redisUrl ? { [LOGIN_ANNOTATIONS.redis]: names.redisUser } : {}),
        },
      },
      type: "Opaque",
      stringData,
    },
    opts,
  );
  return { namespace, serviceAccountName: serviceAccount.metadata.name, connectionSecretName: secret.metadata.name };
}

/**
 * The environment a tenant's connectors give its workloads: `<CONNECTOR>_<KEY>` for each key, and while a rotation's
 * grace period runs (`previous.until` still ahead of `now`), `<CONNECTOR>_<KEY>_PREVIOUS` beside the new value and
 * `<CONNECTOR>_PREVIOUS_UNTIL`, so the application can accept both until then. Once the window has passed, the next
 * `pulumi up` drops the previous values.
 */
export function connectorEnvironment(connectors: TenantConfig["connectors"], now: Date): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, connector] of Object.entries(connectors)) {
    const prefix = envName(name);
    for (const [key, value] of Object.entries(connector))
      if (key !== "previous") env[`${prefix}_${envName(key)}`] = value as string;
    const previous = connector.previous;
    if (!previous || Date.parse(previous.until) <= now.getTime()) continue;
    for (const [key, value] of Object.entries(previous))
      if (key !== "until") env[`${prefix}_${envName(key)}_PREVIOUS`] = value;
    env[`${prefix}_PREVIOUS_UNTIL`] = previous.until;
  }
  return env;
}

/** The Secret `tenant-connectors` in the tenant's namespace: every value a secret, the key names in the plan. */
export function tenantConnectorsSecret(
  name: string,
  tenant: TenantConfig,
  namespace: pulumi.Input<string>,
  args: TenantKubernetesArgs,
  parent: pulumi.Resource,
  now = new Date(),
) {
  const env = connectorEnvironment(tenant.connectors, now);
  const secret = new k8s.core.v1.Secret(
    `${name}-connectors`,
    {
      metadata: {
        name: "tenant-connectors",
        namespace,
        labels: {
          ...standardLabels({ name: "tenant", instance: tenant.id, component: "connectors-secret" }),
          ...tenantLabels(tenant.id, tenant.tier),
        },
      },
      type: "Opaque",
      stringData: Object.fromEntries(Object.entries(env).map(([key, value]) => [key, pulumi.secret(value)])),
    },
    { parent, provider: args.provider },
  );
  return secret.metadata.name;
}
