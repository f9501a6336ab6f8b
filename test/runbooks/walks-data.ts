// Data-tier procedures (docs/operations.md): worker scaling and deployments, backups, restore with retire and drop,
// point-in-time recovery, maintenance windows, a major engine upgrade, alert thresholds. All on the production fixture.
import { production } from "../fixtures/stacks";
import type { StackConfig } from "../fixtures/stacks";
import { Step, Walk, promises } from "./steps";

export const RESTORE = { snapshotId: "rds:platform-db-instance-2026-11-20-03-10", label: "restore-20261120" };
const restoreTo = (c: StackConfig, retained: object[]) =>
  Object.assign(c["platform:database"], { restore: RESTORE, retainedInstances: retained });
const pools = (c: StackConfig) => Object.values(c["platform:workers"]) as Array<Record<string, unknown>>;

export const PLATFORM_CHANGES: Walk = {
  name: "scaling, deployment, backups and alerts",
  proves: ["Worker scaling, emergency scale-up", "Rolling deployment, rollback", "Backup", "Alert thresholds"],
  stacks: () => ({ prod: production() }),
  steps: [
    {
      name: "scale-emergency",
      does: "double the default pool (dedicated tenant pools copy it)",
      stack: "prod",
      edit: (c) => Object.assign(c["platform:workers"].default, { minReplicas: 12, maxReplicas: 40 }),
      expect: {
        exit: 0,
        only: ["update"],
        ops: { "workers-default-hpa": "update", "tenant-acme-workers-hpa": "update" },
      },
    },
    {
      name: "scale-revert",
      does: "revert after the incident",
      stack: "prod",
      edit: (c) => Object.assign(c["platform:workers"].default, { minReplicas: 3, maxReplicas: 12 }),
      expect: { exit: 0, only: ["update"], ops: { "workers-default-hpa": "update" } },
    },
    {
      name: "deploy",
      does: "a release: the pools' image tag",
      stack: "prod",
      edit: (c) => pools(c).forEach((p) => (p.image = "ghcr.io/acme/worker:1.5.0")),
      expect: {
        exit: 0,
        only: ["update"],
        ops: { "workers-default-deployment": "update", "jobs-reconcile-cronjob": "update" },
      },
    },
    {
      name: "rollback",
      does: "the revert of the release commit",
      stack: "prod",
      edit: (c) => pools(c).forEach((p) => (p.image = "ghcr.io/acme/worker:1.4.2")),
      expect: { exit: 0, only: ["update"], ops: { "workers-default-deployment": "update" } },
    },
    {
      name: "backup-schedule",
      does: "move the daily backup",
      stack: "prod",
      edit: (c) => (c["platform:backups"].schedule = "0 1 * * *"),
      expect: { exit: 0, only: ["update"], ops: { "database-backups-backup-cronjob": "update" } },
    },
    {
      name: "alerts",
      does: "lower the error-rate warning",
      stack: "prod",
      edit: (c) => (c["platform:alerts"].errorRate = { warning: 0.03, critical: 0.1 }),
      expect: { exit: 0, only: ["update"], ops: { "alerts-rules": "update", "alerts-tenant-acme": "update" } },
    },
  ],
};

const restored = "platform-db-restore-restore-20261120";
export const RESTORE_WALK: Walk = {
  name: "restore, retire, drop",
  proves: ["Restore (snapshot)"],
  stacks: () => ({ prod: production() }),
  steps: [
    {
      name: "restore",
      does: "restore: { snapshotId, label } and keep the old instance",
      stack: "prod",
      edit: (c) => restoreTo(c, [{}]),
      expect: {
        exit: 0,
        refused: [],
        ops: { [restored]: "create", "platform-db-instance": "same", "platform-db-admin": "update" },
        promise: (plan) =>
          promises.byName(plan, restored)?.inputs.identifier === "platform-prod-restore-20261120"
            ? []
            : [`the restored instance is not named platform-prod-restore-20261120`],
      },
    },
    {
      name: "restore-drop-unretired",
      does: "dropping the old instance without retiring it first: refused",
      stack: "prod",
      edit: (c) => delete c["platform:database"].retainedInstances,
      apply: false,
      expect: { exit: 1, refused: ["platform-db-instance"] },
    },
    {
      name: "restore-retire",
      does: "retire: true lifts protection from the old instance",
      stack: "prod",
      edit: (c) => restoreTo(c, [{ retire: true }]),
      expect: { exit: 0, only: ["update"], ops: { "platform-db-instance": "update" } },
    },
    {
      name: "restore-drop",
      does: "drop the entry: RDS deletes the old instance after its final snapshot",
      stack: "prod",
      edit: (c) => delete c["platform:database"].retainedInstances,
      expect: { exit: 0, refused: [], only: ["delete"], ops: { "platform-db-instance": "delete" } },
    },
  ],
};

