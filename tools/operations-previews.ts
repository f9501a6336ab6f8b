// Refreshes the plan previews in docs/operations.md and docs/tenants.md: each `<!-- preview:NAME[:KEEP] -->` … `<!-- /preview -->` block
// is replaced by the `--diff` Markdown of the procedure NAME below (a stack file edited as the doc describes),
// planned with `npm run plan` against the plan it changes. Run after changing components: `npm run docs:previews`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { TIER_MOVE_STEPS } from "../test/runbooks/walks-tier-move";

const ROOT = resolve(__dirname, "..");
/** The docs whose previews this refreshes. */
const DOCS = [join(ROOT, "docs", "operations.md"), join(ROOT, "docs", "tenants.md")];
type Config = Record<string, any>;

interface Procedure {
  stack: "prod" | "prod-dr";
  /** The procedure whose plan this one is diffed against; the stack file as it is when omitted. */
  after?: string;
  /** The stack file's config edited into the state after the procedure (always from the file, not from `after`). */
  edit: (c: Config) => void;
}

/** A step of the tier move walk (test/runbooks/walks-tier-move.ts), planned against the step before it. */
const moveStep = (name: string, after?: string): Procedure => ({
  stack: "prod",
  after,
  edit: TIER_MOVE_STEPS.find((s) => s.name === name)!.edit,
});

const tenant = (c: Config, id: string) => c["platform:tenants"].find((t: Config) => t.id === id);
const restore = { snapshotId: "rds:platform-db-instance-2026-11-20-03-10", label: "restore-20261120" };

/** Every procedure the doc shows, as the edit of the stack file it is. */
export const PROCEDURES: Record<string, Procedure> = {
  "onboard-enterprise": {
    stack: "prod",
    edit: (c) =>
      c["platform:tenants"].push({ id: "soylent", name: "Soylent Corp", tier: "enterprise", dedicatedWorkers: true }),
  },
  suspend: { stack: "prod", edit: (c) => (tenant(c, "acme").state = "suspended") },
  offboard: { stack: "prod", edit: (c) => (tenant(c, "wayne-ent").state = "offboarded") },
  delete: {
    stack: "prod",
    after: "offboard",
    edit: (c) => Object.assign(tenant(c, "wayne-ent"), { state: "deleted", deleteData: true }),
  },
  "scale-emergency": {
    stack: "prod",
    edit: (c) => Object.assign(c["platform:workers"].default, { minReplicas: 12, maxReplicas: 40 }),
  },
  deploy: {
    stack: "prod",
    edit: (c) => Object.values(c["platform:workers"]).forEach((p: any) => (p.image = "ghcr.io/acme/worker:1.5.0")),
  },
  "backup-schedule": { stack: "prod", edit: (c) => (c["platform:backups"].schedule = "0 1 * * *") },
  restore: { stack: "prod", edit: (c) => Object.assign(c["platform:database"], { restore, retainedInstances: [{}] }) },
  "restore-retire": {
    stack: "prod",
    after: "restore",
    edit: (c) => Object.assign(c["platform:database"], { restore, retainedInstances: [{ retire: true }] }),
  },
  "restore-drop": {
    stack: "prod",
    after: "restore-retire",
    edit: (c) => Object.assign(c["platform:database"], { restore }),
  },
  "restore-drop-unretired": {
    stack: "prod",
    after: "restore",
    edit: (c) => Object.assign(c["platform:database"], { restore }),
  },
  pitr: {
    stack: "prod",
    edit: (c) =>
      Object.assign(c["platform:database"], {
        restore: {
          pointInTime: { sourceInstance: "platform-db-instance-4f1c2ab", time: "2026-11-20T13:45:00Z" },
          label: "pitr-20261120-1345",
        },
        retainedInstances: [{}],
      }),
  },
  failover: { stack: "prod-dr", edit: (c) => (c["platform:dr"].role = "primary") },
  "maintenance-on": {
    stack: "prod",
    edit: (c) =>
      (c["platform:maintenance"] = { enabled: true, snapshot: "before-pg17-upgrade", reason: "PostgreSQL 17 upgrade" }),
  },
  "maintenance-off": { stack: "prod", after: "maintenance-on", edit: () => {} },
  "rotate-master": { stack: "prod", edit: (c) => (c["platform:database"].passwordGeneration = 2) },
  "rotate-redis-1": {
    stack: "prod",
    edit: (c) => Object.assign(c["platform:redis"], { platformUserGeneration: 2, keepPreviousPlatformPassword: true }),
  },
  "rotate-redis-2": {
    stack: "prod",
    after: "rotate-redis-1",
    edit: (c) => (c["platform:redis"].platformUserGeneration = 2),
  },
  alerts: { stack: "prod", edit: (c) => (c["platform:alerts"].errorRate = { warning: 0.03, critical: 0.1 }) },
  "tier-move-copy": moveStep("tier-move-copy"),
  "tier-move-switch": moveStep("tier-move-switch", "tier-move-copy"),
  "tier-move-retire": moveStep("tier-move-retire", "tier-move-switch"),
  "tier-move-drop": moveStep("tier-move-drop", "tier-move-retire"),
};

