// `npm run bench`: plan time and peak memory of the offline plan at 10, 100 and 1,000 tenants in one stack, beside
// the floor (tools/bench/floor.ts: the SDK re-registering the same resources through their typed classes under the
// same mocks, with no program) and, for reference, the generic floor (the same inputs through the generic
// CustomResource, without the typed classes' options and module loading). Configs are generated from
// Pulumi.prod.yaml; every run is a fresh child process, plan and floors alternating. Writes out/bench/results.json.
//   npm run bench -- [--sizes 10,100,1000] [--repeat N]
//   npm run bench -- --fleet 1000 [--shard-size 100]   a fleet as tenant shards: a platform stack and N/size shards
//                                                      (docs/shards.md), each shard's plan beside its own floor
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";
import type { PlanDocument } from "../lib/plan";

const ROOT = resolve(__dirname, "..", "..");
const WORK = join(ROOT, ".bench");

/** A realistic fleet: 5 % enterprise, 45 % standard, 50 % free; every 33rd suspended; some quota overrides. */
export function generateTenants(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const tier = i % 20 === 0 ? "enterprise" : i % 20 < 10 ? "standard" : "free";
    const entry: Record<string, unknown> = { id: `tenant-${String(i).padStart(4, "0")}`, name: `Customer ${i}`, tier };
    if (i % 33 === 32) entry.state = "suspended";
    if (tier === "standard" && i % 50 === 1) entry.quota = { pods: 60 };
    return entry;
  });
}

/** Pulumi.prod.yaml with its tenants replaced by `count` generated ones. */
export function generateStackFile(count: number): string {
  const document = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  document.config["platform:tenants"] = generateTenants(count);
  return stringify(document, { lineWidth: 0 });
}

interface Run {
  wallMs: number;
  maxRssMb: number;
  cpuMs: number;
}