export const PITR: Walk = {
  name: "point-in-time recovery",
  proves: ["Point-in-time recovery"],
  stacks: () => ({ prod: production() }),
  steps: [
    {
      name: "pitr",
      does: "restore: { pointInTime } and keep the old instance",
      stack: "prod",
      edit: (c) =>
        Object.assign(c["platform:database"], {
          restore: {
            pointInTime: { sourceInstance: "platform-db-instance-4f1c2ab", time: "2026-11-20T13:45:00Z" },
            label: "pitr-20261120-1345",
          },
          retainedInstances: [{}],
        }),
      expect: { exit: 0, refused: [], ops: { "platform-db-restore-pitr-20261120-1345": "create" } },
    },
  ],
};

const maintenanceOn: Step = {
  name: "maintenance-on",
  does: "pause: every pool to 0, every CronJob suspended, then a snapshot",
  stack: "prod",
  edit: (c) =>
    (c["platform:maintenance"] = { enabled: true, snapshot: "before-pg17-upgrade", reason: "PostgreSQL 17 upgrade" }),
  expect: {
    exit: 0,
    ops: {
      "maintenance-snapshot-before-pg17-upgrade": "create",
      "workers-default-hpa": "delete",
      "jobs-reconcile-cronjob": "update",
    },
  },
};

export const MAINTENANCE: Walk = {
  name: "maintenance window",
  proves: ["Maintenance window"],
  stacks: () => ({ prod: production() }),
  steps: [
    maintenanceOn,
    {
      name: "maintenance-off",
      does: "resume: exactly the configured state again",
      stack: "prod",
      edit: (c) => (c["platform:maintenance"] = { enabled: false }),
      expect: {
        exit: 0,
        ops: { "maintenance-snapshot-before-pg17-upgrade": "delete", "workers-default-hpa": "create" },
        promise: (_plan, r) => (r.backToStart ? [] : ["the stack is not back where the walk started"]),
      },
    },
  ],
};

export const MAJOR_UPGRADE: Walk = {
  name: "major engine upgrade",
  proves: ["Major engine upgrade"],
  stacks: () => ({ prod: production() }),
  steps: [
    {
      name: "upgrade-outside-maintenance",
      does: "allowing a major upgrade without the maintenance snapshot: refused",
      stack: "prod",
      edit: (c) => Object.assign(c["platform:database"], { engineVersion: "17", allowMajorVersionUpgrade: true }),
      expect: { exit: 2, error: /platform:database\.allowMajorVersionUpgrade/ },
    },
    maintenanceOn,
    {
      name: "upgrade",
      does: "engineVersion 17 with allowMajorVersionUpgrade, applied now (not at the maintenance window), while paused",
      stack: "prod",
      edit: (c) =>
        Object.assign(c["platform:database"], {
          engineVersion: "17",
          allowMajorVersionUpgrade: true,
          applyChanges: "immediately",
        }),
      expect: {
        exit: 0,
        refused: [],
        ops: { "platform-db-instance": "update", "platform-db-params": "replace" },
        promise: (plan) => {
          const db = promises.byName(plan, "platform-db-instance")?.inputs ?? {};
          const params = promises.byName(plan, "platform-db-params")?.inputs ?? {};
          return [
            ...(db.engineVersion === "17" && db.allowMajorVersionUpgrade === true && db.applyImmediately === true
              ? []
              : ["the instance is not upgraded to 17 now"]),
            ...(params.family === "postgres17" ? [] : [`parameter group family ${params.family}`]),
            ...(JSON.stringify(promises.byName(plan, "database-backups-backup-cronjob")?.inputs).includes("17")
              ? []
              : ["the backup job's dump image does not follow the engine"]),
          ];
        },
      },
    },
    {
      name: "upgrade-resume",
      does: "resume, and close the upgrade window",
      stack: "prod",
      edit: (c) => {
        c["platform:maintenance"] = { enabled: false };
        delete c["platform:database"].allowMajorVersionUpgrade;
        delete c["platform:database"].applyChanges;
      },
      expect: {
        exit: 0,
        ops: { "platform-db-instance": "update", "workers-default-hpa": "create" },
        promise: (plan) =>
          promises.byName(plan, "platform-db-instance")?.inputs.allowMajorVersionUpgrade === false
            ? []
            : ["allowMajorVersionUpgrade left on"],
      },
    },
  ],
};

export const DATA_WALKS: readonly Walk[] = [PLATFORM_CHANGES, RESTORE_WALK, PITR, MAINTENANCE, MAJOR_UPGRADE];
