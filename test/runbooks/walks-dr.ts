// DR procedures (docs/operations.md "Regional failover", docs/shards.md "Shard tenants in DR"), on the fixtures of the
// repo's own stack files (equal to them: test/program/stacks.test.ts) because they are about them: prod-dr derives what it shares with prod from Pulumi.prod.yaml, so a change in
// prod reaches it without an edit of Pulumi.prod-dr.yaml; failover registers nothing in the failed region; failback
// brings prod back from the DR's replicated backups; DR shard stacks follow their shards and fail over with the DR.
import type { PlanResource } from "@platform/offline-plan";
import { type StackConfig, type StackName, stackFixture } from "../fixtures/stacks";
import { PlanDocumentLike, StepResult, Walk, promises } from "./steps";
import { RESTORE } from "./walks-data";

const repo =
  (...stacks: string[]) =>
  () =>
    Object.fromEntries(stacks.map((s) => [s, stackFixture(s as StackName)]));

export const PRIMARY_REGION = "us-east-1";
/** The replicated automated backups of the promoted DR instance, in the primary's region once it is back. */
export const FAILBACK_SOURCE = "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-7d1e3b5a9c2f4e6a8b0c1d2e3f";

/** Steps that would call the primary's region: created, changed or deleted through its provider or with its region. */
export function stepsInRegion(result: StepResult, plan: PlanDocumentLike, region: string): string[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  return (result.changes?.steps ?? [])
    .filter((s) => {
      const r = byUrn.get(s.urn) as (PlanResource & { provider?: string }) | undefined;
      return r && (r.provider?.endsWith("::aws-dr") || r.inputs.region === region);
    })
    .map((s) => `${s.op} ${s.name}`);
}

const notInRegion = (plan: PlanDocumentLike, r: StepResult) =>
  stepsInRegion(r, plan, PRIMARY_REGION).map((s) => `calls ${PRIMARY_REGION}: ${s}`);
const dr = (c: StackConfig) => c["platform:dr"];
const postgresObjects = (resources: PlanResource[]) => resources.filter((r) => !r.type.startsWith("postgresql:"));

export const DR_FOLLOWS: Walk = {
  name: "prod-dr follows prod",
  proves: ["Regional failover"],
  stacks: repo("prod", "prod-dr"),
  steps: [
    {
      name: "dr-follows-scale",
      does: "prod: the default pool's maximum 12 → 20",
      stack: "prod",
      edit: (c) => (c["platform:workers"].default.maxReplicas = 20),
      expect: { exit: 0, only: ["update"] },
    },
    {
      name: "dr-follows-scale-dr",
      does: "prod-dr, not edited: its standby pool follows (a quarter of 20)",
      stack: "prod-dr",
      expect: {
        exit: 0,
        only: ["update"],
        ops: { "workers-default-hpa": "update" },
        promise: (plan) =>
          (promises.byName(plan, "workers-default-hpa")?.inputs as any)?.spec?.maxReplicas === 5 ? [] : ["max not 5"],
      },
    },
    {
      name: "dr-follows-restore",
      does: "prod: restore from a snapshot, the old instance kept",
      stack: "prod",
      edit: (c) => Object.assign(c["platform:database"], { restore: RESTORE, retainedInstances: [{}] }),
      expect: { exit: 0, refused: [] },
    },
    {
      name: "dr-follows-restore-dr",
      does: "prod-dr, not edited: a standby of the restored instance beside the one of the old instance",
      stack: "prod-dr",
      expect: {
        exit: 0,
        refused: [],
        ops: { "platform-db-restore-restore-20261120": "create", "platform-db-instance": "same" },
        promise: (plan) => {
          const source = promises.byName(plan, "platform-db-restore-restore-20261120")?.inputs.replicateSourceDb;
          return source === "arn:aws:rds:us-east-1:123456789012:db:platform-prod-restore-20261120"
            ? []
            : [`the new standby replicates ${source}`];
        },
      },
    },
    {
      name: "dr-follows-retire",
      does: "prod: retire the old instance",
      stack: "prod",
      edit: (c) => (c["platform:database"].retainedInstances = [{ retire: true }]),
      expect: { exit: 0, only: ["update"] },
    },
    {
      name: "dr-follows-retire-dr",
      does: "prod-dr, not edited: the old instance's standby is retired too",
      stack: "prod-dr",
      expect: { exit: 0, only: ["update"], ops: { "platform-db-instance": "update" } },
    },
    {
      name: "dr-follows-drop",
      does: "prod: drop the old instance",
      stack: "prod",
      edit: (c) => delete c["platform:database"].retainedInstances,
      expect: { exit: 0, only: ["delete"] },
    },
    {
      name: "dr-follows-drop-dr",
      does: "prod-dr, not edited: its standby goes with it",
      stack: "prod-dr",
      expect: { exit: 0, refused: [], only: ["delete"], ops: { "platform-db-instance": "delete" } },
    },
  ],
};

