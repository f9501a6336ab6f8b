import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readStackFile, readProjectName } from "../src/stack-file";

const dir = mkdtempSync(join(tmpdir(), "stack-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// What the Pulumi CLI does with a stack file (https://www.pulumi.com/docs/iac/concepts/config/, "Configuration
// Keys" and "Structured Configuration"): a key is `[<namespace>:]<key-name>`, the namespace defaulting to the
// project's name; structured values reach the program JSON-encoded (the SDK's Config.getObject JSON.parses them).
describe("reading Pulumi.<stack>.yaml (the offline plan's reader)", () => {
  it("keeps YAML 1.2 scalars as the CLI reads them: yes and dates stay strings, secure values become secret keys", () => {
    const file = join(dir, "Pulumi.t.yaml");
    writeFileSync(
      file,
      "config:\n  fixture:flag: yes\n  since: 2026-01-01\n  fixture:count: 0x10\n  fixture:token:\n    secure: AAABAE\n  aws:tags:\n    team: data\n",
    );
    const { config, secretKeys } = readStackFile(file, "fixture");
    expect(config["fixture:flag"]).toBe("yes");
    expect(config["fixture:since"]).toBe("2026-01-01");
    expect(config["fixture:count"]).toBe("16");
    expect(secretKeys).toEqual(["fixture:token"]);
    expect(config["fixture:token"]).not.toContain("AAABAE");
    expect(JSON.parse(config["aws:tags"])).toEqual({ team: "data" });
  });

  it("reads the project name from Pulumi.yaml and refuses a file without one", () => {
    writeFileSync(join(dir, "Pulumi.yaml"), "name: fixture\nruntime: nodejs\n");
    expect(readProjectName(join(dir, "Pulumi.yaml"))).toBe("fixture");
    writeFileSync(join(dir, "Other.yaml"), "runtime: nodejs\n");
    expect(() => readProjectName(join(dir, "Other.yaml"))).toThrow(/no project name/);
  });
});
