// Deletes the Pushgateway groups of databases a stack no longer backs up. A Job named after the list of databases:
// when the list changes (a tenant's dedicated database goes away), the Job is replaced and runs again.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { standardLabels } from "../kubernetes/labels";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../kubernetes/pod-security";

/** The script the Job runs (shellchecked by the lint, run against an emulated Pushgateway by its test). */
export const PRUNE_SCRIPT = readFileSync(join(__dirname, "scripts", "prune-pushgateway.sh"), "utf8");

/** `job` grouping label of the backup groups (components/backups/scripts/backup.sh). */
export const BACKUP_PUSH_JOB = "platform_backup";

/** UID of the curl user in the curlimages/curl image. */
const CURL_IMAGE_UID = 100;

/** Job name for a list of databases: stable for the same set, new when it changes. */
export function cleanupJobName(stack: string, databases: readonly string[]): string {
  const digest = createHash("sha256")
    .update(`${stack}\n${[...databases].sort().join("\n")}`)
    .digest("hex")
    .slice(0, 10);
  return `pushgateway-cleanup-${digest}`;
}

export interface PushgatewayCleanupArgs {
  namespace: pulumi.Input<string>;
  /** Pushgateway base URL (`platform:backups.pushgatewayUrl`). */
  pushgatewayUrl: string;
  /** The stack's `stack` grouping label (`pulumi.getStack()`). */
  stack: string;
  /** Databases the stack backs up: the groups of every other database of the stack are deleted. */
  databases: readonly string[];
  /** Image with `sh` and `curl` (`platform:monitoring.pushgateway.cleanupImage`). */
  image: string;
  provider: k8s.Provider;
}

export class PushgatewayCleanup extends pulumi.ComponentResource {
  constructor(name: string, args: PushgatewayCleanupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:monitoring:PushgatewayCleanup", name, {}, opts);
    const labels = standardLabels({ name: "pushgateway-cleanup", instance: name, component: "job" });
    new k8s.batch.v1.Job(
      `${name}-job`,
      {
        metadata: { name: cleanupJobName(args.stack, args.databases), namespace: args.namespace, labels },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 300,
          ttlSecondsAfterFinished: 7 * 86400,
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              securityContext: restrictedPodSecurityContext(CURL_IMAGE_UID),
              containers: [
                {
                  name: "cleanup",
                  image: args.image,
                  command: ["/bin/sh", "-c", PRUNE_SCRIPT],
                  env: [
                    { name: "PUSHGATEWAY_URL", value: args.pushgatewayUrl },
                    { name: "PUSHGATEWAY_STACK", value: args.stack },
                    { name: "BACKUP_JOB", value: BACKUP_PUSH_JOB },
                    { name: "EXPECTED_DATABASES", value: [...args.databases].sort().join(" ") },
                  ],
                  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                  securityContext: restrictedContainerSecurityContext(),
                },
              ],
            },
          },
        },
      },
      { parent: this, provider: args.provider },
    );
    this.registerOutputs({});
  }
}
