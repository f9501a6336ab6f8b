// The fork-preview comment job's shell (.github/scripts/post-plan-comments.sh) run with a stub `gh` on PATH that
// answers like GitHub's REST API: `GET /repos/{o}/{r}/pulls?head=user:ref-name` filters open pull requests by head
// label, `GET /repos/{o}/{r}/issues/{n}/comments` lists comments, `POST` creates, `PATCH
// /repos/{o}/{r}/issues/comments/{id}` edits (docs.github.com/rest/pulls/pulls#list-pull-requests,
// docs.github.com/rest/issues/comments). `gh api --paginate` prints one JSON array per page.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../helpers/render";

const SCRIPT = join(PROJECT_ROOT, ".github/scripts/post-plan-comments.sh");
const BODY_SCRIPT = join(PROJECT_ROOT, ".github/scripts/offline-plan-body.sh");
const work = mkdtempSync(join(tmpdir(), "plan-comments-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BOT = "github-actions[bot]";
const HEAD_SHA = "a".repeat(40);

/** A stub `gh` (Node) keeping pull requests and comments in a JSON file and logging every call. */
const STUB = `#!/usr/bin/env node
const fs = require("fs");
const file = process.env.GH_STUB_STATE;
const state = JSON.parse(fs.readFileSync(file, "utf8"));
const args = process.argv.slice(2);
if (args[0] !== "api") { console.error("stub gh: only api"); process.exit(2); }
let method = "GET", path, input = false;
for (let i = 1; i < args.length; i++) {
  if (args[i] === "--method" || args[i] === "-X") method = args[++i];
  else if (args[i] === "--input") { input = args[++i] === "-"; }
  else if (args[i] === "--paginate") {}
  else path = args[i];
}
const body = input ? JSON.parse(fs.readFileSync(0, "utf8")) : undefined;
state.calls.push({ method, path, body });
const url = new URL(path, "https://api.github.com/");
const parts = url.pathname.split("/").filter(Boolean);
let out, m;
if (method === "GET" && parts[3] === "pulls" && parts.length === 4) {
  const head = url.searchParams.get("head");
  out = state.pulls.filter((p) => p.state === url.searchParams.get("state") &&
    (!head || head === p.head.repo.owner.login + ":" + p.head.ref));
} else if (method === "GET" && parts[3] === "issues" && parts[5] === "comments") {
  out = state.comments.filter((c) => c.issue === Number(parts[4]));
} else if (method === "POST" && parts[3] === "issues" && parts[5] === "comments") {
  out = { id: state.nextId++, issue: Number(parts[4]), user: { login: state.botLogin }, body: body.body };
  state.comments.push(out);
} else if (method === "PATCH" && parts[3] === "issues" && parts[4] === "comments") {
  out = state.comments.find((c) => c.id === Number(parts[5]));
  if (!out || out.user.login !== state.botLogin) { console.error("HTTP 403"); process.exit(1); }
  out.body = body.body;
} else { console.error("stub gh: unexpected " + method + " " + path); process.exit(2); }
fs.writeFileSync(file, JSON.stringify(state));
process.stdout.write(JSON.stringify(out));
`;
const bin = join(work, "bin");
mkdirSync(bin);
writeFileSync(join(bin, "gh"), STUB);
chmodSync(join(bin, "gh"), 0o755);

interface Comment {
  id: number;
  issue: number;
  user: { login: string };
  body: string;
}
interface State {
  pulls: unknown[];
  comments: Comment[];
  nextId: number;
  botLogin: string;
  calls: { method: string; path: string; body?: { body: string } }[];
}

const pull = (number: number, owner: string, ref: string, sha: string) => ({
  number,
  state: "open",
  head: { ref, sha, repo: { full_name: `${owner}/platform`, owner: { login: owner } } },
});

function newState(comments: Comment[] = []): string {
  const path = join(work, `state-${Math.random().toString(36).slice(2)}.json`);
  const state: State = {
    // #7 is the fork's pull request; #3 another contributor's, which the forged artifact names.
    pulls: [pull(7, "forker", "fix-alerts", HEAD_SHA), pull(3, "someone", "other", "b".repeat(40))],
    comments,
    nextId: 100,
    botLogin: BOT,
    calls: [],
  };
  writeFileSync(path, JSON.stringify(state));
  return path;
}
const readState = (path: string) => JSON.parse(readFileSync(path, "utf8")) as State;

function artifact(bodies: Record<string, string>, prNumber = "3"): string {
  const dir = mkdtempSync(join(work, "comment-"));
  for (const [stack, body] of Object.entries(bodies)) writeFileSync(join(dir, `${stack}.md`), body);
  writeFileSync(join(dir, "pr-number"), prNumber); // forged: the script must never read it
  return dir;
}

function post(dir: string, statePath: string, env: Record<string, string> = {}) {
  return spawnSync("bash", [SCRIPT, dir], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      GH_STUB_STATE: statePath,
      GH_REPO: "acme/platform",
      HEAD_SHA,
      HEAD_REPO: "forker/platform",
      HEAD_BRANCH: "fix-alerts",
      ...env,
    },
  });
}

