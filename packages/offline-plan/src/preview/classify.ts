// What `pulumi up` would do with each resource going from a base plan to a head plan, step by step as the engine
// decides (pulumi/pulumi v3.248.0 pkg/resource/deploy/step_generator.go): import when the goal carries an id the old
// state does not (L990-1001); ignoreChanges resets the ignored paths to their old values before the diff (L1154,
// processIgnoreChanges); the provider's diff names the replacing paths (replace-rules.json, read from each provider's
// source); replaceOnChanges turns a change under its paths into a replacement (applyReplaceOnChanges); the program's
// deleteBeforeReplace overrides the provider's answer (L1922-1924); a protected resource is never replaced (L1834-1845)
// nor deleted (step.go, DeleteStep.Apply: deleteProtectedError); a retainOnDelete resource is dropped, not deleted.
import { isDeepStrictEqual } from "node:util";
import { REPLACE_RULES, isComponentType } from "./replace-rules";

/** A resource of plan.json, as the classifier reads it. */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  protect: boolean;
  retainOnDelete?: boolean;
  dependsOn?: string[];
  provider?: string;
  importId?: string;
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  deleteBeforeReplace?: boolean;
  /** URNs of the `aliases` option: an old resource of one of these URNs is this one, renamed. */
  aliases?: string[];
  inputs: Record<string, unknown>;
}

/** The engine's step for a resource (the op names and glyphs of pkg/resource/deploy/step.go, RawPrefix). */
export type StepOp = "create" | "update" | "replace" | "delete" | "import" | "same";

export const GLYPH: Record<StepOp, string> = {
  create: "+",
  update: "~",
  replace: "+-",
  delete: "-",
  import: "=",
  same: " ",
};

export interface PropertyChange {
  /** Input path, `spec.maxReplicas`, `keepers.generation`, `rules[0].filter.prefix`. */
  path: string;
  kind: "add" | "update" | "delete";
  old?: unknown;
  new?: unknown;
  /** Why this change replaces the resource (the provider rule, `replaceOnChanges`, or the Kubernetes rule). */
  replaces?: string;
  /** A secret input that changed without its values being known (a regenerated credential it reads). */
  secretFrom?: string;
}

export interface ResourceStep {
  urn: string;
  type: string;
  name: string;
  op: StepOp;
  /** Replacements only: the old resource is deleted before its replacement is created (`--` then `++`). */
  deleteBeforeReplace?: boolean;
  /** Protection of the resource in the state the engine starts from (base) and in the program (head). */
  protect: { old: boolean; new: boolean };
  retainOnDelete: boolean;
  properties: PropertyChange[];
  /** Changes the engine drops because of `ignoreChanges`. */
  ignored: PropertyChange[];
  /** Resource options that changed (`protect: true => false`). */
  options: string[];
  /** Set when the engine refuses this step: the message, naming why and the way to proceed. */
  refused?: string;
  /** The reviewer's group: `tenant acme`, or the top-level component the resource belongs to. */
  group: string;
  /** An import: the id of the existing resource the program adopts. */
  importId?: string;
}

export interface Classification {
  steps: ResourceStep[];
  unchanged: number;
  counts: Record<Exclude<StepOp, "same">, number>;
  refused: ResourceStep[];
  /** Resources whose every change `ignoreChanges` drops: no step, shown so the reviewer knows why. */
  ignored: ResourceStep[];
}

const SECRET = "[secret]";
const SECRET_SOURCE = /^random:index\/random(Password|String):/;
const TENANT_TYPE = "platform:tenant:Tenant";

/** A path without indices, for matching rules (`rules[0].filter` → `rules.filter`). */
const bare = (path: string) => path.replace(/\[\d+\]/g, "").replace(/\["([^"]+)"\]/g, ".$1");

/** Whether a rule path covers a changed path: one is a prefix of the other (a whole block added covers its fields). */
function covers(rule: string, path: string): boolean {
  const r = bare(rule).split(".");
  const p = bare(path).split(".");
  const n = Math.min(r.length, p.length);
  for (let i = 0; i < n; i++) if (r[i] !== "*" && r[i] !== p[i]) return false;
  return true;
}

