// The drift filter and the plan's deferred-change notes. Preview fixtures follow Pulumi's PreviewDigest, the JSON of
// `pulumi preview --json` (pulumi/pulumi pkg/display/json.go: steps of { op, urn, oldState, newState, diffReasons,
// detailedDiff: { <path>: { kind, inputDiff } } }; ops from pkg/resource/deploy/step.go; diff kinds from
// sdk/go/common/resource/plugin/provider.go). The deferral rule is RDS's: with ApplyImmediately false, a class,
// storage, engine-version or Multi-AZ modification waits for the maintenance window ("Settings for DB instances"), and
// until then the provider reads the running value back, so every refreshed preview shows it again.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { PreviewDigest, PreviewStep, checkDrift, main, stackConfig } from "../../tools/drift-check";
import { deferredChangeNotes, pendingChangeNotes } from "../../components/database/deferred";
import { PROJECT_ROOT, renderStack } from "../helpers/render";
import type { PlatformConfig } from "../../config";
import * as stacks from "../fixtures/stacks";

type Obj = Record<string, any>;
const INSTANCE_URN =
  "urn:pulumi:prod::platform::platform:database:Database$aws:rds/instance:Instance::platform-db-instance";

/** A refreshed preview step of the RDS instance after `up` asked for db.r6g.xlarge while db.r6g.large still runs. */
function pendingClassStep(overrides: Partial<PreviewStep> = {}): PreviewStep {
  return {
    op: "update",
    urn: INSTANCE_URN,
    oldState: {
      type: "aws:rds/instance:Instance",
      inputs: { instanceClass: "db.r6g.xlarge", allocatedStorage: 200 },
      outputs: { instanceClass: "db.r6g.large", allocatedStorage: 200 },
    },
    newState: { type: "aws:rds/instance:Instance", inputs: { instanceClass: "db.r6g.xlarge", allocatedStorage: 200 } },
    diffReasons: ["instanceClass"],
    detailedDiff: { instanceClass: { kind: "update", inputDiff: false } },
    ...overrides,
  };
}
/** A project root holding the prod and staging fixtures as Pulumi.<stack>.yaml files (the tool reads them by name). */
function fixtureRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "drift-root-"));
  for (const stack of ["prod", "staging"] as const)
    writeFileSync(join(root, `Pulumi.${stack}.yaml`), stringify({ config: stacks.stackFixture(stack) }));
  return root;
}
const ROOT = fixtureRoot();

const digest = (...steps: PreviewStep[]): PreviewDigest => ({
  steps: [{ op: "same", urn: "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod" }, ...steps],
});