/** Runs a TypeScript entry point in a fresh node process (tsx loader) and measures wall time and peak RSS. */
function measure(script: string, args: string[], usageFile: string): Run {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    ["-r", join(ROOT, "tools/bench/report-usage.cjs"), "--import", "tsx", join(ROOT, script), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, BENCH_USAGE_FILE: usageFile },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${script} ${args.join(" ")} exited ${result.status}:\n${result.stderr.slice(-4000)}`);
  const usage = JSON.parse(readFileSync(usageFile, "utf8")) as { maxRssKb: number; userMs: number; systemMs: number };
  return { wallMs, maxRssMb: usage.maxRssKb / 1024, cpuMs: usage.userMs + usage.systemMs };
}

/** Plan over floor: wall time (the target), CPU time (the plan checks manifests in a second thread), memory. */
const ratios = (row: { plan: Run; floor: Run; genericFloor: Run }) => ({
  timeRatio: row.plan.wallMs / row.floor.wallMs,
  cpuRatio: row.plan.cpuMs / row.floor.cpuMs,
  genericTimeRatio: row.plan.wallMs / row.genericFloor.wallMs,
  memoryRatio: row.plan.maxRssMb / row.floor.maxRssMb,
});

const best = (runs: Run[]): Run => ({
  wallMs: Math.min(...runs.map((r) => r.wallMs)),
  maxRssMb: Math.min(...runs.map((r) => r.maxRssMb)),
  cpuMs: Math.min(...runs.map((r) => r.cpuMs)),
});

/**
 * A generated sharded fleet: the platform stack (Pulumi.prod.yaml as role platform, no tenants) and shards of
 * `shardSize` generated tenants each, shaped like Pulumi.prod-tenants-a.yaml. Returns the shard stack names.
 */
export function writeFleet(dir: string, tenants: number, shardSize: number): string[] {
  const platform = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
  platform.config["platform:tenancy"] = { role: "platform" };
  delete platform.config["platform:tenants"];
  writeFileSync(join(dir, "Pulumi.bench-fleet.yaml"), stringify(platform, { lineWidth: 0 }));
  const template = parse(readFileSync(join(ROOT, "Pulumi.prod-tenants-a.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const all = generateTenants(tenants);
  const stacks: string[] = [];
  for (let i = 0; i * shardSize < all.length; i++) {
    const shard = `s${String(i).padStart(2, "0")}`;
    const config = {
      ...template.config,
      "platform:tenancy": {
        role: "shard",
        platformStack: "acme-org/platform/bench-fleet",
        shard,
        maxTenantsPerShard: shardSize,
      },
      "platform:tenants": all.slice(i * shardSize, (i + 1) * shardSize),
    };
    stacks.push(`bench-fleet-tenants-${shard}`);
    writeFileSync(join(dir, `Pulumi.${stacks[i]}.yaml`), stringify({ config }, { lineWidth: 0 }));
  }
  return stacks;
}

function fleetBench(tenants: number, shardSize: number, repeat: number) {
  const dir = join(WORK, "fleet");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const stacks = writeFleet(dir, tenants, shardSize);
  // The platform stack is planned once; each shard reads its outputs from that plan.json, as `pulumi up` of a shard
  // reads the platform's outputs from the backend instead of running the platform's program.
  const platformOut = join(dir, "out-bench-fleet");
  const platform = measure(
    "tools/plan.ts",
    ["--stack", "bench-fleet", "--config", join(dir, "Pulumi.bench-fleet.yaml"), "--out", platformOut],
    join(WORK, "usage.json"),
  );
  console.error(`bench: platform stack planned in ${(platform.wallMs / 1000).toFixed(1)} s`);
  const rows: Array<Record<string, any>> = [];
  for (const stack of stacks) {
    const outDir = join(dir, `out-${stack}`);
    const planRuns: Run[] = [];
    const floorRuns: Run[] = [];
    const genericRuns: Run[] = [];
    for (let i = 0; i < repeat; i++) {
      planRuns.push(
        measure(
          "tools/plan.ts",
          [
            "--stack",
            stack,
            "--config",
            join(dir, `Pulumi.${stack}.yaml`),
            "--out",
            outDir,
            "--platform-plan",
            join(platformOut, "plan.json"),
          ],
          join(WORK, "usage.json"),
        ),
      );
      floorRuns.push(measure("tools/bench/floor.ts", [join(outDir, "plan.json")], join(WORK, "usage.json")));
      genericRuns.push(
        measure("tools/bench/floor.ts", [join(outDir, "plan.json"), "--generic"], join(WORK, "usage.json")),
      );
    }
    const plan = JSON.parse(readFileSync(join(outDir, "plan.json"), "utf8")) as PlanDocument;
    const row = {
      stack,
      tenants: Object.keys(plan.summary.tenants).length,
      resources: plan.summary.resourceCount,
      plan: best(planRuns),
      floor: best(floorRuns),
      genericFloor: best(genericRuns),
      runs: { plan: planRuns, floor: floorRuns, genericFloor: genericRuns },
    };
    rows.push({ ...row, ...ratios(row) });
    rmSync(outDir, { recursive: true, force: true });
    console.error(`bench: ${stack} done (${row.resources} resources)`);
  }
  const f = (n: number, d = 1) => n.toFixed(d);
  const worst = (key: "timeRatio" | "memoryRatio") => Math.max(...rows.map((r) => r[key]));
  console.log(
    [
      `Fleet of ${tenants} tenants as ${stacks.length} shards of ≤ ${shardSize} (platform stack: Pulumi.prod.yaml as role platform, planned once in ${f(platform.wallMs / 1000)} s; shards read its plan.json with --platform-plan)`,
      "",
      "| shard | tenants | resources | plan s | floor s | time × | CPU × | generic floor s | × generic | plan MB | floor MB | memory × |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.stack} | ${r.tenants} | ${r.resources} | ${f(r.plan.wallMs / 1000)} | ${f(r.floor.wallMs / 1000)} | ${f(r.timeRatio, 2)} | ${f(r.cpuRatio, 2)} | ${f(r.genericFloor.wallMs / 1000)} | ${f(r.genericTimeRatio, 2)} | ${f(r.plan.maxRssMb, 0)} | ${f(r.floor.maxRssMb, 0)} | ${f(r.memoryRatio, 2)} |`,
      ),
      "",
      `worst shard: time ${f(worst("timeRatio"), 2)}× its floor, memory ${f(worst("memoryRatio"), 2)}×`,
    ].join("\n"),
  );
  mkdirSync(join(ROOT, "out", "bench"), { recursive: true });
  writeFileSync(
    join(ROOT, "out", "bench", "fleet-results.json"),
    `${JSON.stringify({ node: process.version, cpus: require("node:os").cpus().length, tenants, shardSize, rows }, null, 2)}\n`,
  );
  console.log("\nwrote out/bench/fleet-results.json");
}

