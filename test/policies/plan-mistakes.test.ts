// Realistic mistakes in a copy of the prod config that this branch can already produce. The mistakes that need the
// data, workloads and tenant components are in plan-mistakes.pending.ts (renamed to .test.ts once those are merged).
import { describe, expect, it } from "vitest";
import { loadStackConfig } from "../helpers/render";
import { runPlan, writeStackFile } from "../helpers/plan-cli";

describe("mistakes in the prod config caught before any policy runs", () => {
  it("a worker image tagged :latest is rejected by the config schema (exit 2), before kubernetes-image-tag would see it", () => {
    const config = loadStackConfig("prod");
    (config["platform:workers"] as Record<string, Record<string, unknown>>).default.image = "ghcr.io/acme/worker:latest";
    const run = runPlan(["--stack", "mistake", "--config", writeStackFile(config)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('platform:workers.default.image = "ghcr.io/acme/worker:latest": the tag "latest" is not allowed');
  });
});
