import { z } from "zod";
import { ConfigProblem, keyName, showValue } from "./errors";
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
    /**
     * Image of the dump, restore-check and maintenance steps (pg_dump, pg_restore, psql). Defaults to the official
     * image of `platform:database.engineVersion` (`postgresImageFor`); an older major is refused (rules.ts).
     */
    postgresImage: imageReference.optional(),
    /** Storage class of the backup pods' work volumes (sized from the database's storage ceiling). Defaults to the cluster's. */
    workStorageClass: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a Kubernetes object name such as gp3")
      .max(253)
      .optional(),
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

/**
 * The official postgres image of each engine major, pinned to a minor release. pg_dump cannot dump a server newer
 * than its own major version ("aborting because of server version mismatch"; PostgreSQL docs, pg_dump: "cannot
 * dump from PostgreSQL servers newer than its own major version"), so the tools follow `database.engineVersion`.
 */
export const POSTGRES_TOOL_IMAGES: Readonly<Record<string, string>> = {
  "14": "postgres:14.13",
  "15": "postgres:15.8",
  "16": "postgres:16.4",
  "17": "postgres:17.0",
};

/** The image the backup and maintenance steps run: the configured one, else the engine major's official image. */
export const postgresImageFor = (engineVersion: string, configured?: string) =>
  configured ?? POSTGRES_TOOL_IMAGES[engineVersion] ?? `postgres:${engineVersion}`;

/** The major version an image's tag names (`postgres:16.4-bookworm` → 16), or undefined when the tag does not tell. */
export function imageMajorVersion(image: string): number | undefined {
  const withoutDigest = image.split("@")[0];
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon <= slash) return undefined;
  const match = /^(\d+)(?:[.-]|$)/.exec(withoutDigest.slice(colon + 1));
  return match ? Number(match[1]) : undefined;
}

/** The dump and maintenance image must be at least the engine's major: pg_dump refuses a newer server. */
export function toolImageProblems({
  backups,
  database,
}: {
  backups?: { postgresImage?: string };
  database?: { engineVersion: string };
}): ConfigProblem[] {
  const image = backups?.postgresImage;
  if (!image || !database) return [];
  const major = imageMajorVersion(image);
  const engine = Number(database.engineVersion);
  if (major === undefined || major >= engine) return [];
  return [
    {
      key: keyName("platform", ["backups", "postgresImage"]),
      value: showValue(image),
      message:
        `its PostgreSQL ${major} tools cannot dump the PostgreSQL ${engine} server of platform:database.engineVersion ` +
        `(pg_dump aborts "because of server version mismatch"): use a postgres image of major ${engine} or newer, ` +
        `or leave it unset for ${postgresImageFor(database.engineVersion)}`,
    },
  ];
}
