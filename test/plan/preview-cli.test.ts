// The plan CLI refuses what `pulumi up` refuses (exit 1) and a --diff base that is not this stack's (exit 2).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlan, writeStackFile } from "../helpers/plan-cli";
import * as stacks from "../fixtures/stacks";

describe("npm run plan --diff (refusals and the base guard)", () => {
  const prodFile = writeStackFile(stacks.production());
  const base = runPlan(["--stack", "prod", "--config", prodFile]);
  const basePlan = join(base.outDir, "plan.json");

  it("exits 1 when a removed tenant entry would delete protected resources, naming each and the way out", () => {
    const config = stacks.production();
    config["platform:tenants"] = (config["platform:tenants"] as Array<{ id: string }>).filter(
      (t) => t.id !== "initech",
    );
    const head = runPlan(["--stack", "prod", "--config", writeStackFile(config), "--diff", basePlan]);
    expect(head.code).toBe(1);
    // step.go DeleteStep.Apply refuses a protected resource: the role and schema of a pooled tenant are protected.
    const refused = head.stderr.split("\n").filter((l) => l.startsWith("refused: "));
    expect(refused.map((l) => /"([^"]+)"/.exec(l)?.[1])).toEqual(["tenant-initech-role", "tenant-initech-schema"]);
    for (const line of refused) expect(line).toMatch(/protected.*`state: deleted`, then `deleteData: true`/);
    expect(head.stdout).toMatch(/^ {4}⛔ 2 protected resource\(s\) would be deleted or replaced/m);
    // The ten-second view: the change summary comes before the policy result and the counts by type.
    expect(head.stdout.indexOf("to delete")).toBeLessThan(head.stdout.indexOf("policies:"));
    expect(head.stdout.indexOf("policies:")).toBeLessThan(head.stdout.indexOf("most:"));
  });

  it("exits 2 on a base of another stack, naming both, and on a missing or unreadable base", () => {
    const other = join(base.outDir, "other-plan.json");
    writeFileSync(other, JSON.stringify({ ...JSON.parse(readFileSync(basePlan, "utf8")), stack: "staging" }));
    const wrong = runPlan(["--stack", "prod", "--config", prodFile, "--diff", other]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("is the plan of platform/staging, not of platform/prod");
    const missing = runPlan(["--stack", "prod", "--config", prodFile, "--diff", join(base.outDir, "none.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such plan.json");
    writeFileSync(other, "{ not json");
    expect(runPlan(["--stack", "prod", "--config", prodFile, "--diff", other]).code).toBe(2);
  });
});
