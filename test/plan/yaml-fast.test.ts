import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { toYaml } from "../../tools/lib/yaml-fast";
import { manifestsOf } from "../../tools/lib/kubernetes";
import { loadStackConfig, renderStack } from "../helpers/render";

const roundTrips = (value: unknown) => expect(JSON.stringify(parse(toYaml(value)))).toBe(JSON.stringify(value));

describe("toYaml (the plan's manifest writer)", () => {
  it("reads back as the same value for any JSON mapping or sequence", () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom(
        "true",
        "no",
        "~",
        "1e3",
        "0x1F",
        ".5",
        "- a",
        "# x",
        "a: b",
        "a #b",
        "  lead",
        "trail ",
        "x\n",
        "x\n\n",
        "\ty\n z",
        "a\r\nb",
        "",
        "null",
        "@x",
        "*a",
        "&a",
        "!t",
        "%x",
        "|",
        ">",
        "'q'",
        '"q"',
        "2001-12-14",
      ),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        tie("array"),
        tie("object"),
      ),
      array: fc.array(tie("value"), { maxLength: 4 }),
      object: fc.dictionary(text, tie("value"), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(fc.oneof(json.object, json.array), (value) => {
        roundTrips(value);
      }),
      { numRuns: 2000 },
    );
  });

  it("writes every Kubernetes object of prod as YAML that parses back to the object, scripts as literal blocks", async () => {
    const manifests = manifestsOf((await renderStack(loadStackConfig("prod"), { stack: "prod" })).resources);
    expect(manifests.length).toBeGreaterThan(50);
    for (const m of manifests) roundTrips(m.object);
    const scripts = manifests.find(
      (m) => (m.object as { kind: string }).kind === "ConfigMap" && toYaml(m.object).includes("backup.sh"),
    )!;
    expect(toYaml(scripts.object)).toContain("  backup.sh: |\n    #!/usr/bin/env bash\n");
  });
});
