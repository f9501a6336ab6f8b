// The one-off Job of a tenant's tier move (docs/tenants.md, "Changing tier"): while the move is at its copy step it
// dumps the tenant's schema from the old home, restores it into the new one and verifies it per table, with the
// backup scripts' conventions (scripts/tenant-move.sh; a step that records failures, a report step that fails the
// Job, a Pushgateway group per tenant), as the operations role through its Secret.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import type { input as Input } from "@pulumi/kubernetes/types";
import { DatabaseAccess, POSTGRES_IMAGE_UID, libpqEnv } from "../jobs/database-access";
import { jobSpec } from "../jobs/scheduled-job";
import { standardLabels } from "../kubernetes/labels";
import { STEP_EPHEMERAL_STORAGE, backupPodVolumes, workVolumeGb } from "./work-volume";

/** The script the move Job runs, mounted from its ConfigMap: the same file the integration test runs. */
export const TENANT_MOVE_SCRIPT = readFileSync(join(__dirname, "scripts", "tenant-move.sh"), "utf8");

export interface TenantMoveJobArgs {
  tenantId: string;
  /** The tenant's role (owner of what is moved) and schema (the same name in both homes). */
  role: string;
  schema: string;
  /** The old home's database and the new home's (`app` or `tenant_<id>`). */
  fromDatabase: pulumi.Input<string>;
  toDatabase: pulumi.Input<string>;
  /** Namespace of the Job: the stack's jobs namespace (the platform namespace; a shard's ops namespace). */
  namespace: pulumi.Input<string>;
  /** The server and the operations role's Secret (a member of every tenant role). */
  database: DatabaseAccess;
  /** Official postgres image whose major version is at least the server's (pg_dump, pg_restore, psql). */
  postgresImage: pulumi.Input<string>;
  /** Official AWS CLI image: the report step (curl to the Pushgateway), as the backup jobs' report steps. */
  awsCliImage: string;
  /** The database's storage ceiling in GiB: sizes the work volume that holds the dump (work-volume.ts). */
  storageCeilingGb: pulumi.Input<number>;
  /** Storage class of the work volume. Defaults to the cluster's default class. */
  workStorageClass?: string;
  /** Pushgateway for the verification record. Defaults to none (the log line only). */
  pushgatewayUrl?: string;
  /** `stack` grouping label of the pushed metrics. Defaults to "unknown". */
  pushgatewayStack?: string;
  /** Suspends the Job (maintenance mode, DR standby). Defaults to false. */
  suspend?: boolean;
  provider: k8s.Provider;
}

/** The Job's object name (one per tenant: one move per tenant at a time). */
export const tenantMoveJobName = (tenantId: string) => `tenant-move-${tenantId}`;

/**
 * The environment of the move's steps, without the login: which tenant, from where to where, and the work directory.
 * Plain names only (no secret): the operations role's password comes from its Secret (`libpqEnv`).
 */
export function tenantMoveEnv(
  args: Pick<TenantMoveJobArgs, "tenantId" | "role" | "schema" | "fromDatabase" | "toDatabase">,
) {
  return {
    MOVE_TENANT: args.tenantId,
    MOVE_ROLE: args.role,
    MOVE_SCHEMA: args.schema,
    MOVE_FROM_DATABASE: args.fromDatabase,
    MOVE_TO_DATABASE: args.toDatabase,
    MOVE_WORK_DIR: "/work",
  };
}

/**
 * The move Job and the ConfigMap holding its script. Not awaited by `pulumi up` (`pulumi.com/skipAwait`: a copy can
 * take hours); kept when finished (no TTL), as the record the switch step's `verified` digest is read from. Runs
 * once: `backoffLimit: 0`, a failed verification is a finding to read, not to retry away.
 */
export function tenantMoveJob(
  name: string,
  args: TenantMoveJobArgs,
  opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
) {
  const labels = {
    ...standardLabels({ name: "tenant-move", instance: args.tenantId, component: "tenant-move" }),
    "platform.io/tenant": args.tenantId,
  };
  const k8sOpts = { ...opts, provider: args.provider };
  const script = new k8s.core.v1.ConfigMap(
    `${name}-script`,
    {
      metadata: { name: `${tenantMoveJobName(args.tenantId)}-script`, namespace: args.namespace, labels },
      data: { "tenant-move.sh": TENANT_MOVE_SCRIPT },
    },
    k8sOpts,
  );
  const env = (values: Record<string, pulumi.Input<string> | undefined>): Input.core.v1.EnvVar[] =>
    Object.entries(values)
      .filter((entry): entry is [string, pulumi.Input<string>] => entry[1] !== undefined)
      .map(([envName, value]) => ({ name: envName, value }));
  const moveEnv = env(tenantMoveEnv(args));
  const mounts = [
    { name: "work", mountPath: "/work" },
    { name: "tmp", mountPath: "/tmp" },
    { name: "scripts", mountPath: "/scripts", readOnly: true },
  ];
  const disk = STEP_EPHEMERAL_STORAGE;
  const step = (
    containerName: string,
    image: pulumi.Input<string>,
    mode: string,
    stepEnv: Input.core.v1.EnvVar[],
    resources: Input.core.v1.ResourceRequirements,
  ): Input.core.v1.Container => ({
    name: containerName,
    image,
    command: ["/bin/bash", "/scripts/tenant-move.sh", mode],
    env: stepEnv,
    resources,
    volumeMounts: mounts,
  });
  const job = new k8s.batch.v1.Job(
    name,
    {
      metadata: {
        name: tenantMoveJobName(args.tenantId),
        namespace: args.namespace,
        labels,
        annotations: { "pulumi.com/skipAwait": "true" },
      },
      spec: {
        ...jobSpec(
          {
            runAsUser: POSTGRES_IMAGE_UID,
            volumes: backupPodVolumes({
              sizeGb: pulumi.output(args.storageCeilingGb).apply((ceiling) => workVolumeGb("backup", ceiling)),
              storageClassName: args.workStorageClass,
              scriptsConfigMap: script.metadata.name,
              labels,
            }),
            activeDeadlineSeconds: 6 * 3600,
            backoffLimit: 0,
            keepFinished: true,
            initContainers: [
              step("copy", args.postgresImage, "copy", [...libpqEnv(args.database), ...moveEnv], {
                requests: { cpu: "500m", memory: "1Gi", "ephemeral-storage": disk.request },
                limits: { cpu: "2", memory: "4Gi", "ephemeral-storage": disk.limit },
              }),
            ],
            containers: [
              step(
                "report",
                args.awsCliImage,
                "report",
                [
                  ...moveEnv,
                  ...env({
                    HOME: "/tmp",
                    PUSHGATEWAY_URL: args.pushgatewayUrl,
                    PUSHGATEWAY_STACK: args.pushgatewayStack,
                  }),
                ],
                {
                  requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": disk.request },
                  limits: { cpu: "1", memory: "1Gi", "ephemeral-storage": disk.limit },
                },
              ),
            ],
          },
          labels,
        ),
        suspend: args.suspend ?? false,
      },
    },
    k8sOpts,
  );
  return { job, jobName: job.metadata.name };
}
