// Project lint: house rules a type checker does not see. Run by `npm run lint` after `tsc --noEmit`.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(__dirname, "..");
const MAX_LINES = 400;
const SKIP = new Set(["node_modules", "out", ".git", ".bench"]);

function files(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files(path, out);
    else out.push(path);
  }
  return out;
}

const problems: string[] = [];
const all = files(ROOT);
for (const file of all.filter((f) => f.endsWith(".ts"))) {
  const lines = readFileSync(file, "utf8").split("\n").length;
  if (lines > MAX_LINES)
    problems.push(`${relative(ROOT, file)}: ${lines} lines (split it: at most ~${MAX_LINES} per file)`);
}
const scripts = all.filter((f) => f.endsWith(".sh"));
if (scripts.length > 0) {
  const result = spawnSync("shellcheck", scripts, { encoding: "utf8" });
  if (result.error)
    problems.push(`shellcheck not found: install it (apt-get install shellcheck) to lint ${scripts.length} scripts`);
  else if (result.status !== 0) problems.push(`shellcheck:\n${result.stdout}`);
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`lint: ${all.length} files checked, no problems`);
