// Tenant procedures (docs/tenants.md, docs/operations.md "Tenants", docs/shards.md "Onboarding into a shard"): a tenant's
// whole life in production (onboarding, suspension, offboarding with its export, the two-step deletion), credential
// rotation, and onboarding into a shard.
import { production, productionShard } from "../fixtures/stacks";
import type { StackConfig } from "../fixtures/stacks";
import { Step, Walk, promises } from "./steps";

const tenant = (c: StackConfig, id: string) => c["platform:tenants"].find((t: { id: string }) => t.id === id);
/** Where the export Job's log (`EXPORT_OK … key=…`) said the tenant's dump went: the deletion records it. */
export const NAKATOMI_EXPORT =
  "s3://platform-backups-prod/production/offboarding/nakatomi/tenant_nakatomi/20261120T020000Z.dump";
/** Resources of an enterprise tenant (with the Tenant component), and the 4 its dedicated worker pool adds. */
export const ENTERPRISE_TENANT_RESOURCES = 17;
export const DEDICATED_POOL_RESOURCES = 4;
export const STANDARD_TENANT_RESOURCES = 11;

const login = (plan: Parameters<NonNullable<Step["expect"]["promise"]>>[0], id: string, expected: boolean) =>
  promises.byName(plan, `tenant-${id}-role`)?.inputs.login === expected
    ? []
    : [`tenant_${id} login is not ${expected}`];

const onboard: Step = {
  name: "onboard-enterprise",
  does: "add an enterprise entry with a dedicated worker pool",
  stack: "prod",
  edit: (c) =>
    c["platform:tenants"].push({
      id: "nakatomi",
      name: "Nakatomi Trading",
      tier: "enterprise",
      dedicatedWorkers: true,
    }),
  expect: {
    exit: 0,
    refused: [],
    // The Pushgateway cleanup Job lists the backed-up databases: a Job's pod template is immutable (replaced).
    only: ["create", "update", "replace"],
    ops: {
      "tenant-nakatomi-role": "create",
      "tenant-nakatomi-db": "create",
      "tenant-nakatomi-schema": "create",
      "tenant-nakatomi-workers-deployment": "create",
      "database-backups-backup-cronjob": "update",
      "platform-db-instance": "same",
    },
    promise: (plan) =>
      plan.summary.tenants.nakatomi?.resourceCount === ENTERPRISE_TENANT_RESOURCES + DEDICATED_POOL_RESOURCES
        ? []
        : [`nakatomi has ${plan.summary.tenants.nakatomi?.resourceCount} resources`],
  },
};

export const TENANT_LIFECYCLE: Walk = {
  name: "tenant lifecycle",
  proves: ["Tenant onboarding", "Tenant suspension / offboarding / deletion"],
  stacks: () => ({ prod: production() }),
  steps: [
    {
      name: "onboard-standard",
      does: "add a standard entry: only the tenant's own resources are created",
      stack: "prod",
      edit: (c) => c["platform:tenants"].push({ id: "initrode", name: "Initrode", tier: "standard" }),
      apply: false,
      expect: {
        exit: 0,
        only: ["create"],
        promise: (plan, r) => [
          ...(r.changes!.steps.every((s) => s.group === "tenant initrode") ? [] : ["a step outside tenant initrode"]),
          ...(plan.summary.tenants.initrode?.resourceCount === STANDARD_TENANT_RESOURCES
            ? []
            : [`initrode has ${plan.summary.tenants.initrode?.resourceCount} resources`]),
        ],
      },
    },
    onboard,
    {
      name: "suspend",
      does: "state: suspended",
      stack: "prod",
      edit: (c) => (tenant(c, "nakatomi").state = "suspended"),
      expect: {
        exit: 0,
        only: ["update", "delete"],
        ops: {
          "tenant-nakatomi-role": "update",
          "alerts-tenant-nakatomi": "delete",
          "tenant-nakatomi-workers-hpa": "delete",
          "tenant-nakatomi-namespace": "update",
        },
        promise: (plan) => login(plan, "nakatomi", false),
      },
    },
    {
      name: "delete-unexported",
      does: "suspended → deleted without an export: refused by config in production",
      stack: "prod",
      edit: (c) => (tenant(c, "nakatomi").state = "deleted"),
      expect: { exit: 2, error: /platform:tenants\[8\]\.state.*(exportedTo|exportWaived)/ },
    },
    {
      name: "delete-waived",
      does: "suspended → deleted with the export waived (a reason in the entry)",
      stack: "prod",
      edit: (c) =>
        Object.assign(tenant(c, "nakatomi"), { state: "deleted", exportWaived: "contract ended: no data return" }),
      apply: false,
      expect: {
        exit: 0,
        refused: [],
        ops: { "tenant-nakatomi-role": "update", "tenant-nakatomi-namespace": "delete" },
      },
    },
    {
      name: "offboard",
      does: "state: offboarded (the export Job dumps the tenant's data once)",
      stack: "prod",
      edit: (c) => (tenant(c, "nakatomi").state = "offboarded"),
      expect: {
        exit: 0,
        ops: { "database-backups-export-nakatomi": "create", "tenant-nakatomi-role": "same" },
        promise: (plan) => promises.noted(plan, "tenant-export-nakatomi"),
      },
    },
    {
      name: "delete",
      does: "deletion in one step (state: deleted + deleteData): refused, the data is protected",
      stack: "prod",
      edit: (c) =>
        Object.assign(tenant(c, "nakatomi"), { state: "deleted", deleteData: true, exportedTo: NAKATOMI_EXPORT }),
      apply: false,
      expect: { exit: 1, refused: ["tenant-nakatomi-role", "tenant-nakatomi-db", "tenant-nakatomi-schema"] },
    },
    {
      name: "delete-1",
      does: "step 1: state: deleted, the export recorded (protection lifted, nothing dropped)",
      stack: "prod",
      edit: (c) => Object.assign(tenant(c, "nakatomi"), { state: "deleted", exportedTo: NAKATOMI_EXPORT }),
      expect: {
        exit: 0,
        refused: [],
        ops: {
          "tenant-nakatomi-role": "update",
          "tenant-nakatomi-schema": "update",
          "tenant-nakatomi-db": "update",
          "tenant-nakatomi-namespace": "delete",
          "database-backups-export-nakatomi": "delete",
        },
        promise: (plan) => [
          ...promises.packAccepts(plan),
          ...["role", "schema", "db"]
            .filter((k) => promises.byName(plan, `tenant-nakatomi-${k}`)?.protect !== false)
            .map((k) => `tenant-nakatomi-${k} is still protected`),
          ...(promises.byName(plan, "tenant-nakatomi-schema")?.inputs.dropCascade === true ? [] : ["no dropCascade"]),
        ],
      },
    },
    {
      name: "delete-2",
      does: "step 2: deleteData: true drops the schema, database and role",
      stack: "prod",
      edit: (c) => (tenant(c, "nakatomi").deleteData = true),
      expect: {
        exit: 0,
        refused: [],
        only: ["delete", "update"],
        ops: {
          "tenant-nakatomi-role": "delete",
          "tenant-nakatomi-db": "delete",
          "tenant-nakatomi-schema": "delete",
          "tenant-nakatomi-password": "delete",
        },
      },
    },
    {
      name: "delete-entry",
      does: "remove the entry",
      stack: "prod",
      edit: (c) => (c["platform:tenants"] = c["platform:tenants"].filter((t: { id: string }) => t.id !== "nakatomi")),
      expect: { exit: 0, only: ["delete"], ops: { "tenant-nakatomi": "delete" } },
    },
  ],
};

