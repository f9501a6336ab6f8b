// The storage alarms against RDS storage autoscaling as AWS documents it ("Managing capacity automatically with
// Amazon RDS storage autoscaling", Amazon RDS User Guide): a storage modification starts when free space is ≤ 10 %
// of the allocation for at least five minutes (and six hours since the last one); it adds the larger of 10 GiB,
// 10 % of the allocation, or the growth predicted for the next 7 hours; never past the maximum storage threshold.
// The alarms are CloudWatch metric math over FreeStorageSpace (bytes): evaluated here the way CloudWatch does, an
// arithmetic expression with `m1` bound to the metric's value.
import { beforeAll, describe, expect, it } from "vitest";
import { Finders, renderStack } from "../../helpers/render";
import { alarmsByRole } from "../../helpers/data-tier";
import type { RecordedResource, RenderResult } from "@platform/offline-plan";
import { databaseAlarmSpecs } from "../../../components/database";
import * as stacks from "../../fixtures/stacks";

const ALERTS = {
  cpuPercent: { warning: 80, forMinutes: 10 },
  diskPercent: { warning: 80, critical: 90 },
  memoryPercent: { warning: 85, critical: 95 },
  dbConnectionsPercent: { warning: 80, critical: 95 },
  replicationLagSeconds: { warning: 30, critical: 300 },
};
const SPEC_INPUTS = { identifier: "db", replicaIdentifiers: [], memoryGib: 32, maxConnections: 1000, alerts: ALERTS };
const resolved = (value: unknown): Promise<string> =>
  (value as { promise(): Promise<string> }).promise?.() ?? Promise.resolve(String(value));

type Obj = Record<string, any>;
const GIB = 1024 ** 3;

/** The alarm's verdict for a FreeStorageSpace value, through its metric-math expression. */
function breaches(alarm: RecordedResource, freeBytes: number): boolean {
  const inputs = alarm.inputs as Obj;
  const query = (inputs.metricQueries as Obj[]).find((q) => q.returnData);
  const expression = String(query!.expression);
  expect(expression).toMatch(/^[\d\s+\-*/().m1]+$/); // plain arithmetic over m1
  const value = Function("m1", `return ${expression};`)(freeBytes) as number;
  expect(inputs.comparisonOperator).toBe("GreaterThanThreshold");
  return value > (inputs.threshold as number);
}

/** Allocation after RDS autoscaling reacts to `used` GiB (free ≤ 10 % → the larger of 10 GiB and 10 %, capped). */
function autoscale(allocated: number, used: number, ceiling: number): number {
  let size = allocated;
  while (size - used <= 0.1 * size && size < ceiling) size = Math.min(ceiling, size + Math.max(10, 0.1 * size));
  return size;
}

/** The alarms of an instance whose allocation (as Pulumi last read it) is `allocated` GiB. */
async function alarmsAt(allocated: number, ceiling?: number) {
  const config = stacks.production() as Obj;
  config["platform:database"].allocatedStorageGb = allocated;
  if (ceiling === undefined) delete config["platform:database"].maxAllocatedStorageGb;
  else config["platform:database"].maxAllocatedStorageGb = ceiling;
  const stack: RenderResult & Finders = await renderStack(config, { stack: "prod" });
  const alarms = alarmsByRole(stack, stack.find("platform:database:Database", "platform-db"), "platform-db");
  return { warning: alarms.get("free-storage-warning")!, critical: alarms.get("free-storage-critical")! };
}

describe("PostgreSQL storage alarms with storage autoscaling (200 GiB growing to 1,000)", () => {
  let at200: Awaited<ReturnType<typeof alarmsAt>>;
  let at1000: Awaited<ReturnType<typeof alarmsAt>>;
  beforeAll(async () => {
    [at200, at1000] = await Promise.all([alarmsAt(200, 1000), alarmsAt(1000, 1000)]);
  });

  it("do not page when autoscaling triggers (free ≤ 10 % of 200 GiB): RDS adds storage itself", () => {
    const free = 0.1 * 200 * GIB;
    expect(breaches(at200.critical, free)).toBe(false);
    expect(breaches(at200.warning, free)).toBe(false);
    // what autoscaling then does: 200 → 220 GiB for 180 GiB used
    expect(autoscale(200, 180, 1000)).toBe(220);
  });

  it("along a growth from 100 to 990 GiB used, page only past 90 % of the ceiling, warn only past 80 %", async () => {
    const alerts = { ...ALERTS, diskPercent: { warning: 80, critical: 90 } };
    let allocated = 200;
    const fired: { critical: number[]; warning: number[] } = { critical: [], warning: [] };
    for (let used = 100; used <= 990; used += 10) {
      allocated = autoscale(allocated, used, 1000);
      // the alarms as the last refresh left them: built from the live allocation (the nightly drift check refreshes)
      const specs = databaseAlarmSpecs({
        ...SPEC_INPUTS,
        alerts,
        allocatedStorageGb: allocated,
        maxAllocatedStorageGb: 1000,
      });
      for (const severity of ["critical", "warning"] as const) {
        const spec = specs.find((a) => a.role === `free-storage-${severity}`)!;
        const expression = await resolved(spec.expression!.expression);
        const value = Function("m1", `return ${expression};`)((allocated - used) * GIB) as number;
        if (value > spec.threshold) fired[severity].push(used);
      }
    }
    expect(fired.critical[0]).toBe(910);
    expect(fired.warning[0]).toBe(810);
    expect(fired.critical.every((u) => u > 900) && fired.warning.every((u) => u > 800)).toBe(true);
  });

  it("the old fixed thresholds (free < 10 % / 20 % of 200 GiB) would page at the first autoscaling and miss 98 % used", () => {
    const oldCritical = (freeBytes: number) => freeBytes < 0.1 * 200 * GIB;
    expect(oldCritical(0.1 * 200 * GIB - 1)).toBe(true); // every autoscaling trigger
    expect(oldCritical(25 * GIB)).toBe(false); // 975 of 1,000 GiB used: silent
    expect(breaches(at1000.critical, 25 * GIB)).toBe(true);
  });
});

describe("PostgreSQL storage alarms without autoscaling", () => {
  it("are the share of the allocation used", async () => {
    const fixed = await alarmsAt(500);
    expect(breaches(fixed.critical, 0.09 * 500 * GIB)).toBe(true);
    expect(breaches(fixed.critical, 0.11 * 500 * GIB)).toBe(false);
    expect(breaches(fixed.warning, 0.19 * 500 * GIB)).toBe(true);
    expect((fixed.critical.inputs as Obj).metricQueries[0].metric).toMatchObject({
      namespace: "AWS/RDS",
      metricName: "FreeStorageSpace",
      stat: "Minimum",
      period: 60,
    });
  });
});
