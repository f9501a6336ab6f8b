import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as k8s from "@pulumi/kubernetes";
import { manifestsOf } from "../src/kubernetes";
import { renderProgram } from "../src/render";
import { toYaml } from "../src/yaml-fast";
import { renderOptions } from "./fixtures";

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

  it("writes rendered Kubernetes objects as YAML that parses back to the object, scripts as literal blocks", async () => {
    const script = '#!/usr/bin/env bash\nset -euo pipefail\npg_dump "$URL" | gzip > "/backup/$(date +%F).gz"\n';
    const { resources } = await renderProgram(async () => {
      const config = new k8s.core.v1.ConfigMap("scripts", {
        metadata: { name: "scripts", namespace: "jobs", labels: { "app.kubernetes.io/name": "backup" } },
        data: { "backup.sh": script, retries: "3", enabled: "true", empty: "" },
      });
      new k8s.batch.v1.CronJob("backup", {
        metadata: { name: "backup", namespace: "jobs" },
        spec: {
          schedule: "0 2 * * *",
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: "Never",
                  containers: [{ name: "backup", image: "postgres:16", command: ["/bin/bash", "/scripts/backup.sh"] }],
                  volumes: [{ name: "scripts", configMap: { name: config.metadata.name, defaultMode: 0o755 } }],
                },
              },
            },
          },
        },
      });
    }, renderOptions);
    const manifests = manifestsOf(resources);
    expect(manifests.map((m) => m.file)).toEqual(["jobs/configmap-scripts.yaml", "jobs/cronjob-backup.yaml"]);
    for (const m of manifests) roundTrips(m.object);
    expect(toYaml(manifests[0].object)).toContain("  backup.sh: |\n    #!/usr/bin/env bash\n    set -euo pipefail\n");
    expect(toYaml(manifests[0].object)).toContain('  enabled: "true"\n');
  });
});
