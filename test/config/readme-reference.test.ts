// The README's config reference is written for people (meaning, links, per-environment defaults side by side), so it
// stays hand-written; this test ties it to the zod schema (config/sections.ts) so it cannot drift: every key the
// schema accepts is documented (a row of its own, or a field named in its parent's row), every documented key
// exists, and every default the table states as a literal equals the schema's default in each environment.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS, type Environment } from "../../config/common";
import { sectionSchemas } from "../../config/sections";
import { ALERT_RECEIVER_SECRET_KEYS } from "../../config/operations";
import { PROJECT_ROOT } from "../helpers/render";

type Node = any; // a zod 4 schema, walked through its `_zod.def`

interface Row {
  /** Documented keys without the `platform:` namespace; `<name>` (a record's entry) and `[]` (a list's) dropped. */
  keys: string[];
  meaning: string;
  defaults: string;
  line: string;
}

/** The rows of the README's "Config reference" table. */
function readmeRows(): Row[] {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const section = readme.split(/^## Config reference$/m)[1].split(/^## /m)[0];
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => {
      const [keyCell, meaning, defaults] = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim());
      const tokens = [...keyCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      const first = tokens[0];
      const prefix = first.slice(0, first.lastIndexOf(".") + 1);
      const keys = tokens
        .map((t) => (t.includes(":") ? t : prefix + t))
        .map((k) =>
          k
            .replace(/^platform:/, "")
            .replace(/\.<[a-z]+>/g, "")
            .replace(/\[\]/g, ""),
        );
      return { keys, meaning, defaults, line };
    });
}

/** The schema under its wrappers (optional, default, prefault, pipe input, lazy). */
function unwrap(node: Node): Node {
  for (;;) {
    const def = node._zod.def;
    if (["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"].includes(def.type))
      node = def.innerType;
    else if (def.type === "pipe") node = def.in;
    else if (def.type === "lazy") node = def.getter();
    else return node;
  }
}

/** An object's fields, looking through a list's element or a record's value. */
function fieldsOf(node: Node): Record<string, Node> | undefined {
  const def = unwrap(node)._zod.def;
  if (def.type === "object") return def.shape;
  if (def.type === "array") return fieldsOf(def.element);
  if (def.type === "record") return fieldsOf(def.valueType);
  return undefined;
}

/** The schema of a documented key (`database.backupWindow`, `workers`, `alerts.*`) in an environment. */
function schemaAt(key: string, env: Environment): Node | undefined {
  const [section, ...path] = key.split(".");
  let node: Node = (sectionSchemas(env, "single") as Record<string, { schema: Node }>)[section]?.schema;
  if (!node && section === "tenancy") node = sectionSchemas(env, "shard").tenancy.schema;
  for (const segment of path) {
    if (!node || segment === "*") break;
    node = fieldsOf(node)?.[segment];
  }
  return node;
}

/** A default as the README writes it: `16`, `true`, `[enterprise]`, `{}`. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  if (value && typeof value === "object") return Object.keys(value).length === 0 ? "{}" : JSON.stringify(value);
  return String(value);
}

const rows = readmeRows();
const OUTSIDE_SECTIONS = ["aws:region", "environment", ...ALERT_RECEIVER_SECRET_KEYS];
const rowOf = (key: string) => rows.find((r) => r.keys.includes(key));

describe("README config reference", () => {
  it("documents every key of the schema: a row of its own, or a field named in its parent's row", () => {
    const undocumented: string[] = [];
    const visit = (key: string, node: Node) => {
      const row = rowOf(key);
      const fields = fieldsOf(node);
      if (row) {
        // A row for a list, a record or an object names the fields of its entries (`platform:tenants[]`: `id`, …).
        if (fields)
          for (const field of Object.keys(fields))
            if (!new RegExp(`\\b${field}\\b`).test(row.meaning)) undocumented.push(`${key}.${field}`);
        return;
      }
      const wildcard = rowOf(`${key}.*`);
      if (fields && wildcard) {
        for (const field of Object.keys(fields))
          if (!new RegExp(`\\b${field}\\b`).test(wildcard.meaning)) undocumented.push(`${key}.${field}`);
        return;
      }
      if (fields && unwrap(node)._zod.def.type === "object")
        for (const [field, child] of Object.entries(fields)) visit(`${key}.${field}`, child);
      else undocumented.push(key);
    };
    for (const env of ENVIRONMENTS)
      for (const [section, { schema }] of Object.entries(sectionSchemas(env, "shard"))) visit(section, schema);
    for (const env of ENVIRONMENTS)
      for (const [section, { schema }] of Object.entries(sectionSchemas(env, "single"))) visit(section, schema);
    expect([...new Set(undocumented)]).toEqual([]);
  });

  it("documents only keys the schema accepts (or the receiver secrets and aws:region, read outside the sections)", () => {
    const unknown = rows
      .flatMap((r) => r.keys)
      .filter((key) => !OUTSIDE_SECTIONS.includes(key) && schemaAt(key, "production") === undefined);
    expect(unknown).toEqual([]);
    for (const secret of ALERT_RECEIVER_SECRET_KEYS) expect(rowOf(secret)?.line).toContain("(secret)");
  });

  it("states the schema's defaults per environment (`production` / other)", () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const row of rows) {
      const keys = row.keys.filter((k) => !OUTSIDE_SECTIONS.includes(k) && !k.endsWith(".*"));
      if (keys.length !== row.keys.length || keys.length === 0) continue;
      // "`a`; `b` / `c`": one part per key; "`a` / `b`" for two keys: one value each; for one key: production / other.
      const parts = row.defaults.split("; ");
      let perKey: string[] | undefined;
      if (parts.length === keys.length) perKey = parts;
      else if (parts.length === 1 && keys.length > 1 && parts[0].split(" / ").length === keys.length)
        perKey = parts[0].split(" / ");
      if (!perKey) continue;
      keys.forEach((key, i) => {
        const part = perKey[i];
        const literal = /^`([^`]*)`(?: \/ `([^`]*)`)?$/.exec(part);
        for (const env of ENVIRONMENTS) {
          const node = schemaAt(key, env);
          // A list, record or object row describes its entries' defaults in words (`platform:jobs.reconcile`).
          if (fieldsOf(node)) return;
          const parsed = node.safeParse(undefined);
          if (part === "required") {
            if (parsed.success) mismatches.push(`${key} (${env}): README says required, schema defaults it`);
          } else if (literal) {
            const expected = env === "production" ? literal[1] : (literal[2] ?? literal[1]);
            const actual = parsed.success ? shown(parsed.data) : "(required)";
            if (actual !== expected) mismatches.push(`${key} (${env}): README \`${expected}\`, schema \`${actual}\``);
          } else return;
          checked++;
        }
      });
    }
    expect(mismatches).toEqual([]);
    // The table states most defaults as literals; far fewer checked means the parser above no longer reads it.
    expect(checked).toBeGreaterThan(60);
  });
});