function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "10,100,1000" },
      repeat: { type: "string", default: "1" },
      fleet: { type: "string" },
      "shard-size": { type: "string", default: "100" },
    },
  });
  if (values.fleet !== undefined)
    return fleetBench(Number(values.fleet), Number(values["shard-size"]), Math.max(1, Number(values.repeat)));
  const sizes = values.sizes!.split(",").map(Number);
  const repeat = Math.max(1, Number(values.repeat));
  mkdirSync(WORK, { recursive: true });
  const rows: Array<Record<string, any>> = [];
  for (const tenants of sizes) {
    const stackFile = join(WORK, `Pulumi.bench-${tenants}.yaml`);
    const outDir = join(WORK, `out-${tenants}`);
    writeFileSync(stackFile, generateStackFile(tenants));
    const planRuns: Run[] = [];
    const floorRuns: Run[] = [];
    const genericRuns: Run[] = [];
    for (let i = 0; i < repeat; i++) {
      // Alternate plan and floors so all see the same background load.
      planRuns.push(
        measure(
          "tools/plan.ts",
          ["--stack", `bench-${tenants}`, "--config", stackFile, "--out", outDir],
          join(WORK, "usage.json"),
        ),
      );
      floorRuns.push(measure("tools/bench/floor.ts", [join(outDir, "plan.json")], join(WORK, "usage.json")));
      genericRuns.push(
        measure("tools/bench/floor.ts", [join(outDir, "plan.json"), "--generic"], join(WORK, "usage.json")),
      );
    }
    const plan = JSON.parse(readFileSync(join(outDir, "plan.json"), "utf8")) as PlanDocument;
    const perTenant = Object.values(plan.summary.tenants).map((t) => t.resourceCount);
    const byTier: Record<string, number[]> = {};
    const tiers = new Map(generateTenants(tenants).map((t) => [t.id as string, t.tier as string]));
    for (const [id, t] of Object.entries(plan.summary.tenants)) (byTier[tiers.get(id)!] ??= []).push(t.resourceCount);
    const row = {
      tenants,
      resources: plan.summary.resourceCount,
      tenantResources: perTenant.reduce((a, b) => a + b, 0),
      resourcesPerTenant: Object.fromEntries(
        Object.entries(byTier).map(([tier, counts]) => [tier, Math.max(...counts)]),
      ),
      plan: best(planRuns),
      floor: best(floorRuns),
      genericFloor: best(genericRuns),
      runs: { plan: planRuns, floor: floorRuns, genericFloor: genericRuns },
    };
    rows.push({ ...row, ...ratios(row) });
    rmSync(outDir, { recursive: true, force: true });
    console.error(`bench: ${tenants} tenants done (${row.resources} resources)`);
  }
  // Marginal cost per tenant between consecutive sizes: linear growth keeps it flat.
  const marginal = rows.slice(1).map((r, i) => {
    const prev = rows[i];
    const dt = r.tenants - prev.tenants;
    return {
      from: prev.tenants,
      to: r.tenants,
      planMsPerTenant: (r.plan.wallMs - prev.plan.wallMs) / dt,
      floorMsPerTenant: (r.floor.wallMs - prev.floor.wallMs) / dt,
      planMbPerTenant: (r.plan.maxRssMb - prev.plan.maxRssMb) / dt,
      floorMbPerTenant: (r.floor.maxRssMb - prev.floor.maxRssMb) / dt,
    };
  });
  const f = (n: number, d = 1) => n.toFixed(d);
  const lines = [
    "| tenants | resources | per tenant (max by tier) | plan s | floor s | time × | CPU × | generic floor s | × generic | plan MB | floor MB | memory × |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.tenants} | ${r.resources} | ${Object.entries(r.resourcesPerTenant)
          .map(([t, n]) => `${t} ${n}`)
          .join(
            ", ",
          )} | ${f(r.plan.wallMs / 1000)} | ${f(r.floor.wallMs / 1000)} | ${f(r.timeRatio, 2)} | ${f(r.cpuRatio, 2)} | ${f(r.genericFloor.wallMs / 1000)} | ${f(r.genericTimeRatio, 2)} | ${f(r.plan.maxRssMb, 0)} | ${f(r.floor.maxRssMb, 0)} | ${f(r.memoryRatio, 2)} |`,
    ),
    "",
    "| sizes | plan ms/tenant | floor ms/tenant | marginal × | plan MB/tenant | floor MB/tenant |",
    "| --- | --- | --- | --- | --- | --- |",
    ...marginal.map(
      (m) =>
        `| ${m.from}→${m.to} | ${f(m.planMsPerTenant)} | ${f(m.floorMsPerTenant)} | ${f(m.planMsPerTenant / m.floorMsPerTenant, 2)} | ${f(m.planMbPerTenant, 2)} | ${f(m.floorMbPerTenant, 2)} |`,
    ),
  ];
  console.log(lines.join("\n"));
  mkdirSync(join(ROOT, "out", "bench"), { recursive: true });
  writeFileSync(
    join(ROOT, "out", "bench", "results.json"),
    `${JSON.stringify({ node: process.version, cpus: require("node:os").cpus().length, rows, marginal }, null, 2)}\n`,
  );
  console.log(`\nwrote out/bench/results.json`);
}

if (require.main === module) main();
