// The repo's stack files as the offline plan reads them (packages/offline-plan/src/stack-file.ts, js-yaml's core
// schema) and as the tests read them (the yaml package): the same config, so tests and plans see one truth.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readStackFile, stackConfigFromObject } from "@platform/offline-plan";
import { PROJECT_ROOT } from "../helpers/render";

describe("the repo's Pulumi.<stack>.yaml files", () => {
  it("read the same through the plan's reader as through the tests' YAML parser", () => {
    const files = readdirSync(PROJECT_ROOT).filter((f) => /^Pulumi\.[\w-]+\.yaml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const path = join(PROJECT_ROOT, file);
      const expected = stackConfigFromObject(
        (parse(readFileSync(path, "utf8")) as { config: Record<string, unknown> }).config,
        "platform",
      );
      expect(readStackFile(path, "platform"), file).toEqual(expected);
    }
  });
});
