import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../helpers/render";

const WORKFLOWS = join(PROJECT_ROOT, ".github/workflows");
const workflow = (file: string) => parse(readFileSync(join(WORKFLOWS, file), "utf8")) as Record<string, any>;
const stackFiles = () =>
  readdirSync(PROJECT_ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
const matrixStacks = (job: any): string[] =>
  (job.strategy.matrix.stack ?? job.strategy.matrix.include.map((i: any) => i.stack)).slice().sort();
const pulumiStep = (job: any) => job.steps.find((s: any) => String(s.uses).startsWith("pulumi/actions@"));

describe("CI workflows", () => {
  it("pass yamllint", () => {
    const result = spawnSync("yamllint", ["-s", "-c", join(PROJECT_ROOT, ".yamllint.yaml"), WORKFLOWS], {
      encoding: "utf8",
    });
    if (result.error) throw new Error("yamllint is not installed: apt-get install yamllint");
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("preview every stack on same-repository pull requests, with the policy pack and a PR comment", () => {
    const job = workflow("preview.yml").jobs.preview;
    expect(job.if).toContain("head.repo.full_name == github.repository");
    expect(job.permissions["pull-requests"]).toBe("write");
    expect(matrixStacks(job)).toEqual(stackFiles());
    expect(pulumiStep(job).with).toMatchObject({ command: "preview", "comment-on-pr": true, policyPacks: "policies" });
    for (const entry of job.strategy.matrix.include)
      expect(readdirSync(join(PROJECT_ROOT, "policies/config"))).toContain(entry["policy-config"].split("/").pop());
  });

  it("give pull requests from forks the offline plan diff of head against base, without secrets", () => {
    const preview = workflow("preview.yml");
    const job = preview.jobs["offline-plan"];
    expect(job.if).toContain("head.repo.full_name != github.repository");
    expect(JSON.stringify(job)).not.toContain("secrets.");
    const script = job.steps.map((s: any) => s.run ?? "").join("\n");
    expect(script).toMatch(
      /npm run plan -- --stack "\$\{\{ matrix.stack \}\}" --out \.\.\/plans\/head --diff \.\.\/plans\/base\/plan.json/,
    );
    expect(matrixStacks(job)).toEqual(stackFiles());
    const comment = workflow("offline-plan-comment.yml");
    expect(comment.on.workflow_run.workflows).toEqual(["preview"]);
    expect(JSON.stringify(comment.jobs.comment.steps)).not.toContain("actions/checkout");
  });

  it("apply on merge to main and check drift nightly", () => {
    const deploy = workflow("deploy.yml");
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(pulumiStep(deploy.jobs.up).with).toMatchObject({ command: "up", policyPacks: "policies" });
    expect(matrixStacks(deploy.jobs.up)).toEqual(stackFiles());
    const drift = workflow("drift.yml");
    expect(drift.on.schedule).toHaveLength(1);
    expect(pulumiStep(drift.jobs.drift).with).toMatchObject({
      command: "preview",
      "expect-no-changes": true,
      refresh: true,
    });
  });
});