/** Leaf changes between two input objects, with their values. */
export function propertyChanges(before: unknown, after: unknown, path = ""): PropertyChange[] {
  if (isDeepStrictEqual(before, after)) return [];
  const isObject = (v: unknown) => v !== null && typeof v === "object";
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const a = before as Record<string, unknown>;
    const b = after as Record<string, unknown>;
    const keys = Array.isArray(a)
      ? Array.from(
          { length: Math.max((a as unknown as unknown[]).length, (b as unknown as unknown[]).length) },
          (_v, i) => String(i),
        )
      : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      propertyChanges(a[k as never], b[k as never], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k),
    );
  }
  const kind = before === undefined ? "add" : after === undefined ? "delete" : "update";
  return [{ path: path || "(root)", kind, old: before, new: after }];
}

function providerRule(
  r: PlanResource,
  path: string,
  providers: Map<string, PlanResource>,
  added = false,
): string | undefined {
  const rules = REPLACE_RULES.types[r.type];
  if (!rules) return undefined;
  const source = REPLACE_RULES.sources[rules.provider];
  const cite = (file: string, line: number) => `${source.repo} ${file}:${line}`;
  for (const [rule, line] of Object.entries(rules.replaceOn))
    if (covers(rule, path)) {
      // Terraform diffs against the state: a computed field newly set to the value it already holds is no change.
      if (added && rules.computed?.some((c) => covers(c, path))) return undefined;
      return `${rule} forces replacement (${cite(rules.file, line)})`;
    }
  // pulumi-kubernetes diff.go forceNewProperties: Secret and ConfigMap data replace unless the provider is configured
  // mutable for them (enableSecretMutable / enableConfigMapMutable) and the object is not `immutable`.
  const k8s = REPLACE_RULES.kubernetes;
  const mutable = (flag: string) =>
    providers.get(r.provider ?? "")?.inputs[flag] === true && r.inputs.immutable !== true;
  if (r.type === "kubernetes:core/v1:Secret" && !mutable("enableSecretMutable") && /^(data|stringData)\b/.test(path))
    return `Secret data is immutable unless the provider sets enableSecretMutable (${cite(rules.file, k8s.secretMutableLine)})`;
  if (
    r.type === "kubernetes:core/v1:ConfigMap" &&
    !mutable("enableConfigMapMutable") &&
    /^(data|binaryData)\b/.test(path)
  )
    return `ConfigMap data is immutable unless the provider sets enableConfigMapMutable (${cite(rules.file, k8s.configMapMutableLine)})`;
  return undefined;
}

/** pulumi-kubernetes DiffConfig: a change of the cluster the provider talks to replaces it, and all its resources. */
function providerReplaced(old: PlanResource, head: PlanResource): string | undefined {
  if (head.type !== "pulumi:providers:kubernetes") return undefined;
  const k8s = REPLACE_RULES.kubernetes;
  for (const [key, line] of Object.entries(k8s.providerReplaceOn))
    if (!isDeepStrictEqual(old.inputs[key], head.inputs[key]))
      return `${key} changes the cluster (pulumi/pulumi-kubernetes ${k8s.providerFile}:${line})`;
  return undefined;
}

/** Whether a replacement deletes first: the program's option, else the provider's rule. */
function deletesFirst(old: PlanResource, head: PlanResource): boolean {
  if (head.deleteBeforeReplace !== undefined) return head.deleteBeforeReplace;
  const rules = REPLACE_RULES.types[head.type];
  if (rules?.provider === "kubernetes") {
    // provider.go Diff: a named object keeping its name and namespace must be deleted first.
    const meta = (r: PlanResource) => (r.inputs.metadata ?? {}) as Record<string, unknown>;
    return (
      meta(head).name !== undefined &&
      meta(head).name === meta(old).name &&
      (meta(head).namespace ?? null) === (meta(old).namespace ?? null)
    );
  }
  // pulumi-terraform-bridge nameRequiresDeleteBeforeReplace: an autonamed property the program set itself.
  return rules?.autoName !== undefined && head.inputs[rules.autoName] !== undefined;
}

