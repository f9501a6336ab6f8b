// A DR stack derived from its primary's file (config/dr-shared.ts) and the rules of the failover and upgrade
// procedures (config/rules-runbooks.ts), on the fixtures: what the DR stack shares comes from the primary, the file
// cannot hold a copy that would drift, the primary's restores become the DR's sources, and secrets stay per stack.
import { describe, expect, it } from "vitest";
import * as stacks from "../fixtures/stacks";
import { parseStackConfig, problemsOf } from "../helpers/config";
import type { StackReader } from "../../config";
import { SHARED_WITH_PRIMARY } from "../../config/dr-shared";

type Obj = Record<string, any>;
const sections = (config: Obj) =>
  Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith("platform:"))
      .map(([k, v]) => [k.slice("platform:".length), v]),
  );
const readerOf =
  (primary: Obj): StackReader =>
  (stack) =>
    stack === "prod" ? { raw: sections(primary), awsRegion: primary["aws:region"] } : undefined;

/** The standby as the repo writes prod-dr: the shared sections left to prod's file, its own tenant secrets. */
const derivedStandby = (): Obj => stacks.productionStandbyFile();

describe("a DR stack derived from its primary's stack file", () => {
  it("parses to what the full copy parses to", () => {
    const derived = parseStackConfig(derivedStandby(), readerOf(stacks.production()));
    const copied = parseStackConfig(stacks.productionStandby());
    expect({ ...derived, dr: { ...derived.dr, primaryStack: undefined, primaryInstances: undefined } }).toEqual(copied);
  });

  it("takes an onboarding, a scaling change and a restore from the primary; the restore as its source, not a copy", () => {
    const prod = stacks.withTenants(stacks.production(), { id: "nakatomi", name: "Nakatomi", tier: "standard" });
    prod["platform:workers"].default.maxReplicas = 20;
    const restore = { snapshotId: "rds:platform-db-instance-2026-11-20-03-10", label: "restore-20261120" };
    Object.assign(prod["platform:database"], { restore, retainedInstances: [{}] });
    const dr = parseStackConfig(derivedStandby(), readerOf(prod));
    expect(dr.tenants.map((t) => t.id)).toContain("nakatomi");
    expect(dr.workers.default.maxReplicas).toBe(20);
    expect(dr.database.restore).toBeUndefined();
    expect(dr.database.retainedInstances).toEqual([]);
    expect(dr.dr?.primaryInstances).toEqual({ restore, retainedInstances: [{ retire: false }] });
  });

  it("refuses a shared section in the DR file, naming it and where to edit", () => {
    const config = derivedStandby();
    config["platform:workers"] = stacks.production()["platform:workers"];
    expect(problemsOf(config, readerOf(stacks.production()))).toEqual([
      {
        key: "platform:workers",
        message:
          "comes from the primary stack's file (Pulumi.prod.yaml, platform:dr.primaryStack): remove it here and edit it there",
      },
    ]);
  });

  it("refuses a primary without a file, one in another region, and primaryInstances set by hand", () => {
    expect(problemsOf(derivedStandby(), () => undefined).map((p) => p.key)).toContain("platform:dr.primaryStack");
    const elsewhere = stacks.production();
    elsewhere["aws:region"] = "eu-west-1";
    expect(problemsOf(derivedStandby(), readerOf(elsewhere)).map((p) => p.key)).toContain("platform:dr.region");
    const byHand = derivedStandby();
    byHand["platform:dr"].primaryInstances = { retainedInstances: [] };
    expect(problemsOf(byHand, readerOf(stacks.production())).map((p) => p.key)).toContain(
      "platform:dr.primaryInstances",
    );
  });

  it("keeps secrets per stack: the primary's ciphertext is refused, the DR file's own is laid over by tenant id", () => {
    const prod = stacks.production();
    prod["platform:tenants"][1].connectors = { crm: { clientSecret: { secure: "v1:cHJvZC1vbmx5" } } };
    const problems = problemsOf(derivedStandby(), readerOf(prod));
    expect(problems.map((p) => p.key)).toEqual(["platform:tenants[1].connectors.crm.clientSecret"]);
    expect(SHARED_WITH_PRIMARY).toContain("tenants");
    expect(problems[0].message).toMatch(/encrypted for that stack: give this stack its own/);
    const own = derivedStandby();
    own["platform:tenants"].push({ id: "globex", connectors: { crm: { clientSecret: { secure: "v1:ZHItb3du" } } } });
    expect(problemsOf(own, readerOf(prod))).toEqual([]);
    own["platform:tenants"][1] = { id: "globex", name: "Globex again" };
    expect(problemsOf(own, readerOf(prod)).map((p) => p.key)).toContain("platform:tenants");
  });
});

describe("failover and upgrade rules (config/rules-runbooks.ts)", () => {
  it("a DR stack promoted to primary says whether the failed region is reachable", () => {
    const config = stacks.productionStandby() as Obj;
    config["platform:dr"].role = "primary";
    expect(problemsOf(config).map((p) => p.key)).toEqual(["platform:dr.regionAvailable"]);
    config["platform:dr"].regionAvailable = false;
    expect(problemsOf(config)).toEqual([]);
    const primary = stacks.production();
    primary["platform:dr"].regionAvailable = false;
    expect(problemsOf(primary).map((p) => p.key)).toEqual(["platform:dr.regionAvailable"]);
  });

  it("allows a major upgrade only while the maintenance snapshot exists (a standby follows its source)", () => {
    const config = stacks.production();
    Object.assign(config["platform:database"], { engineVersion: "17", allowMajorVersionUpgrade: true });
    expect(problemsOf(config).map((p) => p.key)).toEqual(["platform:database.allowMajorVersionUpgrade"]);
    config["platform:maintenance"] = { enabled: true };
    expect(problemsOf(config).map((p) => p.key)).toEqual(["platform:database.allowMajorVersionUpgrade"]);
    config["platform:maintenance"].snapshot = "before-pg17-upgrade";
    expect(problemsOf(config)).toEqual([]);
    const standby = stacks.productionStandby() as Obj;
    standby["platform:database"].allowMajorVersionUpgrade = true;
    expect(problemsOf(standby)).toEqual([]);
  });
});