let workDir: string | undefined;
const work = () => (workDir ??= mkdtempSync(join(tmpdir(), "operations-previews-")));
const plans = new Map<string, { planJson: string; markdown: string }>();

function runPlan(name: string, stack: string, config: Config, base?: string) {
  const file = join(work(), `${name}.yaml`);
  writeFileSync(file, stringify({ config }));
  const out = join(work(), name);
  const args = [
    join(ROOT, "node_modules/tsx/dist/cli.mjs"),
    join(ROOT, "tools/plan.ts"),
    "--stack",
    stack,
    "--config",
    file,
    "--out",
    out,
    ...(base ? ["--diff", base] : []),
  ];
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  // Exit 1 with only refusals on stderr is a preview too: the doc shows what `pulumi up` would refuse.
  const refusedOnly =
    run.status === 1 &&
    run.stderr
      .trim()
      .split("\n")
      .every((l) => l.startsWith("refused: "));
  if (run.status !== 0 && !refusedOnly) throw new Error(`plan of ${name} exited ${run.status}:\n${run.stderr}`);
  const start = run.stdout.indexOf("### Changes");
  return { planJson: join(out, "plan.json"), markdown: start < 0 ? "" : run.stdout.slice(start) };
}

function plan(name: string): { planJson: string; markdown: string } {
  const known = plans.get(name);
  if (known) return known;
  if (name === "prod" || name === "prod-dr") {
    const result = runPlan(name, name, stackConfig(name));
    plans.set(name, result);
    return result;
  }
  const procedure = PROCEDURES[name];
  if (!procedure)
    throw new Error(`docs/operations.md shows preview "${name}", which tools/operations-previews.ts does not define`);
  const base = plan(procedure.after ?? procedure.stack);
  // Each edit describes the whole state after the procedure, starting from the stack file.
  const config = stackConfig(procedure.stack);
  procedure.edit(config);
  const result = runPlan(name, procedure.stack, config, base.planJson);
  plans.set(name, result);
  return result;
}

const stackConfig = (stack: string): Config =>
  (parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Config }).config;

/** The `--diff` Markdown without its heading, each list cut to `keep` items, as a fenced block. */
export function previewBlock(markdown: string, keep: number): string {
  const lines: string[] = [];
  let items: string[] = [];
  const flush = () => {
    lines.push(...items.slice(0, keep));
    if (items.length > keep) lines.push(`- … and ${items.length - keep} more`);
    items = [];
  };
  for (const line of markdown.split("\n").slice(1)) {
    if (line.startsWith("- ")) items.push(line);
    else if (line.startsWith("####")) {
      flush();
      lines.push("", line, "");
    } else if (line.startsWith("**")) lines.push(line);
    else if (line.startsWith("`pulumi up` refuses")) lines.push(line, "");
  }
  flush();
  return ["```markdown", ...lines, "```"].join("\n").replace(/\n{3,}/g, "\n\n");
}

function main() {
  for (const file of DOCS) refresh(file);
}

function refresh(file: string) {
  const doc = readFileSync(file, "utf8");
  const updated = doc.replace(
    /^( *)<!-- preview:([a-z0-9-]+)(?::(\d+))? -->\n[\s\S]*?<!-- \/preview -->/gm,
    (_all, pad: string, name: string, keep?: string) => {
      const block = previewBlock(plan(name).markdown, Number(keep ?? 6));
      const marker = `<!-- preview:${name}${keep ? `:${keep}` : ""} -->`;
      return [marker, ...block.split("\n"), "<!-- /preview -->"].map((l) => (l ? pad + l : l)).join("\n");
    },
  );
  writeFileSync(file, updated);
  console.log(`${file}: ${plans.size} plans, previews ${updated === doc ? "unchanged" : "updated"}`);
}

if (require.main === module) main();
