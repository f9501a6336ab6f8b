import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as k8s from "@pulumi/kubernetes";
import { ScheduledJob, cronJobSpec, scheduledJobProblems } from "../../../components/jobs/scheduled-job";
import { renderProgram } from "@platform/offline-plan";
import { Finders, renderStack } from "../../helpers/render";
import { kubernetesSchemaError } from "../../helpers/kubernetes-schema";
import type { RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const CRONJOB = "kubernetes:batch/v1:CronJob";

describe("scheduled jobs in the prod stack", () => {
  let prod: RenderResult & Finders;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
  });

  it("every CronJob has the safety fields: Forbid, deadlines, bounded retries, history, TTL, resources, non-root", () => {
    const cronJobs = prod.ofType(CRONJOB);
    expect(cronJobs.map((c) => (c.inputs as Obj).metadata.name).sort()).toEqual([
      "database-backup",
      "database-maintenance",
      "database-restore-verify",
      "job-reconcile",
    ]);
    for (const cron of cronJobs) {
      const spec = (cron.inputs as Obj).spec;
      expect(spec.concurrencyPolicy, cron.name).toBe("Forbid");
      expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
      expect(spec.successfulJobsHistoryLimit).toBeGreaterThan(0);
      expect(spec.failedJobsHistoryLimit).toBeGreaterThan(0);
      const job = spec.jobTemplate.spec;
      expect(job.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job.backoffLimit).toBeLessThanOrEqual(1);
      expect(job.ttlSecondsAfterFinished).toBeGreaterThan(0);
      const pod = job.template.spec;
      expect(pod.restartPolicy).toBe("Never");
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(container.resources.limits, `${cron.name}/${container.name}`).toBeDefined();
        expect(container.resources.requests).toBeDefined();
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
        });
      }
    }
  });

  it("job reconciliation runs the application's own command from config, with the 1 h stuck threshold", () => {
    const spec = (prod.find(CRONJOB, "jobs-reconcile-cronjob").inputs as Obj).spec;
    expect(spec.schedule).toBe("*/10 * * * *");
    const [container] = spec.jobTemplate.spec.template.spec.containers;
    expect(container.image).toBe("ghcr.io/acme/worker:1.4.2");
    expect(container.command).toEqual(["app", "jobs", "reconcile"]);
    expect(container.env).toContainEqual({ name: "RECONCILE_STUCK_AFTER_MINUTES", value: "60" });
    // A run ends before the next is due, so Forbid never skips a run for a hung one.
    expect(spec.jobTemplate.spec.activeDeadlineSeconds).toBeLessThanOrEqual(15 * 60);
  });

  it("database maintenance runs VACUUM (ANALYZE) weekly over the application and tenant databases", () => {
    const spec = (prod.find(CRONJOB, "jobs-database-maintenance-cronjob").inputs as Obj).spec;
    expect(spec.schedule).toBe("0 3 * * 0");
    const [container] = spec.jobTemplate.spec.template.spec.containers;
    expect(container.command).toEqual(["/bin/bash", "/scripts/vacuum-analyze.sh"]);
    expect(container.env).toContainEqual({
      name: "MAINTENANCE_DATABASES",
      value: "app tenant_acme tenant_globex tenant_wayne_ent",
    });
    const configMap = prod.find("kubernetes:core/v1:ConfigMap", "jobs-maintenance-scripts").inputs as Obj;
    expect(configMap.data["vacuum-analyze.sh"]).toContain("VACUUM (ANALYZE)");
  });

  it("every rendered Kubernetes object passes the upstream schema validation", async () => {
    const revealed = await renderStack(stacks.production(), { stack: "prod", revealSecrets: true });
    const staging = await renderStack(stacks.staging(), { stack: "staging", revealSecrets: true });
    const objects = [...revealed.resources, ...staging.resources].filter(
      (r) => r.type.startsWith("kubernetes:") && r.custom && !r.type.startsWith("pulumi:providers"),
    );
    expect(objects.map((o) => o.type)).toEqual(
      expect.arrayContaining([
        "kubernetes:apps/v1:Deployment",
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        "kubernetes:policy/v1:PodDisruptionBudget",
        CRONJOB,
      ]),
    );
    expect(objects.map(kubernetesSchemaError).filter(Boolean)).toEqual([]);
  });

  it("the schema validation catches a broken object (it is not a no-op)", () => {
    const cron = prod.find(CRONJOB, "jobs-reconcile-cronjob");
    const broken = structuredClone(cron);
    (broken.inputs as Obj).spec.jobTemplate.spec.backoffLimit = "one";
    expect(kubernetesSchemaError(broken)).toMatch(/backoffLimit/);
  });
});

describe("ScheduledJob", () => {
  const base = { objectName: "nightly", schedule: "0 1 * * *", containers: [{ name: "c", image: "busybox:1.36" }] };

  it("validates the schedule and the name", () => {
    expect(scheduledJobProblems(base)).toEqual([]);
    expect(scheduledJobProblems({ ...base, schedule: "0 0 1 * * *" })[0]).toMatch(/expected exactly 5 fields, found 6/);
    expect(scheduledJobProblems({ ...base, schedule: "61 * * * *" })[0]).toMatch(
      /end of range \(61\) above maximum \(59\)/,
    );
    expect(scheduledJobProblems({ ...base, objectName: "x".repeat(53) })[0]).toMatch(/at most 52/);
  });

  it("a bad schedule fails the program with a ResourceError before the CronJob is registered", async () => {
    const program = () => {
      const provider = new k8s.Provider("k8s", {});
      new ScheduledJob("bad", { ...base, schedule: "*/5 * * *", namespace: "ns", provider });
    };
    await expect(renderProgram(program, { project: "p", stack: "s", config: {} })).rejects.toThrow(
      /scheduled job nightly: schedule "\*\/5 \* \* \*": .*expected exactly 5 fields, found 4/,
    );
  });

  it("containers without resources get defaults; suspend is passed through for maintenance mode", () => {
    const spec = cronJobSpec({ ...base, suspend: true }) as Obj;
    expect(spec.suspend).toBe(true);
    expect(spec.timeZone).toBe("Etc/UTC");
    expect(spec.jobTemplate.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: "1", memory: "512Mi" });
    expect(spec.jobTemplate.spec.template.spec.automountServiceAccountToken).toBe(false);
  });
});

describe("job scripts", () => {
  it("are shellcheck-clean", () => {
    const scripts = [
      "backups/scripts/backup.sh",
      "backups/scripts/verify-restore.sh",
      "jobs/scripts/vacuum-analyze.sh",
    ].map((s) => join(__dirname, "..", "..", "..", "components", s));
    const result = spawnSync("shellcheck", ["--shell=bash", "--severity=style", ...scripts], { encoding: "utf8" });
    if (result.error)
      throw new Error(`shellcheck not runnable (${result.error.message}): install the Debian package "shellcheck"`);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