/** The group a reviewer reads a resource under: its tenant, else its top-level component. */
function grouper(resources: readonly PlanResource[]) {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return (r: PlanResource): string => {
    let top = r;
    for (let cur: PlanResource | undefined = r; cur; cur = cur.parent ? byUrn.get(cur.parent) : undefined) {
      if (cur.type === TENANT_TYPE) return `tenant ${cur.name.replace(/^tenant-/, "")}`;
      top = cur;
    }
    return top.type.startsWith("pulumi:providers:") ? "providers" : `${top.name} (${top.type.split(":").pop()})`;
  };
}

const refusalOf = (step: ResourceStep, why: string): string =>
  step.op === "delete"
    ? `${step.type} "${step.name}" would be deleted (${why}) but it is protected: the engine refuses ` +
      `("cannot be deleted because it is protected", pulumi/pulumi pkg/resource/deploy/step.go). To delete it, ` +
      "first lift protection in a reviewed change of its own and apply it, then remove it (the two-step deletion of " +
      "docs/tenants.md and docs/operations.md: `state: deleted`, then `deleteData: true`; `retire: true` before " +
      "dropping a retained instance). If the removal was not intended, restore the config entry."
    : `${step.type} "${step.name}" would be replaced (${why}) but it is protected: the engine refuses ` +
      `("unable to replace resource … as it is currently marked for protection", pulumi/pulumi ` +
      "pkg/resource/deploy/step_generator.go). A replacement deletes the data: keep the old value, or retire the " +
      "resource through its documented procedure (unprotect in one reviewed change, replace in the next).";

