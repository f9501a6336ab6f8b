// stateful-resources-protected and a tier move's retire step (docs/tenants.md, "Changing tier"): the old home of a
// verified, switched move may go unprotected; any other unprotected tenant data stays a violation.
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "@platform/offline-plan";
import { safetyPolicies } from "../../policies/rules/safety";
import { edit, resource, urnOf, violationsOf } from "./fixtures";

const SCHEMA = "postgresql:index/schema:Schema";
const DATABASE = "postgresql:index/database:Database";
const ROLE = "postgresql:index/role:Role";

/** Pooled → dedicated at retire: the old schema in `app` unprotected with cascade, the new home protected. */
const toDedicated = (): RecordedResource[] => [
  resource(ROLE, "tenant-initech-role", { name: "tenant_initech", login: true }, { protect: true }),
  resource(DATABASE, "tenant-initech-db", { name: "tenant_initech", owner: "tenant_initech" }, { protect: true }),
  resource(SCHEMA, "tenant-initech-retired-schema", {
    name: "tenant_initech",
    database: "app",
    owner: "tenant_initech",
    dropCascade: true,
  }),
  resource(
    SCHEMA,
    "tenant-initech-move-schema",
    { name: "tenant_initech", database: "tenant_initech", owner: "tenant_initech", dropCascade: false },
    { protect: true },
  ),
];

/** Dedicated → pooled at retire: the old database and its schema unprotected, the new schema in `app` protected. */
const toPooled = (): RecordedResource[] => [
  resource(ROLE, "tenant-acme-role", { name: "tenant_acme", login: true }, { protect: true }),
  resource(DATABASE, "tenant-acme-db", { name: "tenant_acme", owner: "tenant_acme" }),
  resource(SCHEMA, "tenant-acme-retired-schema", {
    name: "tenant_acme",
    database: "tenant_acme",
    owner: "tenant_acme",
    dropCascade: true,
  }),
  resource(
    SCHEMA,
    "tenant-acme-move-schema",
    { name: "tenant_acme", database: "app", owner: "tenant_acme", dropCascade: false },
    { protect: true },
  ),
];

const refused = async (resources: RecordedResource[]) =>
  (await violationsOf(safetyPolicies, resources)).map((v) => v.urn);

describe("stateful-resources-protected at a tier move's retire step", () => {
  it("accepts the retired old home in both directions", async () => {
    expect(await refused(toDedicated())).toEqual([]);
    expect(await refused(toPooled())).toEqual([]);
  });

  it("refuses the old home without its cascade armed (the retire step's shape)", async () => {
    const unarmed = edit("tenant-initech-retired-schema", (i) => (i.dropCascade = false))(toDedicated());
    expect(await refused(unarmed)).toEqual([urnOf(SCHEMA, "tenant-initech-retired-schema")]);
  });

  it("refuses when the new home is not protected: nothing verified stands protected", async () => {
    const bare = edit("tenant-initech-move-schema", (_i, r) => (r.protect = false))(toDedicated());
    expect(await refused(bare)).toEqual([
      urnOf(SCHEMA, "tenant-initech-retired-schema"),
      urnOf(SCHEMA, "tenant-initech-move-schema"),
    ]);
  });

  it("refuses a lone unprotected schema (no second home of the tenant)", async () => {
    const alone = toDedicated().filter((r) => r.name !== "tenant-initech-move-schema");
    expect(await refused(alone)).toEqual([urnOf(SCHEMA, "tenant-initech-retired-schema")]);
  });

  it("refuses the old database while its schema is still protected, and never accepts the shared role", async () => {
    const early = edit("tenant-acme-retired-schema", (_i, r) => (r.protect = true))(toPooled());
    expect(await refused(early)).toEqual([urnOf(DATABASE, "tenant-acme-db")]);
    const role = edit("tenant-acme-role", (_i, r) => (r.protect = false))(toPooled());
    expect(await refused(role)).toEqual([urnOf(ROLE, "tenant-acme-role")]);
  });

  it("judges the shape only in production (staging protects nothing)", async () => {
    const bare = edit("tenant-initech-move-schema", (_i, r) => (r.protect = false))(toDedicated());
    expect(await violationsOf(safetyPolicies, bare, "staging")).toEqual([]);
  });
});
