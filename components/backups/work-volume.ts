// Where a backup pod stages its dumps (and, when verifying, the scratch server's data): a volume of its own sized
// from the database's storage ceiling, not the node's root disk. EKS nodes boot with a 20 GiB root volume by default,
// and an emptyDir lives there: a dump larger than what is free evicts the pod (kubelet's ephemeral-storage eviction)
// long before it finishes. A generic ephemeral volume is a PersistentVolumeClaim created with the pod and deleted
// with it (Kubernetes docs, "Ephemeral Volumes": generic ephemeral volumes), provisioned by the storage class.
import * as pulumi from "@pulumi/pulumi";
import type { input as Input } from "@pulumi/kubernetes/types";

/**
 * GiB a pod needs for `kind`, from the storage ceiling of the database (RDS `maxAllocatedStorageGb`, else
 * `allocatedStorageGb`): the dumps of every database (custom format is compressed, but incompressible data dumps at
 * its size) for a backup or an export; for a verification, those dumps and the largest database restored beside them.
 */
export function workVolumeGb(kind: "backup" | "verify", storageCeilingGb: number): number {
  return kind === "verify" ? 2 * storageCeilingGb : storageCeilingGb;
}

/**
 * What each container asks of the node's own disk: its logs and the 1 GiB `/tmp` emptyDir, nothing more (the data
 * goes to the work volume). Requests the scheduler can place on a 20 GiB node; the limit evicts a runaway container
 * before it fills the node.
 */
export const STEP_EPHEMERAL_STORAGE = { request: "256Mi", limit: "2Gi" } as const;

/** The pod's volumes: the work volume (a generic ephemeral volume), `/tmp`, and the scripts' ConfigMap. */
export function backupPodVolumes(args: {
  sizeGb: pulumi.Input<number>;
  /** Storage class of the work volume. Defaults to the cluster's default class. */
  storageClassName?: string;
  scriptsConfigMap: Input.core.v1.ConfigMapVolumeSource["name"];
  labels: Record<string, string>;
}): Input.core.v1.Volume[] {
  return [
    {
      name: "work",
      ephemeral: {
        volumeClaimTemplate: {
          metadata: { labels: args.labels },
          spec: {
            accessModes: ["ReadWriteOnce"],
            ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
            resources: { requests: { storage: pulumi.interpolate`${args.sizeGb}Gi` } },
          },
        },
      },
    },
    { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
    { name: "scripts", configMap: { name: args.scriptsConfigMap, defaultMode: 0o555 } },
  ];
}