export const FAILOVER: Walk = {
  name: "failover and failback",
  proves: ["Regional failover"],
  stacks: repo("prod", "prod-dr"),
  steps: [
    {
      name: "failover-ungated",
      does: "role: primary without saying whether the primary's region is reachable: refused",
      stack: "prod-dr",
      edit: (c) => (dr(c).role = "primary"),
      expect: { exit: 2, error: /platform:dr\.regionAvailable/ },
    },
    {
      name: "failover",
      does: "role: primary, regionAvailable: false",
      stack: "prod-dr",
      edit: (c) => Object.assign(dr(c), { role: "primary", regionAvailable: false }),
      expect: {
        exit: 0,
        refused: [],
        ops: {
          "platform-db-instance": "update",
          "tenant-acme-role": "import",
          "platform-db-dr-kms-key": "same",
          "platform-db-dr-backups": "absent",
        },
        promise: notInRegion,
      },
    },
    {
      name: "failback-region-back",
      does: "the primary's region is back: regionAvailable: true (backups replicate there)",
      stack: "prod-dr",
      edit: (c) => (dr(c).regionAvailable = true),
      expect: {
        exit: 0,
        only: ["create"],
        ops: { "platform-db-dr-kms-key": "same", "platform-db-dr-backups": "create" },
      },
    },
    {
      name: "failback-pause",
      does: "prod-dr: maintenance on (no writes), a snapshot",
      stack: "prod-dr",
      edit: (c) => (c["platform:maintenance"] = { enabled: true, snapshot: "before-failback", reason: "failback" }),
      expect: { exit: 0, ops: { "maintenance-snapshot-before-failback": "create" } },
    },
    {
      name: "failback-restore",
      does: "prod: restore from prod-dr's replicated backups at their latest restorable time, keep the old primary",
      stack: "prod",
      edit: (c) =>
        Object.assign(c["platform:database"], {
          restore: {
            pointInTime: { sourceInstance: FAILBACK_SOURCE, useLatestRestorableTime: true },
            label: "failback-20261121",
          },
          retainedInstances: [{}],
        }),
      expect: { exit: 0, refused: [], ops: { "platform-db-restore-failback-20261121": "create" } },
    },
    {
      name: "failback-standby",
      does: "prod-dr back to standby (after `pulumi state delete` of the PostgreSQL objects it adopted)",
      stack: "prod-dr",
      state: postgresObjects,
      edit: (c) => {
        Object.assign(dr(c), { role: "standby" });
        delete dr(c).regionAvailable;
        c["platform:maintenance"] = { enabled: false };
      },
      expect: {
        exit: 0,
        refused: [],
        ops: { "platform-db-restore-failback-20261121": "create", "platform-db-instance": "same" },
        promise: (plan) => {
          const source = promises.byName(plan, "platform-db-restore-failback-20261121")?.inputs.replicateSourceDb;
          return source === "arn:aws:rds:us-east-1:123456789012:db:platform-prod-failback-20261121"
            ? []
            : [`the standby replicates ${source}`];
        },
      },
    },
  ],
};

export const SHARD_DR: Walk = {
  name: "shard tenants in DR",
  proves: ["Shard tenants in DR"],
  stacks: repo("prod", "prod-tenants-a", "prod-dr", "prod-dr-tenants-a"),
  steps: [
    {
      name: "shard-dr-onboard",
      does: "prod-tenants-a: onboard an enterprise tenant",
      stack: "prod-tenants-a",
      edit: (c) => c["platform:tenants"].push({ id: "nakatomi", name: "Nakatomi Trading", tier: "enterprise" }),
      // The shard's monitoring Job lists the backed-up databases: a Job's pod template is immutable (replaced).
      expect: { exit: 0, refused: [], only: ["create", "update", "replace"] },
    },
    {
      name: "shard-dr-standby",
      does: "prod-dr-tenants-a, not edited: a standby holds no tenant objects, its backup jobs list the new database",
      stack: "prod-dr-tenants-a",
      expect: { exit: 0, refused: [], ops: { "tenant-nakatomi-role": "absent" } },
    },
    {
      name: "shard-dr-failover-platform",
      does: "prod-dr: failover",
      stack: "prod-dr",
      edit: (c) => Object.assign(dr(c), { role: "primary", regionAvailable: false }),
      expect: { exit: 0, refused: [], promise: notInRegion },
    },
    {
      name: "shard-dr-failover",
      does: "prod-dr-tenants-a: drRole: primary, the shard's tenants adopted on the promoted database",
      stack: "prod-dr-tenants-a",
      edit: (c) => (c["platform:tenancy"].drRole = "primary"),
      expect: {
        exit: 0,
        refused: [],
        ops: {
          "tenant-nakatomi-role": "import",
          "tenant-cyberdyne-db": "import",
          "tenant-cyberdyne-namespace": "create",
        },
        promise: notInRegion,
      },
    },
  ],
};

export const DR_WALKS: readonly Walk[] = [DR_FOLLOWS, FAILOVER, SHARD_DR];
