import * as pulumi from "@pulumi/pulumi";
import * as k8s from "../sdk/kubernetes";
import { cronProblem } from "../../config/common";
import { standardLabels } from "../kubernetes/labels";
import {
  DEFAULT_RUN_AS_USER,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from "../kubernetes/pod-security";
import type { input as Input } from "@pulumi/kubernetes/types";

/** Requests and limits given to a container that declares none. */
export const DEFAULT_JOB_RESOURCES = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};

/** A CronJob name leaves room for the 11 characters Kubernetes appends to name each Job. */
export const MAX_CRONJOB_NAME_LENGTH = 52;

export interface ScheduledJobArgs {
  /** Name of the CronJob (a DNS label of at most 52 characters). */
  objectName: string;
  /** Namespace of the CronJob. */
  namespace: pulumi.Input<string>;
  /** Five-field cron schedule, validated. */
  schedule: string;
  /** Time zone of the schedule. Defaults to "Etc/UTC". */
  timeZone?: string;
  /** Containers of the job's pod (run in parallel). Each is hardened (non-root, read-only root, no capabilities). */
  containers: Input.core.v1.Container[];
  /** Containers run one after another before `containers`. Defaults to none. */
  initContainers?: Input.core.v1.Container[];
  /** Volumes of the pod. Defaults to none. */
  volumes?: Input.core.v1.Volume[];
  /** Service account of the pod; without one no API token is mounted. Defaults to none. */
  serviceAccountName?: pulumi.Input<string>;
  /** UID (and GID, fsGroup) the pod runs as. Defaults to 10001. */
  runAsUser?: number;
  /** Seconds after the scheduled time a missed run may still start. Defaults to 300. */
  startingDeadlineSeconds?: number;
  /** Seconds a run may take before it is killed and failed. Defaults to 3600. */
  activeDeadlineSeconds?: number;
  /** Retries of a failed run. Defaults to 1. */
  backoffLimit?: number;
  /** Finished Jobs kept for inspection. Defaults to 3 successful, 5 failed. */
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  /** Seconds a finished Job (and its pods and logs) is kept. Defaults to 7 days. */
  ttlSecondsAfterFinished?: number;
  /** Suspends the schedule (maintenance mode). Defaults to false. */
  suspend?: boolean;
  /** Extra labels on the CronJob and its pods. Defaults to none. */
  labels?: Record<string, string>;
  /** Kubernetes provider. */
  provider: k8s.Provider;
}

/** Problems with a job's arguments, as messages; empty when the job is valid. */
export function scheduledJobProblems(
  args: Pick<
    ScheduledJobArgs,
    "objectName" | "schedule" | "containers" | "activeDeadlineSeconds" | "startingDeadlineSeconds"
  >,
): string[] {
  const problems: string[] = [];
  const schedule = cronProblem(args.schedule);
  if (schedule) problems.push(`schedule "${args.schedule}": ${schedule}`);
  if (args.objectName.length > MAX_CRONJOB_NAME_LENGTH || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(args.objectName)) {
    problems.push(`name "${args.objectName}" must be a DNS label of at most ${MAX_CRONJOB_NAME_LENGTH} characters`);
  }
  if (args.containers.length === 0) problems.push("needs at least one container");
  if (args.activeDeadlineSeconds !== undefined && args.activeDeadlineSeconds <= 0)
    problems.push("activeDeadlineSeconds must be positive");
  if (args.startingDeadlineSeconds !== undefined && args.startingDeadlineSeconds < 10)
    problems.push("startingDeadlineSeconds must be at least 10 (the controller checks every 10 s)");
  return problems;
}

/** Applies the safe container defaults: hardened security context, resources when none are given, /tmp writable. */
export function hardenContainer(container: Input.core.v1.Container): Input.core.v1.Container {
  return {
    ...container,
    resources: container.resources ?? DEFAULT_JOB_RESOURCES,
    securityContext: restrictedContainerSecurityContext(),
  };
}

/** What a Job's spec is built from: the pod, deadlines, retries and how long the finished Job is kept. */
export type JobSpecArgs = Pick<
  ScheduledJobArgs,
  | "containers"
  | "initContainers"
  | "volumes"
  | "serviceAccountName"
  | "runAsUser"
  | "activeDeadlineSeconds"
  | "backoffLimit"
  | "ttlSecondsAfterFinished"
>;

/**
 * A Job spec with the safe defaults: deadline, bounded retries, a TTL of 7 days, resources, non-root.
 * `keepFinished` drops the TTL: the finished Job stays as the record of a one-off run.
 */
export function jobSpec(
  args: JobSpecArgs & { keepFinished?: boolean },
  labels: Record<string, string>,
): Input.batch.v1.JobSpec {
  return {
    activeDeadlineSeconds: args.activeDeadlineSeconds ?? 3600,
    backoffLimit: args.backoffLimit ?? 1,
    ...(args.keepFinished ? {} : { ttlSecondsAfterFinished: args.ttlSecondsAfterFinished ?? 7 * 24 * 3600 }),
    template: {
      metadata: { labels },
      spec: {
        restartPolicy: "Never",
        ...(args.serviceAccountName
          ? { serviceAccountName: args.serviceAccountName }
          : { automountServiceAccountToken: false }),
        securityContext: restrictedPodSecurityContext(args.runAsUser ?? DEFAULT_RUN_AS_USER),
        ...(args.initContainers ? { initContainers: args.initContainers.map(hardenContainer) } : {}),
        containers: args.containers.map(hardenContainer),
        ...(args.volumes ? { volumes: args.volumes } : {}),
      },
    },
  };
}

/** The CronJob spec with the safe defaults: one run at a time, deadlines, bounded retries, history and TTL. */
export function cronJobSpec(args: Omit<ScheduledJobArgs, "namespace" | "provider">): Input.batch.v1.CronJobSpec {
  const labels = jobLabels(args);
  return {
    schedule: args.schedule,
    timeZone: args.timeZone ?? "Etc/UTC",
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: args.startingDeadlineSeconds ?? 300,
    successfulJobsHistoryLimit: args.successfulJobsHistoryLimit ?? 3,
    failedJobsHistoryLimit: args.failedJobsHistoryLimit ?? 5,
    suspend: args.suspend ?? false,
    jobTemplate: { metadata: { labels }, spec: jobSpec(args, labels) },
  };
}

function jobLabels(args: Pick<ScheduledJobArgs, "objectName" | "labels">) {
  return { ...standardLabels({ name: args.objectName, component: "cronjob" }), ...args.labels };
}

/**
 * A Kubernetes CronJob with safe defaults (`concurrencyPolicy: Forbid`, starting and active deadlines, bounded
 * retries, history limits, TTL, resources, non-root). The schedule is validated before anything is registered.
 */
export class ScheduledJob extends pulumi.ComponentResource {
  readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: ScheduledJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:jobs:ScheduledJob", name, {}, opts);
    const problems = scheduledJobProblems(args);
    if (problems.length > 0)
      throw new pulumi.ResourceError(`scheduled job ${args.objectName}: ${problems.join("; ")}`, this);
    const cronJob = new k8s.batch.v1.CronJob(
      `${name}-cronjob`,
      {
        metadata: { name: args.objectName, namespace: args.namespace, labels: jobLabels(args) },
        spec: cronJobSpec(args),
      },
      { parent: this, provider: args.provider },
    );
    this.cronJobName = cronJob.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName });
  }
}
