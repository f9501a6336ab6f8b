// Refreshes the plan previews of the runbook docs: each `<!-- preview:NAME[:KEEP] -->` … `<!-- /preview -->` block of
// docs/operations.md, docs/tenants.md and docs/shards.md is replaced by the `--diff` Markdown of the runbook walk step
// NAME (test/runbooks/procedures.ts), planned exactly as the walk tests plan and assert it: the docs show what the
// tests prove. Run after changing components or walks: `npm run docs:previews`.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { STEPS } from "../test/runbooks/procedures";
import type { StepResult } from "../test/runbooks/steps";
import { runWalk } from "../test/runbooks/walker";

const ROOT = resolve(__dirname, "..");
export const PREVIEW_DOCS = ["docs/operations.md", "docs/tenants.md", "docs/shards.md"];
const MARKER = /^( *)<!-- preview:([a-z0-9-]+)(?::(\d+))? -->\n[\s\S]*?<!-- \/preview -->/gm;

/** The step names a doc shows previews of. */
export const previewsIn = (doc: string) => [...doc.matchAll(MARKER)].map((m) => m[2]);

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

/** Runs every walk that holds a step the docs show; the results by step name. */
async function walkResults(names: readonly string[]): Promise<Map<string, StepResult>> {
  const unknown = names.filter((n) => !STEPS.has(n));
  if (unknown.length > 0)
    throw new Error(`the docs show previews ${unknown.join(", ")}, which no walk of test/runbooks/ defines`);
  const walks = [...new Set(names.map((n) => STEPS.get(n)!.walk))];
  const results = new Map<string, StepResult>();
  for (const walk of walks) for (const result of await runWalk(walk)) results.set(result.step.name, result);
  return results;
}

async function main() {
  const docs = PREVIEW_DOCS.map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") }));
  const results = await walkResults(docs.flatMap((d) => previewsIn(d.text)));
  for (const doc of docs) {
    const updated = doc.text.replace(MARKER, (_all, pad: string, name: string, keep?: string) => {
      const block = previewBlock(results.get(name)!.markdown, Number(keep ?? 6));
      const marker = `<!-- preview:${name}${keep ? `:${keep}` : ""} -->`;
      return [marker, ...block.split("\n"), "<!-- /preview -->"].map((l) => (l ? pad + l : l)).join("\n");
    });
    writeFileSync(join(ROOT, doc.file), updated);
    console.log(`${doc.file}: previews ${updated === doc.text ? "unchanged" : "updated"}`);
  }
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
