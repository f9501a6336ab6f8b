import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/render";
import { PREVIEW_DOCS, previewBlock, previewsIn } from "../../tools/operations-previews";
import { STEPS } from "../runbooks/procedures";

const doc = readFileSync(join(PROJECT_ROOT, "docs/operations.md"), "utf8");
const headings = [...doc.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]);
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");

describe("docs/operations.md", () => {
  it("maps every runbook procedure of the issue to a section", () => {
    const procedures = [
      "Tenant onboarding",
      "Tenant suspension / offboarding / deletion",
      "Worker scaling, emergency scale-up",
      "Rolling deployment, rollback",
      "Backup",
      "Restore (snapshot)",
      "Point-in-time recovery",
      "Regional failover",
      "Maintenance window",
      "Key / credential rotation",
      "Alert thresholds",
      "Production readiness",
    ];
    const rows = doc
      .split("\n")
      .filter((l) => l.startsWith("| "))
      .map((l) => l.split("|")[1].trim());
    for (const procedure of procedures) expect(rows, procedure).toContain(procedure);
  });

  it("links only to sections that exist", () => {
    const anchors = new Set(headings.map(anchor));
    for (const [, target] of doc.matchAll(/\]\(#([a-z0-9-]+)\)/g)) expect(anchors, target).toContain(target);
  });

  it("shows a real plan preview for each config-change procedure, and names every operations knob", () => {
    expect((doc.match(/^ *\*\*Resources: .*\d+ unchanged\*\*$/gm) ?? []).length).toBeGreaterThanOrEqual(18);
    for (const knob of [
      "restore:",
      "retainedInstances",
      "retire: true",
      "role: primary",
      "sourceDbArn",
      "standbyWorkerFraction",
      "maintenance",
      "snapshot:",
      "passwordGeneration",
      "platformUserGeneration",
      "keepPreviousPlatformPassword",
      "credentialsGeneration",
    ]) {
      expect(doc, knob).toContain(knob);
    }
  });

  it("states RPO and RTO for each recovery path against the runbooks' targets", () => {
    expect(doc).toContain("runbook targets: RPO 15 min, RTO 4 h");
    for (const path of [
      "Multi-AZ failover (host or AZ loss)",
      "PITR in region",
      "Snapshot restore",
      "Regional failover (`prod-dr`)",
      "Logical dump",
    ])
      expect(doc, path).toContain(`| ${path} |`);
  });

  it("shows only previews of runbook walk steps (test/runbooks: npm run docs:previews prints them)", () => {
    const shown = PREVIEW_DOCS.flatMap((file) => previewsIn(readFileSync(join(PROJECT_ROOT, file), "utf8")));
    expect(previewsIn(doc).length).toBeGreaterThanOrEqual(18);
    for (const name of shown) expect([...STEPS.keys()], name).toContain(name);
  });

  it("previews keep the summary and headings and cut long lists", () => {
    const markdown = [
      "### Changes against base",
      "",
      "**Resources: ~ 3 to update · 1 unchanged**",
      "",
      "#### Changed",
      "",
      "- a",
      "- b",
      "- c",
      "",
    ].join("\n");
    expect(previewBlock(markdown, 2)).toBe(
      [
        "```markdown",
        "**Resources: ~ 3 to update · 1 unchanged**",
        "",
        "#### Changed",
        "",
        "- a",
        "- b",
        "- … and 1 more",
        "```",
      ].join("\n"),
    );
  });
});
