/** The project name every object is part of (`app.kubernetes.io/part-of`). */
export const PART_OF = "platform";

export interface LabelArgs {
  /** `app.kubernetes.io/name`: what the object is (e.g. "worker", "backup"). */
  name: string;
  /** `app.kubernetes.io/instance`: which one (e.g. the pool or tenant). Defaults to `name`. */
  instance?: string;
  /** `app.kubernetes.io/component`: its role in the architecture (e.g. "namespace", "cronjob"). */
  component: string;
}

/** The recommended Kubernetes labels every object of the project carries. */
export function standardLabels(args: LabelArgs): Record<string, string> {
  return {
    "app.kubernetes.io/name": args.name,
    "app.kubernetes.io/instance": args.instance ?? args.name,
    "app.kubernetes.io/component": args.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Labels of objects that belong to one tenant. */
export function tenantLabels(tenantId: string, tier: string): Record<string, string> {
  return { "platform.io/tenant": tenantId, "platform.io/tier": tier };
}

/** The namespace of a tenant's workloads. */
export const tenantNamespaceName = (tenantId: string) => `tenant-${tenantId}`;
