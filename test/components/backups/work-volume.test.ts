// Where the backup pods stage their data and which PostgreSQL tools they run: the defects that only show on a real
// cluster (a node's root disk filling up) or a real server (pg_dump refusing a newer major).
import { beforeAll, describe, expect, it } from "vitest";
import { Finders, renderStack } from "../../helpers/render";
import { problemsOf } from "../../helpers/config";
import { imageMajorVersion, postgresImageFor } from "../../../config/workloads";
import type { RenderResult } from "@platform/offline-plan";
import * as stacks from "../../fixtures/stacks";

type Obj = Record<string, any>;
const CRONJOB = "kubernetes:batch/v1:CronJob";
const podOf = (stack: Finders, name: string): Obj =>
  (stack.find(CRONJOB, name).inputs as Obj).spec.jobTemplate.spec.template.spec;
const GI = 1024 ** 3;
/** Kubernetes quantities as used here (Mi, Gi). */
const bytes = (quantity: string) => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected quantity ${quantity}`);
  return Number(match[1]) * (match[2] === "Gi" ? GI : 1024 ** 2);
};

describe("backup pods stage on a volume of their own, sized from the database's storage ceiling", () => {
  let prod: RenderResult & Finders;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
  });

  it("the work volume is a generic ephemeral volume: a PVC of maxAllocatedStorageGb (backup) or twice that (verify)", () => {
    // prod: maxAllocatedStorageGb 1000. A generic ephemeral volume is `ephemeral.volumeClaimTemplate` (Kubernetes
    // docs, "Ephemeral Volumes"; core/v1 EphemeralVolumeSource): provisioned with the pod, deleted with it.
    for (const [job, size] of [
      ["database-backups-backup-cronjob", "1000Gi"],
      ["database-backups-verify-cronjob", "2000Gi"],
    ]) {
      const work = podOf(prod, job).volumes.find((v: Obj) => v.name === "work");
      expect(work.emptyDir, job).toBeUndefined();
      expect(work.ephemeral.volumeClaimTemplate.spec, job).toEqual({
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: size } },
      });
    }
  });

  it("every step requests the node disk it uses, and a pod's requests fit a default EKS node's 20 GiB root volume", () => {
    // EKS managed node groups default to a 20 GiB root volume (EKS API, CreateNodegroup `diskSize`: "default 20");
    // the scheduler places a pod only where the sum of its ephemeral-storage requests fits (Kubernetes docs,
    // "Local ephemeral storage"); kubelet evicts a pod whose emptyDir or container outgrows its limit.
    for (const job of ["database-backups-backup-cronjob", "database-backups-verify-cronjob"]) {
      const pod = podOf(prod, job);
      const containers: Obj[] = [...pod.initContainers, ...pod.containers];
      for (const c of containers) {
        expect(c.resources.requests["ephemeral-storage"], `${job} ${c.name}`).toBeDefined();
        expect(c.resources.limits["ephemeral-storage"], `${job} ${c.name}`).toBeDefined();
      }
      // Init containers run one at a time: the pod asks for the larger of the biggest init step and the sum of the rest.
      const sum = (list: Obj[]) => list.reduce((n, c) => n + bytes(c.resources.requests["ephemeral-storage"]), 0);
      const largestInit = Math.max(
        ...pod.initContainers.map((c: Obj) => bytes(c.resources.requests["ephemeral-storage"])),
      );
      const emptyDirs = pod.volumes
        .filter((v: Obj) => v.emptyDir)
        .reduce((n: number, v: Obj) => n + bytes(v.emptyDir.sizeLimit), 0);
      expect(Math.max(largestInit, sum(pod.containers)) + emptyDirs, job).toBeLessThan(20 * GI);
    }
  });
});

describe("the dump and maintenance image follows platform:database.engineVersion", () => {
  it("derives the official image of the engine's major unless one is configured", async () => {
    const config = stacks.staging();
    config["platform:database"] = { ...(config["platform:database"] as Obj), engineVersion: "17" };
    const stack = await renderStack(config, { stack: "staging" });
    const images = stack
      .ofType(CRONJOB)
      .flatMap((c) => {
        const pod = (c.inputs as Obj).spec.jobTemplate.spec.template.spec;
        return [...(pod.initContainers ?? []), ...pod.containers];
      })
      .map((c: Obj) => String(c.image))
      .filter((image) => image.startsWith("postgres:"));
    expect(images.length).toBeGreaterThanOrEqual(1);
    expect(new Set(images)).toEqual(new Set(["postgres:17.0"]));
    expect(postgresImageFor("16")).toBe("postgres:16.4");
    expect(postgresImageFor("16", "registry.example/postgres:17.2")).toBe("registry.example/postgres:17.2");
  });

  it("refuses an image older than the engine (pg_dump aborts on a newer server), naming the key; accepts newer", () => {
    const config = stacks.production();
    config["platform:backups"] = { ...(config["platform:backups"] as Obj), postgresImage: "postgres:15.8" };
    expect(problemsOf(config)).toEqual([
      {
        key: "platform:backups.postgresImage",
        value: '"postgres:15.8"',
        message: expect.stringMatching(
          /^its PostgreSQL 15 tools cannot dump the PostgreSQL 16 server of platform:database\.engineVersion .*leave it unset for postgres:16\.4$/,
        ),
      },
    ]);
    config["platform:backups"] = { ...(config["platform:backups"] as Obj), postgresImage: "postgres:17.0-bookworm" };
    expect(problemsOf(config)).toEqual([]);
  });

  it("reads the major from image tags", () => {
    expect(imageMajorVersion("postgres:16.4")).toBe(16);
    expect(imageMajorVersion("registry:5000/team/postgres:15-alpine")).toBe(15);
    expect(imageMajorVersion("postgres:17@sha256:abc")).toBe(17);
    expect(imageMajorVersion("registry:5000/postgres")).toBeUndefined();
    expect(imageMajorVersion("postgres:latest")).toBeUndefined();
  });
});
