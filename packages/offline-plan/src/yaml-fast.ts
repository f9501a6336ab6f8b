// A YAML emitter for JSON data (what recorded Kubernetes objects are): block style like `yaml`'s stringify, strings
// plain when that reads back as the same string, else double-quoted (JSON's escapes are valid YAML), multi-line
// strings as literal blocks. About ten times faster than the general library on manifests, which the offline plan
// writes by the thousand. test/plan/yaml-fast.test.ts checks that `yaml` parses every output back to its input.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Strings YAML (1.2 core schema, and 1.1 readers such as kubectl's) would read as something else.
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~|)$/i;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./@=+,()$-]*(?: [A-Za-z0-9_./@=+,()$-]+)*$/;

function scalarString(s: string): string {
  if (PLAIN.test(s) && !RESERVED.test(s)) return s;
  return JSON.stringify(s);
}

/** A literal block (`|`), when the string can be one: several lines, no carriage returns or other control characters, no leading space. */
function literalBlock(s: string, indent: string): string | undefined {
  if (
    !s.includes("\n") ||
    /[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s) ||
    s.startsWith(" ") ||
    s.startsWith("\n")
  )
    return undefined;
  const trailing = /\n*$/.exec(s)![0].length;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing === 0 ? s : s.slice(0, s.length - trailing);
  const lines = body.split("\n").map((line) => (line === "" ? "" : `${indent}${line}`));
  const tail = trailing > 1 ? "\n".repeat(trailing - 1) : "";
  return `|${chomp}\n${lines.join("\n")}${tail}`;
}

const isEmpty = (v: Json) =>
  Array.isArray(v) ? v.length === 0 : v !== null && typeof v === "object" && Object.keys(v).length === 0;

function scalar(value: Json, indent: string): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML for JSON data`);
    return String(value);
  }
  if (typeof value === "string") return literalBlock(value, indent) ?? scalarString(value);
  if (Array.isArray(value)) return "[]";
  return "{}";
}

function emit(value: Json, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item !== null && typeof item === "object" && !isEmpty(item)) {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        // The first line of the nested block goes after "- ".
        out.push(`${indent}- ${lines[0].slice(indent.length + 2)}`, ...lines.slice(1));
      } else out.push(`${indent}- ${scalar(item, `${indent}  `)}`);
    }
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, Json>)) {
    if (item === undefined) continue;
    const k = scalarString(key);
    if (item !== null && typeof item === "object" && !isEmpty(item)) {
      out.push(`${indent}${k}:`);
      emit(item, Array.isArray(item) ? indent : `${indent}  `, out);
    } else out.push(`${indent}${k}: ${scalar(item, `${indent}  `)}`);
  }
}

/** YAML text of a JSON value (a mapping or sequence at the top), ending in a newline. */
export function toYaml(value: unknown): string {
  const json = value as Json;
  if (json === null || typeof json !== "object" || isEmpty(json)) return `${scalar(json, "")}\n`;
  const out: string[] = [];
  emit(json, "", out);
  return `${out.join("\n")}\n`;
}
