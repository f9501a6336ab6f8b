import { z } from "zod";

/** One problem in the stack config, named by its full key (`platform:tenants[3].id`). */
export interface ConfigProblem {
  key: string;
  /** The value given, as JSON, or undefined when the key is missing. */
  value?: string;
  message: string;
}

/** Thrown when stack config is invalid; carries every problem found, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}

export function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map(
    (p) => `  - ${p.key}${p.value === undefined ? " (missing)" : ` = ${p.value}`}: ${p.message}`,
  );
  return `invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`;
}

export type Path = ReadonlyArray<PropertyKey>;

export function keyName(namespace: string, path: Path): string {
  let out = namespace;
  path.forEach((part, i) => {
    if (typeof part === "number") out += `[${part}]`;
    else out += i === 0 ? `:${String(part)}` : `.${String(part)}`;
  });
  return out;
}

export function valueAt(root: unknown, path: Path): { found: boolean; value?: unknown } {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== "object" || !(part in (current as object))) return { found: false };
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return { found: true, value: current };
}

export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      previous = kept;
    }
  }
  return row[b.length];
}

/** The closest known key, when it is close enough to be a likely typo. */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(unknown, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

type AnySchema = z.core.$ZodType;

/** The keys an object schema at `path` accepts (through defaults, optionals, arrays, records and unions). */
export function knownKeysAt(schema: AnySchema, path: Path): string[] {
  const defs = (s: AnySchema) => (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const unwrap = (s: AnySchema): AnySchema[] => {
    const def = defs(s);
    if (def.type === "default" || def.type === "optional" || def.type === "nullable" || def.type === "prefault")
      return unwrap(def.innerType as AnySchema);
    if (def.type === "pipe") return unwrap(def.in as AnySchema);
    if (def.type === "union") return (def.options as AnySchema[]).flatMap(unwrap);
    return [s];
  };
  let current = unwrap(schema);
  for (const part of path) {
    current = current.flatMap((s) => {
      const def = defs(s);
      if (def.type === "object") {
        const child = (def.shape as Record<string, AnySchema>)[String(part)];
        return child ? unwrap(child) : [];
      }
      if (def.type === "array") return unwrap(def.element as AnySchema);
      if (def.type === "record") return unwrap(def.valueType as AnySchema);
      return [];
    });
  }
  return [...new Set(current.flatMap((s) => (defs(s).type === "object" ? Object.keys(defs(s).shape as object) : [])))];
}

function describeExpected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      // A schema's own message (e.g. "required: …") says more than the type it expected.
      if (issue.message && !issue.message.startsWith("Invalid input")) return issue.message;
      return `expected ${issue.expected === "object" ? "a mapping" : issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
    case "too_small": {
      const what = issue.origin === "array" ? "items" : issue.origin === "string" ? "characters" : "";
      const unit = what ? ` ${what}` : "";
      return issue.message && !issue.message.startsWith("Too small")
        ? issue.message
        : `must be ${issue.inclusive ? "at least" : "more than"} ${String(issue.minimum)}${unit}`;
    }
    case "too_big": {
      const what = issue.origin === "array" ? " items" : issue.origin === "string" ? " characters" : "";
      return issue.message && !issue.message.startsWith("Too big")
        ? issue.message
        : `must be ${issue.inclusive ? "at most" : "less than"} ${String(issue.maximum)}${what}`;
    }
    case "invalid_value":
      return `allowed: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_key":
      return `invalid name: ${issue.issues.map((inner) => describeExpected(inner)).join("; ")}`;
    case "invalid_union":
      return "does not match any allowed form; see the config reference in the README";
    default:
      return issue.message;
  }
}

/** Turns zod issues for one config section into problems that name the full key and the value given. */
export function problemsFromIssues(
  namespace: string,
  section: string,
  raw: unknown,
  schema: AnySchema,
  issues: z.core.$ZodIssue[],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = [section, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, known);
        problems.push({
          key: keyName(namespace, [...path, key]),
          value: showValue(valueAt(raw, [...issue.path, key]).value),
          message: `unknown key${suggestion ? ` — did you mean "${suggestion}"?` : ""} Allowed keys here: ${known.join(", ")}`,
        });
      }
      continue;
    }
    const found = valueAt(raw, issue.path);
    problems.push({
      key: keyName(namespace, path),
      value: found.found ? showValue(found.value) : undefined,
      message: describeExpected(issue),
    });
  }
  return problems;
}
