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
    expect(script).toContain('npm run plan -- --stack "$STACK" --out ../plans/head "${diff[@]}"');
    expect(script).toContain("diff=(--diff ../plans/base/plan.json)");
    expect(script).toContain('merge_base="$(git -C head merge-base "$BASE_SHA" "$HEAD_SHA")"');
    expect(matrixStacks(job)).toEqual(stackFiles());
    const comment = workflow("offline-plan-comment.yml");
    expect(comment.on.workflow_run.workflows).toEqual(["preview"]);
    // It checks out only this repository's default branch (no ref, no other repository): never the fork's code.
    const checkouts = comment.jobs.comment.steps.filter((s: any) => String(s.uses).startsWith("actions/checkout@"));
    for (const step of checkouts) expect(Object.keys(step.with ?? {})).toEqual(["sparse-checkout"]);
    const post = comment.jobs.comment.steps.find((s: any) => String(s.run).includes("post-plan-comments.sh"));
    expect(post.env.HEAD_SHA).toBe("${{ github.event.workflow_run.head_sha }}");
    expect(post.env.HEAD_REPO).toBe("${{ github.event.workflow_run.head_repository.full_name }}");
    expect(JSON.stringify(comment)).not.toContain("pr-number");
  });

  it("apply on merge to main or one stack by hand, each stack on its own, after one approval per run", () => {
    const deploy = workflow("deploy.yml");
    expect(deploy.on.push.branches).toEqual(["main"]);
    expect(deploy.on.workflow_dispatch.inputs.stack.options.slice().sort()).toEqual(stackFiles());
    expect(deploy.concurrency).toBeUndefined(); // a run-wide lock would queue prod-dr behind a stuck prod
    const jobs = Object.entries(deploy.jobs as Record<string, any>);
    // One approval: only the approve job names an environment; every apply job waits for it.
    expect(jobs.filter(([, job]) => job.environment !== undefined).map(([name]) => name)).toEqual(["approve"]);
    for (const name of ["up", "up-shards"]) {
      const job = deploy.jobs[name];
      expect(job.needs).toEqual(expect.arrayContaining(["stacks", "approve"]));
      expect(job.strategy["fail-fast"]).toBe(false);
      expect(job.strategy["max-parallel"]).toBeUndefined();
      expect(job.uses).toBe("./.github/workflows/deploy-stack.yml");
      expect(job.with.sha).toBe("${{ needs.stacks.outputs.sha }}");
    }
    // Shards wait for the platform stacks of the run but not for their success.
    expect(deploy.jobs["up-shards"].if).toContain("always()");
    const stack = workflow("deploy-stack.yml").jobs.up;
    expect(stack.concurrency.group).toBe("deploy-${{ fromJSON(inputs.target).stack }}");
    expect(stack["runs-on"]).toBe("${{ fromJSON(inputs.target).runner }}");
    expect(stack.steps[0].with.ref).toBe("${{ inputs.sha }}");
    expect(stack.steps[1].run).toContain('test "$(git rev-parse HEAD)" = "$SHA"');
    expect(pulumiStep(stack).with).toMatchObject({
      command: "up",
      policyPacks: "policies",
      "always-include-summary": true,
      message: "deploy ${{ inputs.sha }}",
    });
  });

  it("check drift nightly, read-only, on each stack's VPC runner, judged by tools/drift-check.ts", () => {
    const drift = workflow("drift.yml");
    expect(drift.on.schedule).toHaveLength(1);
    const job = drift.jobs.drift;
    expect(job.strategy["fail-fast"]).toBe(false);
    expect(job["runs-on"]).toBe("${{ matrix.target.runner }}");
    const runs = job.steps.map((s: any) => s.run ?? "").join("\n");
    expect(runs).toContain(
      'pulumi preview --refresh --json --non-interactive --stack "${{ vars.PULUMI_ORG }}/platform/$STACK" > preview.json',
    );
    expect(runs).toContain('npx tsx tools/drift-check.ts --stack "$STACK" preview.json');
    // Read-only: nothing that writes the state or the cloud.
    expect(runs).not.toMatch(/pulumi (up|refresh|destroy|import|state)\b/);
    expect(pulumiStep(job).with.command).toBeUndefined();
  });

  it("pin one Pulumi CLI, the SDK's version, in every pulumi/actions step, with the summary kept in long comments", () => {
    const sdk = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
    const steps = readdirSync(WORKFLOWS).flatMap((file) =>
      Object.values(workflow(file).jobs as Record<string, any>).flatMap((job) =>
        (job.steps ?? []).filter((s: any) => String(s.uses).startsWith("pulumi/actions@")),
      ),
    );
    expect(steps).toHaveLength(3); // preview, up, drift's install
    for (const step of steps) {
      expect(step.with["pulumi-version"]).toBe(sdk);
      if (step.with.command) expect(step.with["always-include-summary"]).toBe(true);
      if (step.with.command) expect(step.env.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    }
  });
});