describe("tools/drift-check.ts", () => {
  let prod: PlatformConfig;
  let staging: PlatformConfig;
  beforeAll(() => {
    prod = stackConfig("prod", ROOT);
    staging = stackConfig("staging", ROOT);
  });

  it("production defers instance changes to the window; staging applies them immediately", () => {
    expect(prod.database.applyChanges).toBe("maintenanceWindow");
    expect(staging.database.applyChanges).toBe("immediately");
  });

  it("tolerates exactly a pending class change in a stack that defers to the window", () => {
    const verdict = checkDrift(digest(pendingClassStep()), prod);
    expect(verdict.drifted).toEqual([]);
    expect(verdict.tolerated).toEqual([
      `${INSTANCE_URN}: instanceClass "db.r6g.large" → "db.r6g.xlarge" (pending until the maintenance window sun:04:30-sun:05:30)`,
    ]);
  });

  it("reports as drift: a non-deferred field, a change `up` never sent, a replacement, other resources", () => {
    const cases: PreviewStep[] = [
      pendingClassStep({
        diffReasons: ["instanceClass", "deletionProtection"],
        detailedDiff: {
          instanceClass: { kind: "update", inputDiff: false },
          deletionProtection: { kind: "update", inputDiff: false },
        },
      }),
      pendingClassStep({
        oldState: { type: "aws:rds/instance:Instance", inputs: { instanceClass: "db.r6g.large" }, outputs: {} },
        detailedDiff: { instanceClass: { kind: "update", inputDiff: true } },
      }),
      pendingClassStep({
        op: "replace",
        detailedDiff: { instanceClass: { kind: "update-replace", inputDiff: false } },
      }),
      {
        op: "update",
        urn: "urn:pulumi:prod::platform::aws:cloudwatch/metricAlarm:MetricAlarm::platform-db-alarm-cpu",
        newState: { type: "aws:cloudwatch/metricAlarm:MetricAlarm" },
        detailedDiff: { threshold: { kind: "update", inputDiff: false } },
      },
      { op: "create", urn: "urn:pulumi:prod::platform::aws:s3/bucket:Bucket::console-made" },
    ];
    for (const step of cases) expect(checkDrift(digest(step), prod).drifted, step.op).toHaveLength(1);
  });

  it("tolerates nothing in a stack that applies immediately (staging) or has no database (a shard)", () => {
    expect(checkDrift(digest(pendingClassStep()), staging).drifted).toHaveLength(1);
    expect(checkDrift(digest(pendingClassStep()), { database: undefined as never }).drifted).toHaveLength(1);
  });

  it("exits 0 on tolerated or no changes, 1 on drift (printing it), 2 on bad usage, as the workflow calls it", () => {
    const dir = mkdtempSync(join(tmpdir(), "drift-"));
    const write = (name: string, value: unknown) => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(value));
      return file;
    };
    const pending = write("pending.json", digest(pendingClassStep()));
    const drifted = write("drift.json", digest(pendingClassStep({ diffReasons: ["port"], detailedDiff: {} })));
    // The command line exits with main's code (a usage error reads no stack file); main reads the fixtures' root.
    const usage = spawnSync("npx", ["tsx", "tools/drift-check.ts", "--stack", "prod"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    expect([usage.status, usage.stderr]).toEqual([2, expect.stringContaining("usage: tsx tools/drift-check.ts")]);
    const run = (...args: string[]) => {
      const log = vi.spyOn(console, "log").mockImplementation(() => {});
      try {
        const status = main(args, ROOT);
        return { status, stdout: log.mock.calls.map((c) => c.join(" ")).join("\n") };
      } finally {
        log.mockRestore();
      }
    };
    const ok = run("--stack", "prod", pending);
    expect([ok.status, ok.stdout]).toEqual([0, expect.stringContaining("deferred (tolerated):")]);
    const bad = run("--stack", "prod", drifted);
    expect([bad.status, bad.stdout]).toEqual([1, expect.stringContaining(`drift: update ${INSTANCE_URN}: port`)]);
    expect(main(["--stack", "prod"], ROOT)).toBe(2);
    expect(main(["--stack", "nope", pending], ROOT)).toBe(2);
  });
});

describe("the plan's deferred-change notes", () => {
  it("name the window and the static parameters waiting for a reboot", () => {
    const prod = stackConfig("prod", ROOT);
    const notes = deferredChangeNotes(prod.database);
    expect(notes[0]).toContain("maintenance window sun:04:30-sun:05:30");
    expect(notes[1]).toContain("rds.force_ssl, shared_preload_libraries");
    expect(deferredChangeNotes(stackConfig("staging", ROOT).database)).toHaveLength(1); // reboot only
  });

  it("list the pending class change and the changed static parameter against the base plan", async () => {
    const changed = stacks.production() as Obj;
    changed["platform:database"].instanceClass = "db.r6g.2xlarge";
    changed["platform:database"].parameters.shared_preload_libraries = "pg_stat_statements";
    const [base, next] = await Promise.all([
      renderStack(stacks.production(), { stack: "prod" }),
      renderStack(changed, { stack: "prod" }),
    ]);
    const instance = next.find("aws:rds/instance:Instance", "platform-db-instance");
    expect(instance.inputs.applyImmediately).toBe(false);
    expect(pendingChangeNotes(base.resources, next.resources, stackConfig("prod", ROOT).database).sort()).toEqual([
      'pending until a reboot of the instances using platform-db-params: shared_preload_libraries "pg_stat_statements,auto_explain" → "pg_stat_statements" (static parameter; `aws rds reboot-db-instance`)',
      'pending until the maintenance window sun:04:30-sun:05:30: platform-db-instance instanceClass "db.r6g.xlarge" → "db.r6g.2xlarge"',
    ]);
  });
});
