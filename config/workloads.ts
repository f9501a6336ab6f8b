import { z } from "zod";
import { Environment, cpuQuantity, cronSchedule, dnsLabel, imageReference, memoryQuantity } from "./common";
import { k8sLabelValue, labelKeyProblem, quantityValue } from "./kubernetes-rules";

const resourcesSchema = z
  .strictObject({
    requests: z
      .strictObject({ cpu: cpuQuantity.default("250m"), memory: memoryQuantity.default("512Mi") })
      .default({ cpu: "250m", memory: "512Mi" }),
    limits: z
      .strictObject({ cpu: cpuQuantity.default("1"), memory: memoryQuantity.default("1Gi") })
      .default({ cpu: "1", memory: "1Gi" }),
  })
  .superRefine(({ requests, limits }, ctx) => {
    // kubernetes pkg/apis/core/validation ValidateResourceRequirements: "must be less than or equal to <r> limit".
    for (const resource of ["cpu", "memory"] as const) {
      const [request, limit] = [quantityValue(requests[resource]), quantityValue(limits[resource])];
      if (request !== undefined && limit !== undefined && request > limit)
        ctx.addIssue({
          code: "custom",
          path: ["requests", resource],
          message: `must be less than or equal to the ${resource} limit (${limits[resource]}): the API server refuses a request above its limit`,
        });
    }
  });

export const workerPoolSchema = z.strictObject({
  image: imageReference,
  minReplicas: z.number().int().min(0).max(1000).default(2),
  maxReplicas: z.number().int().min(1).max(1000).default(10),
  cpuTargetPercent: z.number().int().min(1).max(100).default(70),
  queue: z
    .strictObject({
      metric: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "a Prometheus metric name"),
      targetPerPod: z.number().int().min(1).default(100),
      /** Label matchers selecting this pool's queue in the metric (e.g. `{ queue: reports }`). Defaults to none. */
      // They become the HPA's External metric selector (matchLabels): Kubernetes label keys and values, and the
      // adapter matches them as Prometheus labels, so keys must be both.
      labels: z
        .record(
          z
            .string()
            .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "a Prometheus label name")
            .refine(
              (key) => labelKeyProblem(key) === undefined,
              "a Kubernetes label key: starts with a letter or digit",
            ),
          k8sLabelValue,
        )
        .optional(),
    })
    .optional(),
  command: z.array(z.string()).optional(),
  port: z.number().int().min(1).max(65535).default(8080),
  livenessPath: z.string().startsWith("/").default("/healthz"),
  readinessPath: z.string().startsWith("/").default("/readyz"),
  terminationGracePeriodSeconds: z.number().int().min(0).max(86400).default(300),
  scaleDownStabilizationSeconds: z.number().int().min(0).max(3600).default(300),
  resources: resourcesSchema.default({
    requests: { cpu: "250m", memory: "512Mi" },
    limits: { cpu: "1", memory: "1Gi" },
  }),
  env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name"), z.string()).default({}),
});

export const workersSchema = z.record(dnsLabel(1, 40, "a worker pool name"), workerPoolSchema);

const jobSchema = z.strictObject({
  enabled: z.boolean().default(true),
  schedule: cronSchedule,
  image: imageReference.optional(),
  /** Required: the job's command (its image, the default worker pool's unless `image` is set, has no job of its own). */
  command: z
    .array(z.string(), 'required: the command the job runs, as a list such as ["app", "jobs", "cleanup"]')
    .min(1, 'required: the command the job runs, as a list such as ["app", "jobs", "cleanup"]'),
  activeDeadlineSeconds: z.number().int().min(60).max(86400).optional(),
});

export function jobsSchema(_env: Environment) {
  return z.strictObject({
    reconcile: z
      .strictObject({
        enabled: z.boolean().default(true),
        schedule: cronSchedule.default("*/10 * * * *"),
        image: imageReference.optional(),
        command: z.array(z.string()).min(1).default(["app", "jobs", "reconcile"]),
        stuckAfterMinutes: z.number().int().min(5).max(1440).default(60),
      })
      .default({
        enabled: true,
        schedule: "*/10 * * * *",
        command: ["app", "jobs", "reconcile"],
        stuckAfterMinutes: 60,
      }),
    databaseMaintenance: z
      .strictObject({ enabled: z.boolean().default(true), schedule: cronSchedule.default("0 3 * * 0") })
      .default({ enabled: true, schedule: "0 3 * * 0" }),
    custom: z.record(dnsLabel(1, 40, "a job name"), jobSchema).default({}),
  });
}

export function backupsSchema(env: Environment) {
  const production = env === "production";
  return z.strictObject({
    schedule: cronSchedule.default("0 2 * * *"),
    verifySchedule: cronSchedule.default("0 4 * * 1"),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(production ? 30 : 7),
    noncurrentVersionRetentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(production ? 30 : 7),
    coldTransitionDays: z.number().int().min(30).max(3650).optional(),
    objectLock: z
      .strictObject({
        mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).default("GOVERNANCE"),
        days: z.number().int().min(1).max(3650),
      })
      .optional(),
    replicateToDr: z.boolean().default(production),
    postgresImage: imageReference.default("postgres:16.4"),
    awsCliImage: imageReference.default("amazon/aws-cli:2.17.50"),
    /** Pushgateway the backup and verify jobs push their metrics to (e.g. http://pushgateway.monitoring:9091). */
    pushgatewayUrl: z
      .url({ protocol: /^https?$/, message: 'a URL such as "http://pushgateway.monitoring.svc:9091"' })
      .optional(),
    /** Restore verification fails when the newest dump of a database is older than this. */
    verifyMaxDumpAgeHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 35)
      .default(48),
    /** Restore verification fails when a restored database has fewer user tables than this. */
    verifyMinTables: z.number().int().min(0).default(1),
  });
}
