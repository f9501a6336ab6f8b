import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readStackFile, stackConfigFromObject } from "../../tools/lib/stack-file";
import { PROJECT_ROOT } from "../helpers/render";

const dir = mkdtempSync(join(tmpdir(), "stack-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading Pulumi.<stack>.yaml (the offline plan's reader)", () => {
  it("reads every stack file of the repo as the tests' YAML parser does", () => {
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

  it("keeps YAML 1.2 scalars as the CLI reads them: yes and dates stay strings, secure values become secret keys", () => {
    const file = join(dir, "Pulumi.t.yaml");
    writeFileSync(
      file,
      "config:\n  platform:flag: yes\n  since: 2026-01-01\n  platform:count: 0x10\n  platform:token:\n    secure: AAABAE\n",
    );
    const { config, secretKeys } = readStackFile(file, "platform");
    expect(config["platform:flag"]).toBe("yes");
    expect(config["platform:since"]).toBe("2026-01-01");
    expect(config["platform:count"]).toBe("16");
    expect(secretKeys).toEqual(["platform:token"]);
    expect(config["platform:token"]).not.toContain("AAABAE");
  });
});