describe("fork preview comments (post-plan-comments.sh)", () => {
  it("posts one comment per stack on the pull request found from the head SHA, ignoring the artifact's PR number", () => {
    const state = newState();
    const result = post(artifact({ prod: "## prod plan\n", staging: "## staging plan\n" }, "3"), state);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const { comments, calls } = readState(state);
    expect(comments.map((c) => [c.issue, c.body])).toEqual([
      [7, "<!-- platform-plan:prod -->\n## prod plan\n"],
      [7, "<!-- platform-plan:staging -->\n## staging plan\n"],
    ]);
    expect(calls.every((c) => !c.path.includes("/issues/3/"))).toBe(true);
    expect(calls[0]!.path).toContain("head=forker%3Afix-alerts");
  });

  it("edits each stack's comment in place on a second run, leaving other comments alone", () => {
    const human: Comment = { id: 1, issue: 7, user: { login: "reviewer" }, body: "<!-- platform-plan:prod -->\nlgtm" };
    const state = newState([human]);
    expect(post(artifact({ prod: "first prod\n", staging: "first staging\n" }), state).status).toBe(0);
    expect(post(artifact({ prod: "second prod\n", staging: "second staging\n" }), state).status).toBe(0);
    const { comments, calls } = readState(state);
    expect(comments).toEqual([
      human,
      { id: 100, issue: 7, user: { login: BOT }, body: "<!-- platform-plan:prod -->\nsecond prod\n" },
      { id: 101, issue: 7, user: { login: BOT }, body: "<!-- platform-plan:staging -->\nsecond staging\n" },
    ]);
    expect(calls.filter((c) => c.method === "PATCH").map((c) => c.path)).toEqual([
      "repos/acme/platform/issues/comments/100",
      "repos/acme/platform/issues/comments/101",
    ]);
  });

  it("a marker inside a body does not capture another stack's comment", () => {
    const state = newState();
    post(artifact({ prod: "real prod\n" }), state);
    post(artifact({ staging: "<!-- platform-plan:prod -->\nforged\n" }), state);
    post(artifact({ prod: "prod again\n" }), state);
    const bodies = readState(state).comments.map((c) => c.body);
    expect(bodies).toEqual([
      "<!-- platform-plan:prod -->\nprod again\n",
      "<!-- platform-plan:staging -->\n<!-- platform-plan:prod -->\nforged\n",
    ]);
  });

  it("posts nothing when no open pull request has the run's head commit from the head repository", () => {
    const forged: Record<string, string>[] = [
      { HEAD_SHA: "c".repeat(40) },
      { HEAD_REPO: "someone/platform", HEAD_BRANCH: "other" },
    ];
    for (const env of forged) {
      const state = newState();
      const result = post(artifact({ prod: "x\n" }), state, env);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/::error::no single open pull request/);
      expect(readState(state).calls.filter((c) => c.method !== "GET")).toEqual([]);
    }
  });

  it("bounds a long body by cutting its end, so the summary that opens it stays, and skips non-stack file names", () => {
    const state = newState();
    const long = "**+1 to add · ~0 to change · -0 to remove**\n" + "x".repeat(5000);
    const result = post(artifact({ prod: long, "../evil": "no", "Bad Name": "no" }), state, { MAX_BODY: "1000" });
    expect(result.status).toBe(0);
    const [comment] = readState(state).comments;
    expect(readState(state).comments).toHaveLength(1);
    expect(comment!.body.startsWith("<!-- platform-plan:prod -->\n**+1 to add")).toBe(true);
    expect(comment!.body).toMatch(/… cut at 1000 of 5044 characters/);
    expect(comment!.body.length).toBeLessThan(1200);
  });
});

describe("fork preview comment bodies (offline-plan-body.sh)", () => {
  function body(files: Record<string, string>) {
    const plans = mkdtempSync(join(work, "plans-"));
    mkdirSync(join(plans, "head"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(plans, name), text);
    const result = spawnSync("bash", [BODY_SCRIPT, "prod-tenants-c", plans], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, HEAD_SHA },
    });
    expect(result.status).toBe(0);
    return result.stdout;
  }

  it("says so explicitly for a new stack and for a failing merge-base plan, and puts the summary first", () => {
    const summary = { "head/summary.md": "# Offline plan\n\n**+70 to add**\n", "exit-code": "0\n" };
    expect(body({ ...summary, "base-status": "new\n" })).toMatch(
      /^## Offline plan: `prod-tenants-c` \(exit 0\)\n\n\*\*New stack\*\*: `Pulumi\.prod-tenants-c\.yaml` does not exist at the merge base.*\n\n# Offline plan\n/,
    );
    expect(body({ ...summary, "base-status": "failed (exit 2)\n" })).toMatch(
      /\*\*The merge base's plan failed \(exit 2\)\*\*: no diff, the whole plan of head `aaaaaaaaaaaa` follows\./,
    );
    expect(body({ ...summary, "base-status": "ok\n", "merge-base": "d".repeat(40) })).toMatch(
      /Head `aaaaaaaaaaaa` against the merge base `dddddddddddd`\./,
    );
  });

  it("is never empty: without a summary it shows the plan's output", () => {
    expect(
      body({ "base-status": "ok\n", "merge-base": "d".repeat(40), "exit-code": "2\n", "stdout.txt": "bad config" }),
    ).toMatch(/\(exit 2\)[\s\S]*```\nbad config\n```/);
  });
});
