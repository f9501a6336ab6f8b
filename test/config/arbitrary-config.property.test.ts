// No input makes the plan crash: arbitrary YAML values in every section (the whole section, or one of its keys)
// are either accepted or refused as config problems that name a key — never an exception of another kind, never a
// program error after validation. Most iterations validate in-process; the accepted ones are rendered in-process
// (the program under mocks), and a few configs go through the plan CLI for its exit code.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config";
import { parseStackConfig } from "../helpers/config";
import { renderStack } from "../helpers/render";
import { runPlanAsync, writeStackFile } from "../helpers/plan-cli";
import * as stacks from "../fixtures/stacks";

const SECTIONS = [
  "environment",
  "tenancy",
  "network",
  "kubernetes",
  "database",
  "redis",
  "workers",
  "jobs",
  "backups",
  "alerts",
  "dr",
  "maintenance",
  "tenants",
];

/** What YAML can hold (the core schema): scalars, lists and mappings, plus strings that look like config values. */
const yamlValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, "", " ", "0 2 31 2 *", "tenant-acme", "none", "1Gi", "{id}"),
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: false }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 3 }),
  ),
})).value;

/** A prod config with one section replaced, or one key of one section (or of its first list item) replaced. */
const mutatedConfig = fc
  .record({
    section: fc.constantFrom(...SECTIONS),
    whole: fc.boolean(),
    pick: fc.nat(),
    value: yamlValue,
  })
  .map(({ section, whole, pick, value }) => {
    const config = stacks.production() as Record<string, any>;
    const key = `platform:${section}`;
    const current = config[key];
    const target = Array.isArray(current) ? current[0] : current;
    if (whole || target === null || typeof target !== "object") config[key] = value;
    else {
      const keys = Object.keys(target);
      target[keys[pick % keys.length] ?? "x"] = value;
    }
    return config;
  });

const KEY = /^(platform|aws):/;

describe("arbitrary values in every section never crash the validation or the program", () => {
  it("validation returns a config or a ConfigError whose problems each name a key", async () => {
    const accepted: Record<string, unknown>[] = [];
    fc.assert(
      fc.property(mutatedConfig, (config) => {
        try {
          parseStackConfig(config);
          accepted.push(config);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          expect(error.problems.length).toBeGreaterThan(0);
          for (const problem of error.problems) expect(problem.key).toMatch(KEY);
        }
      }),
      { numRuns: 300 },
    );
    // The accepted ones (a few are rendered: each costs about a second) run through the program without error.
    for (const config of accepted.slice(0, 4))
      await expect(renderStack(config, { stack: "prod" })).resolves.toBeDefined();
  }, 120_000);

  it("the plan CLI exits 0, 1 or 2 with a key-naming message and no stack trace", async () => {
    const configs = fc.sample(mutatedConfig, { numRuns: 3, seed: 16 });
    const runs = await Promise.all(
      configs.map((c) => runPlanAsync(["--stack", "prop", "--config", writeStackFile(c)])),
    );
    for (const run of runs) {
      expect([0, 1, 2], run.stderr).toContain(run.code);
      expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
      if (run.code === 2) expect(run.stderr).toMatch(/- (platform|aws):\S*/);
    }
  }, 120_000);
});
