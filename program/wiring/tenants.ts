import * as pulumi from "@pulumi/pulumi";
import type * as postgresql from "@pulumi/postgresql";
import type { PlatformConfig } from "../../config";
import type { Providers } from "../providers";
import { tenantLabels, tenantNamespaceName } from "../../components/kubernetes/labels";
import { Tenant } from "../../components/tenant";
import { WorkerPool, dedicatedWorkerPool } from "../../components/workers/worker-pool";

/**
 * What tenants need from the platform's data tier and cluster. A single stack fills it from its own components; a
 * tenant shard from the platform stack's `tenantPlatform` outputs (program/wiring/shard.ts).
 */
export interface TenantPlatformContext {
  /** The PostgreSQL admin connection tenant roles, schemas and databases are created with, and where tenants connect. */
  postgres: {
    provider: postgresql.Provider;
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    applicationDatabase: pulumi.Input<string>;
    adoptFrom?: { applicationDatabase: string };
    /** The operations role and its connection (`Database.roles`): member of every tenant role. */
    operations: { role: pulumi.Input<string>; ownerProvider: postgresql.Provider };
    /** The login of `provider` (the RDS master). */
    adminRole: pulumi.Input<string>;
  };
  /** The platform's ElastiCache RBAC user group tenant users join, its endpoint, and the account-unique user id prefix. */
  redis: {
    userGroupId: pulumi.Input<string>;
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    userIdPrefix: string;
  };
  /** The platform namespace (tenant network policies admit it). */
  platformNamespace: string;
}

/** The stack's tenants on a platform context: one Tenant component each, and the dedicated worker pools under them. */
export function buildTenants(
  config: PlatformConfig,
  context: TenantPlatformContext,
  providers: Pick<Providers, "aws" | "kubernetes">,
  options: {
    /** Build enterprise tenants' dedicated worker pools here. Defaults to true. */ dedicatedWorkers?: boolean;
  } = {},
): Tenant[] {
  const tenantArgs = {
    environment: config.environment,
    postgres: context.postgres,
    redis: {
      provider: providers.aws,
      userGroupId: context.redis.userGroupId,
      host: context.redis.host,
      port: context.redis.port,
      idPrefix: context.redis.userIdPrefix,
      keyPatterns: config.redis.tenantKeyPatterns,
      userTiers: config.redis.tenantUserTiers,
    },
    kubernetes: { provider: providers.kubernetes, platformNamespace: context.platformNamespace },
  };
  const tenants = config.tenants.map((tenant) => new Tenant(`tenant-${tenant.id}`, { tenant, ...tenantArgs }));

  const template = config.workers.default ?? Object.values(config.workers)[0];
  if (options.dedicatedWorkers === false) return tenants;
  config.tenants.forEach((tenant, i) => {
    if (!tenant.dedicatedWorkers || !template || tenant.state === "offboarded" || tenant.state === "deleted") return;
    new WorkerPool(
      `tenant-${tenant.id}-workers`,
      {
        pool: dedicatedWorkerPool(template, tenant.id),
        objectName: "worker",
        namespace: tenants[i].kubernetesNamespace ?? tenantNamespaceName(tenant.id),
        labels: tenantLabels(tenant.id, tenant.tier),
        paused: tenant.state === "suspended",
        envFromSecrets: tenants[i].workload?.envFromSecrets,
        serviceAccountName: tenants[i].workload?.serviceAccountName,
        provider: providers.kubernetes,
      },
      { parent: tenants[i] },
    );
  });
  return tenants;
}

/** Tenants that get per-tenant alert rules: active enterprise tenants. */
export const alertedTenants = (config: Pick<PlatformConfig, "tenants">) =>
  config.tenants.filter((t) => t.tier === "enterprise" && t.state === "active");

/** The `tenants` stack output: per tenant its names in plain text and its URLs as secrets. */
export const tenantOutputs = (tenants: readonly Tenant[]) =>
  Object.fromEntries(tenants.map((t) => [t.tenantId, t.outputs()]));