export const ROTATION: Walk = {
  name: "credential rotation",
  proves: ["Key / credential rotation"],
  stacks: () => ({ prod: production() }),
  steps: [
    {
      name: "rotate-master",
      does: "bump platform:database.passwordGeneration",
      stack: "prod",
      edit: (c) => (c["platform:database"].passwordGeneration = 2),
      expect: {
        exit: 0,
        refused: [],
        ops: { "platform-db-master-password": "replace", "platform-db-instance": "update" },
      },
    },
    {
      name: "rotate-redis-1",
      does: "bump platformUserGeneration, keep the previous password",
      stack: "prod",
      edit: (c) =>
        Object.assign(c["platform:redis"], { platformUserGeneration: 2, keepPreviousPlatformPassword: true }),
      expect: {
        exit: 0,
        // The platform's connection Secret carries the new password: Secret data is replaced, not updated.
        only: ["create", "update", "replace"],
        ops: {
          "platform-redis-platform-user-g2-password": "create",
          "platform-redis-platform-user": "update",
          "platform-connection-secret": "replace",
        },
      },
    },
    {
      name: "rotate-redis-2",
      does: "drop the previous password",
      stack: "prod",
      edit: (c) => delete c["platform:redis"].keepPreviousPlatformPassword,
      expect: { exit: 0, ops: { "platform-redis-platform-user-password": "delete" } },
    },
    {
      name: "rotate-tenant",
      does: "bump a tenant's credentialsGeneration",
      stack: "prod",
      edit: (c) => (tenant(c, "acme").credentialsGeneration = 2),
      expect: {
        exit: 0,
        refused: [],
        ops: {
          "tenant-acme-password": "replace",
          "tenant-acme-role": "update",
          "tenant-acme-connection": "replace",
          "tenant-acme-db": "same",
        },
      },
    },
  ],
};

export const SHARD_ONBOARDING: Walk = {
  name: "shard onboarding",
  proves: ["Onboarding into a shard"],
  stacks: () => ({ prod: production(), "prod-tenants-a": productionShard("a") }),
  steps: [
    {
      name: "shard-onboard",
      does: "add an enterprise entry to the shard's platform:tenants",
      stack: "prod-tenants-a",
      edit: (c) => c["platform:tenants"].push({ id: "nakatomi", name: "Nakatomi Trading", tier: "enterprise" }),
      expect: {
        exit: 0,
        refused: [],
        only: ["create", "update", "replace"],
        ops: {
          "tenant-nakatomi-role": "create",
          "tenant-nakatomi-db": "create",
          "tenants-a-backups-backup-cronjob": "update",
        },
      },
    },
    {
      name: "shard-onboard-platform",
      does: "the platform stack's plan does not change",
      stack: "prod",
      expect: { exit: 0, only: [] },
    },
  ],
};

export const TENANT_WALKS: readonly Walk[] = [TENANT_LIFECYCLE, ROTATION, SHARD_ONBOARDING];