/** Classifies every resource from `base` to `head`. */
export function classify(base: readonly PlanResource[], head: readonly PlanResource[]): Classification {
  const before = new Map(base.map((r) => [r.urn, r]));
  const after = new Map(head.map((r) => [r.urn, r]));
  const providers = new Map(head.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.urn, r]));
  const groupOf = grouper([...head, ...base.filter((r) => !after.has(r.urn))]);
  const regenerated = new Set<string>();
  const steps: ResourceStep[] = [];
  const replacedProviders = new Map<string, string>();
  const step = (r: PlanResource, op: StepOp, old?: PlanResource): ResourceStep => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    op,
    protect: { old: old?.protect ?? false, new: after.has(r.urn) ? r.protect : false },
    retainOnDelete: r.retainOnDelete ?? false,
    properties: [],
    ignored: [],
    options: [],
    group: groupOf(r),
  });

  // step_generator.go: a goal's old state is looked up by its URN first, then by its aliases; an old resource found
  // through an alias is this one renamed (same id, diffed as usual) and is not deleted.
  const renamedFrom = new Map<string, string>();
  const aliased = new Set<string>();
  const oldOf = (r: PlanResource) => {
    const own = before.get(r.urn);
    if (own) return own;
    const alias = (r.aliases ?? []).find((a) => before.has(a) && !after.has(a) && !aliased.has(a));
    if (!alias) return undefined;
    aliased.add(alias);
    renamedFrom.set(r.urn, before.get(alias)!.name);
    return before.get(alias);
  };

  const olds = new Map(head.map((r) => [r.urn, oldOf(r)]));
  for (const r of head) {
    const old = olds.get(r.urn);
    // step_generator.go L1001: an import when the goal has an id and there is no old state (or another id).
    if (!old || (r.importId && old.importId !== undefined && old.importId !== r.importId)) {
      const s = step(r, r.importId && !isComponentType(r.type) ? "import" : old ? "replace" : "create", old);
      if (r.importId) s.importId = r.importId;
      if (SECRET_SOURCE.test(r.type)) regenerated.add(r.urn);
      steps.push(s);
      continue;
    }
    const s = step(r, "same", old);
    if (old.protect !== r.protect) s.options.push(`protect: ${old.protect} => ${r.protect}`);
    if ((old.retainOnDelete ?? false) !== (r.retainOnDelete ?? false))
      s.options.push(`retainOnDelete: ${old.retainOnDelete ?? false} => ${r.retainOnDelete ?? false}`);
    // The engine diffs custom resources only; a component's inputs are not sent to any provider.
    if (!isComponentType(r.type)) {
      for (const change of propertyChanges(old.inputs, r.inputs)) {
        if ((r.ignoreChanges ?? []).some((p) => covers(p, change.path) && bare(change.path).startsWith(bare(p))))
          s.ignored.push(change);
        else s.properties.push(change);
      }
    }
    steps.push(s);
    const replaced = providerReplaced(old, r);
    if (replaced) replacedProviders.set(r.urn, replaced);
  }

  // Regenerated secrets (a RandomPassword replaced) reach their consumers only as "[secret]" = "[secret]": the
  // consumer's secret inputs change although the plan cannot show a value.
  const secretPaths = (inputs: unknown, path = ""): string[] =>
    inputs === SECRET
      ? [path]
      : inputs && typeof inputs === "object"
        ? Object.entries(inputs).flatMap(([k, v]) =>
            secretPaths(v, Array.isArray(inputs) ? `${path}[${k}]` : path ? `${path}.${k}` : k),
          )
        : [];
  const decide = (s: ResourceStep, r: PlanResource, old: PlanResource) => {
    for (const p of s.properties)
      p.replaces ??= (r.replaceOnChanges ?? []).some((rule) => covers(rule, p.path))
        ? `replaceOnChanges: ${r.replaceOnChanges!.join(", ")} (the program's resource option)`
        : providerRule(r, p.path, providers, p.kind === "add");
    const viaProvider = r.provider ? replacedProviders.get(r.provider) : undefined;
    if (s.properties.some((p) => p.replaces) || viaProvider) {
      s.op = "replace";
      s.deleteBeforeReplace = deletesFirst(old, r);
      if (viaProvider) s.options.push(`provider replaced: ${viaProvider}`);
    } else if (s.properties.length > 0 || s.options.length > 0) s.op = "update";
    if (s.op === "replace" && SECRET_SOURCE.test(r.type)) regenerated.add(r.urn);
  };
  // Two passes: secret generators first, so their consumers see them regenerated.
  const pending = steps.filter((s) => s.op === "same");
  for (const pass of [true, false])
    for (const s of pending.filter((x) => SECRET_SOURCE.test(x.type) === pass)) {
      const r = after.get(s.urn)!;
      const old = olds.get(r.urn)!;
      if (!pass && !isComponentType(r.type) && JSON.stringify(r.inputs).includes(`"${SECRET}"`)) {
        const sources = (r.dependsOn ?? []).filter((u) => regenerated.has(u));
        const known = new Set(s.properties.map((p) => p.path));
        if (sources.length > 0)
          for (const path of secretPaths(r.inputs))
            if (!known.has(path))
              s.properties.push({
                path,
                kind: "update",
                secretFrom: sources.map((u) => u.split("::").pop()).join(", "),
              });
      }
      decide(s, r, old);
    }

  for (const s of steps) {
    const from = renamedFrom.get(s.urn);
    if (from && s.op !== "same") s.options.unshift(`renamed from "${from}" (alias)`);
  }
  for (const r of base) if (!after.has(r.urn) && !aliased.has(r.urn)) steps.push(step(r, "delete", r));

  for (const s of steps) {
    if (s.op === "delete" && s.protect.old) s.refused = refusalOf(s, "its config entry is gone");
    // step_generator.go: refused only when protected before and after (unprotect-and-replace in one update passes).
    if (s.op === "replace" && s.protect.old && s.protect.new) {
      const why = s.properties.find((p) => p.replaces)?.replaces ?? s.options.join("; ");
      s.refused = refusalOf(s, why);
    }
  }
  const changed = steps.filter((s) => s.op !== "same");
  const counts = { create: 0, update: 0, replace: 0, delete: 0, import: 0 };
  for (const s of changed) counts[s.op as keyof typeof counts]++;
  return {
    steps: changed,
    unchanged: steps.length - changed.length,
    counts,
    refused: changed.filter((s) => s.refused),
    ignored: steps.filter((s) => s.op === "same" && s.ignored.length > 0),
  };
}
