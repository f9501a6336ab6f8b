// The reviewer's view of a classification, in the words and glyphs of `pulumi preview --diff`: `+ create`,
// `~ update`, `+- replace` (`--`/`++` delete-replaced/create-replacement order when the old one goes first),
// `- delete`, `= import` (pulumi/pulumi pkg/resource/deploy/step.go RawPrefix), values as `old => new`
// (pkg/backend/display/object_diff.go), and the "Resources:" summary with `N to create … M unchanged`
// (pkg/backend/display/diff.go renderSummaryEvent). Refusals and protected resources come first, then groups.
import { Classification, GLYPH, PropertyChange, ResourceStep, StepOp } from "./classify";

const ORDER: Array<Exclude<StepOp, "same">> = ["create", "update", "delete", "replace", "import"];
const MAX_PROPERTIES = 8;
const MAX_VALUE = 60;

/** A value as Pulumi prints it: strings quoted, secrets as [secret], long values cut. */
export function showValue(value: unknown): string {
  if (value === "[secret]") return "[secret]";
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** One property change: `~ spec.maxReplicas: 12 => 20`, `+ labels.tier: "gold"`, `- env[3]: {…}`. */
export function showProperty(p: PropertyChange): string {
  if (p.secretFrom) return `~ ${p.path}: [secret] => [secret] (changed: reads regenerated ${p.secretFrom})`;
  const body =
    p.kind === "add"
      ? `+ ${p.path}: ${showValue(p.new)}`
      : p.kind === "delete"
        ? `- ${p.path}: ${showValue(p.old)}`
        : `~ ${p.path}: ${showValue(p.old)} => ${showValue(p.new)}`;
  return p.old === "[secret]" && p.new === "[secret]" ? `${body} (changed)` : body;
}

/** The step's label as the CLI's Plan column shows it. */
export function opLabel(s: ResourceStep): string {
  if (s.op !== "replace") return s.op;
  return s.deleteBeforeReplace ? "replace (-- delete-replaced first, then ++ create-replacement)" : "replace";
}

/** The "Resources:" summary lines, as the CLI prints them after a preview. */
export function summaryLines(c: Classification): string[] {
  const lines = ORDER.filter((op) => c.counts[op] > 0).map((op) => `${GLYPH[op].padEnd(2)}${c.counts[op]} to ${op}`);
  const total = ORDER.reduce((n, op) => n + c.counts[op], 0);
  const tail = [...(lines.length >= 2 ? [`${total} changes`] : []), `${c.unchanged} unchanged`].join(". ");
  return [...lines, tail];
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

function stepLine(s: ResourceStep): string {
  const head = `${code(`${GLYPH[s.op]} ${opLabel(s)}`)} ${code(s.type)} ${code(s.name)}`;
  const facts = [
    ...(s.protect.new || s.protect.old ? ["protected"] : []),
    ...(s.op === "delete" && s.retainOnDelete ? ["retainOnDelete: dropped from the stack, not deleted"] : []),
    ...(s.importId ? [`import id ${code(s.importId)}: the inputs must match the existing resource`] : []),
    ...s.options,
  ];
  const replacing = [...new Set(s.properties.filter((p) => p.replaces).map((p) => p.replaces!))];
  const props = s.properties.slice(0, MAX_PROPERTIES).map((p) => code(showProperty(p)));
  if (s.properties.length > MAX_PROPERTIES) props.push(`and ${s.properties.length - MAX_PROPERTIES} more`);
  const ignored = s.ignored.map((p) => code(showProperty(p)));
  return [
    head,
    facts.length > 0 ? ` (${facts.join("; ")})` : "",
    props.length > 0 ? `: ${props.join(", ")}` : "",
    replacing.length > 0 ? ` — ${replacing.join("; ")}` : "",
    ignored.length > 0 ? ` — ignored (ignoreChanges): ${ignored.join(", ")}` : "",
  ].join("");
}

/** The Markdown preview: summary, refusals, protected resources affected, then each group's steps. */
export function previewMarkdown(c: Classification, title: string): string {
  const lines = [`### ${title}`, "", `**Resources: ${summaryLines(c).join(" · ")}**`, ""];
  if (c.refused.length > 0) {
    lines.push(
      `#### ⛔ Refused: ${c.refused.length} protected resource(s) would be deleted or replaced`,
      "",
      "`pulumi up` refuses these steps and so does this plan (exit 1).",
      "",
    );
    for (const s of c.refused) lines.push(`- ${code(`${GLYPH[s.op]} ${opLabel(s)}`)} ${s.refused}`);
    lines.push("");
  }
  const protectedSteps = c.steps.filter((s) => (s.protect.old || s.protect.new) && !s.refused);
  if (protectedSteps.length > 0) {
    lines.push("#### Protected resources affected", "");
    for (const s of protectedSteps) lines.push(`- ${stepLine(s)}`);
    lines.push("");
  }
  const groups = new Map<string, ResourceStep[]>();
  for (const s of c.steps) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  for (const [group, steps] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`#### ${group}`, "");
    const rank = (s: ResourceStep) => ["delete", "replace", "update", "import", "create"].indexOf(s.op);
    for (const s of [...steps].sort((a, b) => rank(a) - rank(b))) lines.push(`- ${stepLine(s)}`);
    lines.push("");
  }
  if (c.ignored.length > 0) {
    lines.push("#### Ignored (`ignoreChanges`: the engine keeps the old values, no step)", "");
    for (const s of c.ignored)
      lines.push(`- ${code(s.type)} ${code(s.name)}: ${s.ignored.map((p) => code(showProperty(p))).join(", ")}`);
    lines.push("");
  }
  return lines.join("\n");
}

/** The ten-second view of the changes, for stdout: the summary, refusals first. */
export function previewStdout(c: Classification, base: string): string[] {
  const lines = [`  Changes against ${base}:`];
  if (c.refused.length > 0)
    lines.push(
      `    ⛔ ${c.refused.length} protected resource(s) would be deleted or replaced: pulumi up refuses (plan exits 1)`,
    );
  const touched = c.steps.filter((s) => s.protect.old || s.protect.new).length;
  if (touched > 0) lines.push(`    ${touched} protected resource(s) affected`);
  lines.push(...summaryLines(c).map((l) => `    ${l}`));
  if (c.ignored.length > 0) lines.push(`    ${c.ignored.length} resource(s) with changes ignored (ignoreChanges)`);
  return lines;
}
