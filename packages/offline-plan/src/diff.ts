// What changes from one plan to another, resource by resource (matched by URN), and the reviewer's Markdown of it.
// Three steps, each a function of its own: match resources by URN (added, removed), compare each matched pair
// (`resourceChange`: input paths and options), then list the holders of regenerated secrets, whose redacted inputs
// look unchanged (`secretInputChanges`). Provider rules (what the engine would replace, ignore or import) plug in
// at `resourceChange`: it sees both planned resources and returns the change a classifier reads.
import { isDeepStrictEqual } from "node:util";

/** The part of a plan.json resource a diff reads. */
export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  protect: boolean;
  retainOnDelete?: boolean;
  /** Resources this one depends on (explicitly or through its inputs). */
  dependsOn?: string[];
  inputs: Record<string, unknown>;
}

export interface ResourceChange {
  urn: string;
  type: string;
  /** Input paths that differ (`spec.template.spec.containers[0].image`), plus `(protect)` when protection changed. */
  paths: string[];
}

export interface PlanDiff {
  added: PlannedResource[];
  removed: PlannedResource[];
  /** Removed resources that are protected: `pulumi up` refuses to delete them until protection is lifted. */
  protectedRemoved: PlannedResource[];
  changed: ResourceChange[];
  unchanged: number;
}

/** Paths at which two JSON values differ, descending into objects and arrays. */
export function changedPaths(before: unknown, after: unknown, path = ""): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  const bothObjects = before !== null && after !== null && typeof before === "object" && typeof after === "object";
  if (!bothObjects || Array.isArray(before) !== Array.isArray(after)) return [path || "(root)"];
  if (Array.isArray(before) && Array.isArray(after)) {
    const paths: string[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++)
      paths.push(...changedPaths(before[i], after[i], `${path}[${i}]`));
    return paths;
  }
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .flatMap((key) => changedPaths(a[key], b[key], path ? `${path}.${key}` : key));
}

/** Types whose result is a generated secret: a new value reaches its consumers only as "[secret]" = "[secret]". */
const SECRET_SOURCE = /^random:index\/random(Password|String):/;
const SECRET = '"[secret]"';

/** The input path shown for a resource whose secret inputs change because a generated secret it reads changed. */
export const secretInputPath = (sourceName: string) => `(secret input from ${sourceName})`;

/**
 * How a resource present in both plans changed, or undefined when it did not: the input paths that differ, after
 * `(retainOnDelete)` and `(protect)` when those options changed.
 */
export function resourceChange(before: PlannedResource, after: PlannedResource): ResourceChange | undefined {
  const paths = changedPaths(before.inputs, after.inputs);
  if (before.protect !== after.protect) paths.unshift("(protect)");
  if ((before.retainOnDelete ?? false) !== (after.retainOnDelete ?? false)) paths.unshift("(retainOnDelete)");
  return paths.length > 0 ? { urn: after.urn, type: after.type, paths } : undefined;
}

/**
 * Redaction hides a secret input's new value. A resource with secret inputs that reads a regenerated credential (a
 * generated secret replaced or added: a rotation) or a resource it did not read before (a restored instance) does
 * change: for each such resource, the paths naming what it now reads (`(secret input from <name>)`).
 */
export function secretInputChanges(
  before: ReadonlyMap<string, PlannedResource>,
  head: readonly PlannedResource[],
  changed: readonly ResourceChange[],
  added: readonly PlannedResource[],
): Map<string, { type: string; paths: string[] }> {
  const regenerated = new Set([
    ...changed.filter((c) => SECRET_SOURCE.test(c.type)).map((c) => c.urn),
    ...added.filter((a) => SECRET_SOURCE.test(a.type)).map((a) => a.urn),
  ]);
  const result = new Map<string, { type: string; paths: string[] }>();
  for (const r of head) {
    const old = before.get(r.urn);
    if (!old || !JSON.stringify(r.inputs).includes(SECRET)) continue;
    const previous = new Set(old.dependsOn ?? []);
    const sources = [...new Set(r.dependsOn ?? [])].filter(
      (urn) => regenerated.has(urn) || (old.dependsOn !== undefined && !previous.has(urn)),
    );
    if (sources.length > 0)
      result.set(r.urn, { type: r.type, paths: sources.map((urn) => secretInputPath(urn.split("::").pop() ?? urn)) });
  }
  return result;
}

/** What changes from the `base` plan to the `head` plan, resource by resource (matched by URN). */
export function diffPlans(base: readonly PlannedResource[], head: readonly PlannedResource[]): PlanDiff {
  const before = new Map(base.map((r) => [r.urn, r]));
  const after = new Map(head.map((r) => [r.urn, r]));
  const added = head.filter((r) => !before.has(r.urn));
  const removed = base.filter((r) => !after.has(r.urn));
  const changed: ResourceChange[] = [];
  let unchanged = 0;
  for (const r of head) {
    const old = before.get(r.urn);
    if (!old) continue;
    const change = resourceChange(old, r);
    if (change) changed.push(change);
    else unchanged++;
  }
  const alreadyChanged = new Map(changed.map((c) => [c.urn, c]));
  for (const [urn, { type, paths }] of secretInputChanges(before, head, changed, added)) {
    const existing = alreadyChanged.get(urn);
    if (existing) existing.paths.push(...paths);
    else {
      changed.push({ urn, type, paths });
      unchanged--;
    }
  }
  return { added, removed, protectedRemoved: removed.filter((r) => r.protect), changed, unchanged };
}

const shortUrn = (urn: string) => urn.split("::").slice(2).join("::");
const MAX_PATHS = 8;

/** The reviewer's view of a diff, as Markdown: protected removals first, then removals, changes and additions. */
export function diffMarkdown(diff: PlanDiff, title = "Changes"): string {
  const lines = [
    `### ${title}`,
    "",
    `**+${diff.added.length} to add · ~${diff.changed.length} to change · -${diff.removed.length} to remove** · ${diff.unchanged} unchanged`,
    "",
  ];
  if (diff.protectedRemoved.length > 0) {
    lines.push(
      "#### ⚠️ Protected resources that would be removed",
      "",
      "`pulumi up` will refuse until `protect` is lifted in a reviewed change. If this was not intended, restore the config entry.",
      "",
    );
    for (const r of diff.protectedRemoved) lines.push(`- \`${r.type}\` \`${shortUrn(r.urn)}\``);
    lines.push("");
  }
  const unprotectedRemoved = diff.removed.filter((r) => !r.protect);
  if (unprotectedRemoved.length > 0) {
    lines.push("#### Removed", "");
    for (const r of unprotectedRemoved) lines.push(`- \`${r.type}\` \`${shortUrn(r.urn)}\``);
    lines.push("");
  }
  if (diff.changed.length > 0) {
    lines.push("#### Changed", "");
    for (const c of diff.changed) {
      const shown = c.paths
        .slice(0, MAX_PATHS)
        .map((p) => `\`${p}\``)
        .join(", ");
      lines.push(
        `- \`${c.type}\` \`${shortUrn(c.urn)}\`: ${shown}${c.paths.length > MAX_PATHS ? ` and ${c.paths.length - MAX_PATHS} more` : ""}`,
      );
    }
    lines.push("");
  }
  if (diff.added.length > 0) {
    lines.push("#### Added", "");
    for (const r of diff.added) lines.push(`- \`${r.type}\` \`${shortUrn(r.urn)}\``);
    lines.push("");
  }
  return lines.join("\n");
}
