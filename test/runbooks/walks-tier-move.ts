// The tier move procedure (docs/tenants.md, "Changing tier") as a walk: each step a reviewed edit of one stack file,
// planned with `npm run plan` (the policy pack, --diff against the stack's previous plan), with the exit code and the
// classification its preview must show. Pooled → dedicated in prod (the docs' previews), dedicated → pooled in the
// tenant shard prod-tenants-a. Shaped like the runbook walks of test/runbooks (issue 18), to join them.
import type { StepOp } from "@platform/offline-plan";

type Config = Record<string, any>;

export interface MoveStep {
  /** Unique: the docs' `<!-- preview:NAME -->` markers name steps. */
  name: string;
  does: string;
  stack: "prod" | "prod-tenants-a";
  /** The stack file's config edited into the state after this step (from the file as it is, not the previous step). */
  edit: (config: Config) => void;
  /** False: a variant shown or refused, planned but not merged (the next step starts from the previous one). */
  apply?: boolean;
  expect: {
    exit: 0 | 1 | 2;
    /** Resource name → how the preview classifies it (`same`: not touched; `absent`: not in the plan). */
    ops?: Record<string, StepOp | "absent">;
    /** The only kinds of step the preview may hold. */
    only?: StepOp[];
    /** What stderr must say (a refused config names the key). */
    error?: RegExp;
  };
}

/** The TENANT_MOVE_OK digest the examples record (any 64 hex digits the move Job logged). */
export const EXAMPLE_DIGEST = "9c4f3a0e5b7d2c18f6a4e0b39d7c5a1e2f8b6d4c0a9e7f5d3b1c8a6e4f2d0b97";

const entry = (c: Config, id: string) => (c["platform:tenants"] as Config[]).find((t) => t.id === id)!;
/** initech (prod, standard) on its way to enterprise at `step`; "done": the block removed. */
const initech = (step: "copy" | "switch" | "retire" | "done") => (c: Config) =>
  Object.assign(entry(c, "initech"), {
    tier: "enterprise",
    ...(step === "done"
      ? {}
      : { move: { from: "standard", step, ...(step === "copy" ? {} : { verified: EXAMPLE_DIGEST }) } }),
  });
/** cyberdyne (shard a, enterprise with a dedicated pool) on its way to standard (no dedicated pool there). */
const cyberdyne = (step: "copy" | "switch" | "retire" | "done") => (c: Config) => {
  const tenant = entry(c, "cyberdyne");
  delete tenant.dedicatedWorkers;
  Object.assign(tenant, {
    tier: "standard",
    ...(step === "done"
      ? {}
      : { move: { from: "enterprise", step, ...(step === "copy" ? {} : { verified: EXAMPLE_DIGEST }) } }),
  });
};

export const TIER_MOVE_STEPS: MoveStep[] = [
  {
    name: "tier-change-unmoved",
    does: "tier: standard → enterprise without a move: refused, naming the procedure",
    stack: "prod",
    edit: (c) => (entry(c, "initech").tier = "enterprise"),
    apply: false,
    expect: {
      exit: 2,
      error: /platform:tenants\[2\]\.tier = "enterprise": changes where initech's data lives.*Changing tier/,
    },
  },
  {
    name: "tier-move-switch-first",
    does: "a move that starts with the switch: refused (no verified copy yet)",
    stack: "prod",
    edit: (c) => initech("switch")(c),
    apply: false,
    expect: { exit: 2, error: /platform:tenants\[2\]\.move\.step = "switch": initech has no move in progress/ },
  },
  {
    name: "tier-move-copy",
    does: "step 1: the new home beside the old one, writes held, the move Job copies and verifies",
    stack: "prod",
    edit: initech("copy"),
    expect: {
      exit: 0,
      ops: {
        "tenant-initech-schema": "same",
        "tenant-initech-db": "create",
        "tenant-initech-move-schema": "create",
        "tenant-initech-role": "update",
        "tenant-initech-move": "create",
        "tenant-initech-connection": "replace", // REDIS_URL joins it: enterprise tenants get a Redis user
        "platform-db-instance": "same",
      },
    },
  },
  {
    name: "tier-move-drop-early",
    does: "removing the block before the retire: refused (the old home is still protected and in use)",
    stack: "prod",
    edit: initech("done"),
    apply: false,
    expect: {
      exit: 2,
      error:
        /platform:tenants\[2\]\.move \(missing\): initech's move is at step "copy": the next reviewed step is "switch"/,
    },
  },
  {
    name: "tier-move-switch",
    does: "step 2: DATABASE_URL to the new home, login back on, the finished Job removed",
    stack: "prod",
    edit: initech("switch"),
    expect: {
      exit: 0,
      only: ["update", "delete"],
      ops: {
        "tenant-initech-connection": "update",
        "tenant-initech-role": "update",
        "tenant-initech-move": "delete",
        "tenant-initech-schema": "same",
        "tenant-initech-move-schema": "same",
      },
    },
  },
  {
    name: "tier-move-retire",
    does: "step 3: the old home renamed aside, unprotected, cascade armed (the pack accepts exactly this)",
    stack: "prod",
    edit: initech("retire"),
    expect: {
      exit: 0,
      only: ["update"],
      ops: {
        "tenant-initech-retired-schema": "update",
        "tenant-initech-move-schema": "same",
        "tenant-initech-db": "same",
      },
    },
  },
  {
    name: "tier-move-drop",
    does: "step 4: the block removed: the old home dropped, the new one keeps every tenant's usual name",
    stack: "prod",
    edit: initech("done"),
    expect: {
      exit: 0,
      ops: {
        "tenant-initech-retired-schema": "delete",
        "tenant-initech-schema": "same",
        "tenant-initech-move-schema": "absent",
        "tenant-initech-db": "same",
      },
    },
  },
  {
    name: "tier-move-shard-copy",
    does: "in shard a: cyberdyne dedicated → pooled, step 1 (the Job in the shard's ops namespace)",
    stack: "prod-tenants-a",
    edit: cyberdyne("copy"),
    expect: {
      exit: 0,
      ops: {
        "tenant-cyberdyne-db": "same",
        "tenant-cyberdyne-schema": "same",
        "tenant-cyberdyne-move-schema": "create",
        "tenant-cyberdyne-move": "create",
        "tenant-cyberdyne-role": "update",
      },
    },
  },
  {
    name: "tier-move-shard-switch",
    does: "in shard a: step 2",
    stack: "prod-tenants-a",
    edit: cyberdyne("switch"),
    expect: { exit: 0, only: ["update", "delete"], ops: { "tenant-cyberdyne-connection": "update" } },
  },
  {
    name: "tier-move-shard-retire",
    does: "in shard a: step 3, the old database and its schema unprotected",
    stack: "prod-tenants-a",
    edit: cyberdyne("retire"),
    expect: {
      exit: 0,
      only: ["update"],
      ops: { "tenant-cyberdyne-db": "update", "tenant-cyberdyne-retired-schema": "update" },
    },
  },
  {
    name: "tier-move-shard-drop",
    does: "in shard a: step 4, the old database dropped",
    stack: "prod-tenants-a",
    edit: cyberdyne("done"),
    expect: {
      exit: 0,
      ops: {
        "tenant-cyberdyne-db": "delete",
        "tenant-cyberdyne-retired-schema": "delete",
        "tenant-cyberdyne-db-public-revoke": "delete",
        "tenant-cyberdyne-db-admin-connect": "delete",
        "tenant-cyberdyne-schema": "same",
      },
    },
  },
];
