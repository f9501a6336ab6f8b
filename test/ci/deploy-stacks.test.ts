// What a deploy run applies (.github/scripts/deploy-stacks.sh) and where (.github/stacks.json), tied to the stack
// files: each stack runs on the self-hosted runner of the VPC whose database it changes (a shard: its platform
// stack's), in its own region. Runner scale sets are addressed by their installation name in `runs-on`
// (actions-runner-controller, docs.github.com "Using Actions Runner Controller runners in a workflow").
import { type StackName, stackFixture } from "../fixtures/stacks";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/render";

interface Target {
  stack: string;
  role: "platform" | "shard";
  environment: string;
  region: string;
  cluster: string;
  runner: string;
  "policy-config": string;
}
const TARGETS = JSON.parse(readFileSync(join(PROJECT_ROOT, ".github/stacks.json"), "utf8")) as Target[];
// The stack files' config, through their fixtures (test/program/stacks.test.ts checks each equals its file).
const stackConfig = (stack: string): Record<string, any> => stackFixture(stack as StackName);

const work = mkdtempSync(join(tmpdir(), "deploy-stacks-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A repository with main at M2 and a branch commit B off M1, so "on main" can be checked for real. */
function repository() {
  const dir = mkdtempSync(join(work, "repo-"));
  const git = (...args: string[]) =>
    spawnSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", ...args], {
      encoding: "utf8",
    }).stdout.trim();
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "M1");
  git("checkout", "-q", "-b", "feature");
  git("commit", "-q", "--allow-empty", "-m", "B");
  const branch = git("rev-parse", "HEAD");
  git("checkout", "-q", "main");
  git("commit", "-q", "--allow-empty", "-m", "M2");
  return { dir, main: git("rev-parse", "HEAD"), branch };
}
const repo = repository();

function select(env: Record<string, string>) {
  const output = join(mkdtempSync(join(work, "out-")), "github-output");
  writeFileSync(output, "");
  const result = spawnSync("bash", [join(PROJECT_ROOT, ".github/scripts/deploy-stacks.sh")], {
    cwd: repo.dir,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      GITHUB_OUTPUT: output,
      MAIN_REF: "main",
      STACKS_FILE: join(PROJECT_ROOT, ".github/stacks.json"),
      SHA: repo.main,
      ...env,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const stacks = (key: string) => (outputs[key] ? (JSON.parse(outputs[key]) as Target[]).map((t) => t.stack) : []);
  return { ...result, outputs, platform: stacks("platform"), shards: stacks("shards") };
}

describe(".github/stacks.json", () => {
  it("lists every stack file once, with its region, role and environment as the stack file has them", () => {
    const files = readdirSync(PROJECT_ROOT)
      .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined)
      .sort();
    expect(TARGETS.map((t) => t.stack).sort()).toEqual(files);
    for (const target of TARGETS) {
      const config = stackConfig(target.stack);
      expect(target.region, target.stack).toBe(config["aws:region"]);
      expect(target.environment, target.stack).toBe(config["platform:environment"]);
      expect(target.role, target.stack).toBe(config["platform:tenancy"]?.role === "shard" ? "shard" : "platform");
      expect(target["policy-config"]).toBe(`policies/config/${target.environment}.json`);
    }
  });

  it("runs each stack on the runner of the VPC whose database it changes: a shard on its platform stack's", () => {
    for (const target of TARGETS) {
      const tenancy = stackConfig(target.stack)["platform:tenancy"];
      const dataStack = tenancy?.role === "shard" ? String(tenancy.platformStack).split("/").pop() : target.stack;
      expect(target.runner, target.stack).toBe(`platform-${dataStack}`);
      const dataTarget = TARGETS.find((t) => t.stack === dataStack)!;
      expect(target.region, target.stack).toBe(dataTarget.region);
      expect(target.cluster, target.stack).toBe(dataTarget.cluster);
    }
    // The DR stack's runner is in its own region: promoting it needs nothing from the primary region.
    const dr = TARGETS.find((t) => t.stack === "prod-dr")!;
    expect([...new Set(TARGETS.filter((t) => t.runner === dr.runner).map((t) => t.region))]).toEqual(["us-west-2"]);
  });
});

describe("deploy-stacks.sh (what one deploy run applies)", () => {
  it("a push applies every stack, shards apart, approved once as production", () => {
    const result = select({ EVENT_NAME: "push" });
    expect(result.status).toBe(0);
    expect(result.outputs.sha).toBe(repo.main);
    expect(result.platform).toEqual(["staging", "prod", "prod-dr"]);
    expect(result.shards).toEqual(["prod-tenants-a", "prod-tenants-b", "prod-dr-tenants-a", "prod-dr-tenants-b"]);
    expect(result.outputs.environment).toBe("production");
  });

  it("a dispatch applies the one stack asked for (prod-dr alone, while the primary region is down)", () => {
    expect(select({ EVENT_NAME: "workflow_dispatch", STACK_INPUT: "prod-dr" })).toMatchObject({
      status: 0,
      platform: ["prod-dr"],
      shards: [],
      outputs: { environment: "production" },
    });
    expect(select({ EVENT_NAME: "workflow_dispatch", STACK_INPUT: "staging" }).outputs.environment).toBe("staging");
    expect(select({ EVENT_NAME: "workflow_dispatch", STACK_INPUT: "prod-tenants-b" })).toMatchObject({
      platform: [],
      shards: ["prod-tenants-b"],
    });
  });

  it("refuses an unknown stack and a commit that is not on main", () => {
    const unknown = select({ EVENT_NAME: "workflow_dispatch", STACK_INPUT: "prod-eu" });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^::error::unknown stack "prod-eu" \(known: staging, prod, prod-dr, /);
    const branch = select({ EVENT_NAME: "workflow_dispatch", STACK_INPUT: "prod", SHA: repo.branch });
    expect(branch.status).toBe(1);
    expect(branch.stderr).toContain(`commit ${repo.branch} is not on main: deploy applies merged commits only`);
    expect(branch.outputs).toEqual({});
  });
});
