// Every resource type the program registers has replace rules read from its provider's source: a type the table
// lacks would be previewed as an in-place update whatever changed. Regenerate with tools/replace-rules/run.sh.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT, renderStack } from "../helpers/render";
import { REPLACE_RULES, isComponentType } from "@platform/offline-plan";
import * as stacks from "../fixtures/stacks";

/** Types with no per-type provider diff: explicit providers (their config diff is handled apart) and reads. */
const NOT_DIFFED = /^pulumi:(providers:|pulumi:StackReference$)/;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? sourceFiles(path) : f.endsWith(".ts") ? [path] : [];
  });

describe("replace rules cover the program", () => {
  it("covers every SDK class the program constructs", () => {
    const sdk: Record<string, any> = {
      aws: require("@pulumi/aws"),
      k8s: require("@pulumi/kubernetes"),
      postgresql: require("@pulumi/postgresql"),
      random: require("@pulumi/random"),
    };
    const classes = new Set(
      ["components", "program"]
        .flatMap((d) => sourceFiles(join(PROJECT_ROOT, d)))
        .flatMap((f) => [...readFileSync(f, "utf8").matchAll(/new (aws|k8s|postgresql|random)\.([\w.]+)\(/g)])
        .map((m) => `${m[1]}.${m[2]}`),
    );
    const tokens = [...classes]
      .filter((c) => !c.endsWith(".Provider") && !c.endsWith("apiextensions.CustomResource"))
      .map((c) => c.split(".").reduce((o, k) => o[k], sdk).__pulumiType as string);
    expect(tokens.length).toBeGreaterThan(40);
    expect(tokens.filter((t) => !REPLACE_RULES.types[t])).toEqual([]);
  });

  it("covers every type of the prod and prod-dr plans (custom resources included)", async () => {
    const types = new Set<string>();
    for (const stack of ["prod", "prod-dr"] as const)
      for (const r of (await renderStack(stacks.stackFixture(stack), { stack })).resources) types.add(r.type);
    const missing = [...types].filter((t) => !isComponentType(t) && !NOT_DIFFED.test(t) && !REPLACE_RULES.types[t]);
    expect(missing).toEqual([]);
  });

  it("records the upstream commit of every source", () => {
    for (const source of Object.values(REPLACE_RULES.sources)) expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});
