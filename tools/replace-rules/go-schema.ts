// Reads the replace-on-change fields out of a Terraform provider's Go schema source (SDKv2 `ForceNew: true`, plugin
// framework `RequiresReplace()` plan modifiers), the way the Pulumi bridge sees them: a change to such a field makes
// the bridged provider's Diff answer "replace" (pulumi/pulumi-terraform-bridge pkg/tfbridge/provider.go, Diff).
// A small brace-aware scanner, not a Go parser: it knows schema maps (`"key": {…}`, `names.AttrKey: {…}`,
// `"key": schema.StringAttribute{…}`) and nothing else, which is all a schema function holds.

export interface SchemaField {
  /** Terraform path, nested blocks joined by dots (`rule.filter.prefix`). */
  path: string[];
  forceNew: boolean;
  /** Replace decided at plan time by a function (`RequiresReplaceIf…`): listed, not assumed. */
  conditional: boolean;
  /** 1-based line of the rule in the file (or of the key when there is no rule). */
  line: number;
  /** A list or set block/attribute without `MaxItems: 1`: Pulumi names it in the plural. */
  plural: boolean;
  /** Optional and Computed: the provider fills it when the program leaves it out (state holds a value). */
  computed: boolean;
  /** An input (Optional or Required) string attribute: what SetAutonaming looks at. */
  inputString: boolean;
}

const KEY = /(?:"([a-z0-9_]+)"|names\.Attr(\w+)|\b([A-Za-z]\w*))\s*:\s*(&?schema\.\w+|[\w.]*(?:Attribute|Block))?\s*$/;

/** String constants of a Go file (`schemaDatabaseAttr = "database"`): schema keys are often named by one. */
export function goStringConstants(source: string): Map<string, string> {
  return new Map([...source.matchAll(/^\s*(\w+)\s*=\s*"([a-z0-9_]+)"\s*$/gm)].map((m) => [m[1], m[2]]));
}

const snake = (camel: string) => camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** The text of the function whose signature matches `signature`, from its opening brace to its closing one. */
export function functionBody(source: string, signature: RegExp): { body: string; offset: number } {
  const match = signature.exec(source);
  if (!match) throw new Error(`no function matching ${signature}`);
  // A signature ending in "{" is a schema map declared as a variable (`topicSchema = map[…]*schema.Schema{`).
  const end = match.index + match[0].length - 1;
  const open = match[0].endsWith("{") ? end : source.indexOf("{", source.indexOf(")", end));
  const close = matchingBrace(source, open);
  return { body: source.slice(open, close + 1), offset: open };
}

/** Index of the brace closing the one at `open`, skipping strings, runes and comments. */
function matchingBrace(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const skipped = skipLiteral(source, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    if (source[i] === "{") depth++;
    else if (source[i] === "}" && --depth === 0) return i;
  }
  throw new Error("unbalanced braces");
}

/** If a string, rune or comment starts at i, the index just past it; else i. */
function skipLiteral(s: string, i: number): number {
  const c = s[i];
  if (c === "/" && s[i + 1] === "/") return s.indexOf("\n", i) < 0 ? s.length : s.indexOf("\n", i);
  if (c === "/" && s[i + 1] === "*") return s.indexOf("*/", i + 2) + 2;
  if (c === "`") return s.indexOf("`", i + 1) + 1;
  if (c === '"' || c === "'") {
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === "\\") j++;
      else if (s[j] === c) return j + 1;
    }
  }
  return i;
}

interface Frame {
  key?: string;
  start: number;
  end: number;
  parent?: Frame;
  header: string;
}

/** Every schema field declared in `body` (a schema function's text), with its replace rule. */
export function schemaFields(
  source: string,
  body: { body: string; offset: number },
  constants = goStringConstants(source),
): SchemaField[] {
  const text = body.body;
  const frames: Frame[] = [];
  const stack: Frame[] = [];
  let segmentStart = 0;
  for (let i = 0; i < text.length; i++) {
    const skipped = skipLiteral(text, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    const c = text[i];
    if (c === "{") {
      const header = text.slice(segmentStart, i);
      const key = KEY.exec(header.trimEnd());
      const name = key ? (key[1] ?? (key[2] ? snake(key[2]) : constants.get(key[3]))) : undefined;
      const frame: Frame = {
        key: name,
        start: i,
        end: -1,
        parent: stack[stack.length - 1],
        header: key?.[4] ?? "",
      };
      frames.push(frame);
      stack.push(frame);
      segmentStart = i + 1;
    } else if (c === "}") {
      stack.pop()!.end = i;
      segmentStart = i + 1;
    } else if (c === "," || c === "\n") segmentStart = i + 1;
  }
  const keyed = frames.filter((f) => f.key !== undefined);
  const owner = (pos: number) =>
    keyed.filter((f) => f.start <= pos && pos <= f.end).sort((a, b) => b.start - a.start)[0];
  const lineOf = (pos: number) => source.slice(0, body.offset + pos).split("\n").length;
  const fields = new Map<Frame, SchemaField>();
  for (const frame of keyed) {
    const path: string[] = [];
    for (let f: Frame | undefined = frame; f; f = f.parent) if (f.key) path.unshift(f.key);
    // The frame's own text: its body less its keyed children's bodies.
    let own = text.slice(frame.start, frame.end + 1);
    for (const child of keyed.filter((k) => k !== frame && owner(k.start - 1) === frame))
      own = own.replace(text.slice(child.start, child.end + 1), "{}");
    const list =
      /TypeList|TypeSet/.test(own) || /^(?:schema\.)?(?:List|Set)(?:Nested)?(?:Attribute|Block)$/.test(frame.header);
    const single = /MaxItems:\s*1\b/.test(own) || /SizeAtMost\(1\)/.test(own);
    fields.set(frame, {
      path,
      forceNew: false,
      conditional: false,
      line: lineOf(frame.start),
      plural: list && !single,
      computed: /Computed:\s*true/.test(own) && /Optional:\s*true/.test(own),
      inputString:
        (/TypeString/.test(own) || frame.header.endsWith("StringAttribute")) && /(Optional|Required):\s*true/.test(own),
    });
  }
  const rules: Array<[RegExp, keyof Pick<SchemaField, "forceNew" | "conditional">]> = [
    [/ForceNew:\s*true/g, "forceNew"],
    [/\bRequiresReplace\(\)/g, "forceNew"],
    // terraform-provider-random's keepers: replace when a value changes and is not null.
    [/\bRequiresReplaceIfValuesNotNull\(\)/g, "forceNew"],
    [/\bRequiresReplaceIf(?:Configured)?\(/g, "conditional"],
  ];
  for (const [pattern, kind] of rules)
    for (const m of text.matchAll(pattern)) {
      const frame = owner(m.index);
      if (!frame) continue;
      const field = fields.get(frame)!;
      if (field[kind]) continue;
      field[kind] = true;
      field.line = lineOf(m.index);
    }
  return [...fields.values()];
}

/** `customdiff.ForceNewIf*("field", …)` in the resource's CustomizeDiff: replace under a condition. */
export function conditionalForceNew(source: string, body: { body: string; offset: number }) {
  return [...body.body.matchAll(/customdiff\.ForceNewIf(?:Change)?\(\s*"([a-z0-9_.]+)"/g)].map((m) => ({
    path: m[1].split("."),
    line: source.slice(0, body.offset + m.index).split("\n").length,
  }));
}
