import * as pulumi from "@pulumi/pulumi";
import type { TenantConfig } from "../../stacks/config";
import { tenantNamespaceName } from "../kubernetes/labels";

export interface TenantArgs {
  /** The tenant's validated entry from `platform:tenants`. */
  tenant: TenantConfig;
}

/**
 * One tenant of the platform. Its component URN is the tenant's identity in state: every tenant-scoped resource
 * is created as its child, so a preview groups them under it and `pulumi state move` can move a tenant whole.
 */
export class Tenant extends pulumi.ComponentResource {
  readonly tenantId: string;
  readonly tier: string;
  readonly state: string;
  /** Kubernetes namespace of the tenant's workloads (`tenant-<id>`). */
  readonly namespaceName: string;

  constructor(name: string, args: TenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:tenant:Tenant", name, {}, opts);
    const { tenant } = args;
    this.tenantId = tenant.id;
    this.tier = tenant.tier;
    this.state = tenant.state;
    this.namespaceName = tenantNamespaceName(tenant.id);
    this.registerOutputs({ id: tenant.id, name: tenant.name, tier: tenant.tier, state: tenant.state, namespace: this.namespaceName });
  }
}
