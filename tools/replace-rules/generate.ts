// Writes packages/offline-plan/src/preview/replace-rules.json: for every resource type the program registers, the input paths whose
// change makes the provider (or the engine) replace the resource instead of updating it, read from the providers' own
// source, with the file and line of each rule and the commit it was read at. The preview classifies changes with it.
//
//   npx tsx tools/replace-rules/generate.ts \
//     --aws DIR[@REF] --postgresql DIR[@REF] --random DIR[@REF] --kubernetes DIR[@REF]
//
// Each DIR is a git directory of the upstream repository (a bare clone is enough; nothing is checked out):
//   --aws         hashicorp/terraform-provider-aws (ForceNew / RequiresReplace in the resources' schema functions)
//   --postgresql  cyrilgdn/terraform-provider-postgresql (ForceNew in postgresql/resource_postgresql_*.go)
//   --random      hashicorp/terraform-provider-random (RequiresReplace… in internal/provider/resource_password.go)
//   --kubernetes  pulumi/pulumi-kubernetes (forceNewProperties in provider/pkg/provider/diff.go)
// The fetched sources are never committed; the JSON records which commit each rule was read from.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { conditionalForceNew, functionBody, schemaFields } from "./go-schema";
import {
  AWS_TYPES,
  KUBERNETES_DIFF,
  KUBERNETES_TYPES,
  POSTGRESQL_TYPES,
  RANDOM_TYPES,
  SOURCE_NOTES,
  TfType,
} from "./types";
import type { ReplaceRules, TypeRules } from "@platform/offline-plan";

const ROOT = resolve(__dirname, "../..");
const OUT = join(ROOT, "packages/offline-plan/src/preview/replace-rules.json");

interface Source {
  dir: string;
  ref: string;
  commit: string;
  date: string;
}

const git = (src: { dir: string }, ...args: string[]) =>
  execFileSync("git", [`--git-dir=${src.dir}`, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });

function source(arg: string | undefined, name: string): Source {
  if (!arg) throw new Error(`--${name} DIR[@REF] is required`);
  const [dir, ref = "HEAD"] = arg.split("@");
  const src = { dir: resolve(dir), ref, commit: "", date: "" };
  [src.commit, src.date] = git(src, "log", "-1", "--format=%H %cs", ref).trim().split(" ");
  return src;
}

const show = (src: Source, path: string) => git(src, "show", `${src.commit}:${path}`);
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const plural = (s: string) => (s.endsWith("s") ? s : s.endsWith("y") ? `${s.slice(0, -1)}ies` : `${s}s`);

/** The input property names of a Pulumi SDK class (its `…Args` interface), to check the name mapping against. */
function sdkInputNames(pkg: string, token: string): Set<string> | undefined {
  const [, module, cls] = /^[a-z]+:([^:]+):(\w+)$/.exec(token) ?? [];
  const file = join(
    ROOT,
    "node_modules/@pulumi",
    pkg,
    `${module.split("/")[0] === "index" ? "" : module.split("/")[0]}`,
  );
  const name = module.split("/")[1] ?? cls[0].toLowerCase() + cls.slice(1);
  try {
    const dts = readFileSync(join(file, `${name}.d.ts`), "utf8");
    const args = new RegExp(`export interface ${cls}Args \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1] ?? "";
    return new Set([...args.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]));
  } catch {
    return undefined;
  }
}

/** A Terraform-bridged type's rules: each ForceNew field, named as the Pulumi SDK names it. */
function bridgedRules(src: Source, pkg: string, t: TfType, problems: string[]): TypeRules {
  const text = show(src, t.file);
  const signature =
    t.schemaFunction ??
    new RegExp(`@(?:SDK|Framework)Resource\\("${t.tf}"[^\\n]*\\n(?:\\/\\/[^\\n]*\\n)*func [^(]+\\(`);
  const body = functionBody(text, signature);
  const fields = schemaFields(text, body);
  const byPath = new Map(fields.map((f) => [f.path.join("."), f]));
  const inputs = sdkInputNames(pkg, t.token);
  const pulumiPath = (path: string[]) =>
    path
      .map((segment, i) => {
        const field = byPath.get(path.slice(0, i + 1).join("."));
        const name = field?.plural ? plural(camel(segment)) : camel(segment);
        if (i === 0 && inputs && !inputs.has(name) && inputs.has(camel(segment))) return camel(segment);
        return t.renames?.[segment] ?? name;
      })
      .join(".");
  const replaceOn: Record<string, number> = {};
  const conditional: Record<string, number> = {};
  for (const f of fields) {
    if (f.forceNew) replaceOn[pulumiPath(f.path)] = f.line;
    else if (f.conditional) conditional[pulumiPath(f.path)] = f.line;
  }
  for (const c of conditionalForceNew(text, body)) conditional[pulumiPath(c.path)] ??= c.line;
  // ForceNew fields the provider computes when unset: setting one to the value the state already holds is no change.
  const computed = fields.filter((f) => f.forceNew && f.computed).map((f) => pulumiPath(f.path));
  for (const path of Object.keys(replaceOn)) {
    const top = path.split(".")[0];
    if (inputs && !inputs.has(top) && !t.outputOnly?.includes(top))
      problems.push(
        `${t.token}: ForceNew field ${path} (${t.file}:${replaceOn[path]}) is not an input of the SDK class`,
      );
  }
  const name = byPath.get("name");
  return {
    provider: pkg,
    upstream: t.tf,
    file: t.file,
    replaceOn,
    ...(Object.keys(conditional).length > 0 ? { conditional } : {}),
    ...(computed.length > 0 ? { computed } : {}),
    // SetAutonaming (pulumi-terraform-bridge pkg/tfbridge/info/autonaming.go) autonames an input string `name`.
    ...(name?.inputString ? { autoName: "name" } : {}),
  };
}

/** pulumi-kubernetes' replace rules for a kind: metadata identity plus the kind's forceNew list in diff.go. */
function kubernetesRules(src: Source, token: string, props: string[], problems: string[]): TypeRules {
  const diff = show(src, KUBERNETES_DIFF.file).split("\n");
  const lineOf = (needle: string) => diff.findIndex((l) => l.includes(needle)) + 1;
  const replaceOn: Record<string, number> = {};
  for (const prop of ["metadata.name", "metadata.namespace", ...props]) {
    const needle = prop.startsWith("metadata.") ? 'prefix + ".name"' : `".${prop}"`;
    const line = lineOf(prop === "metadata.namespace" ? 'prefix + ".namespace"' : needle);
    if (line === 0) problems.push(`${token}: ${prop} not found in ${KUBERNETES_DIFF.file}`);
    replaceOn[prop] = line;
  }
  return { provider: "kubernetes", upstream: token.split(":")[1], file: KUBERNETES_DIFF.file, replaceOn };
}

function main() {
  const { values } = parseArgs({
    options: {
      aws: { type: "string" },
      postgresql: { type: "string" },
      random: { type: "string" },
      kubernetes: { type: "string" },
    },
  });
  const sources = {
    aws: source(values.aws, "aws"),
    postgresql: source(values.postgresql, "postgresql"),
    random: source(values.random, "random"),
    kubernetes: source(values.kubernetes, "kubernetes"),
  };
  const problems: string[] = [];
  const types: Record<string, TypeRules> = {};
  for (const t of AWS_TYPES) types[t.token] = bridgedRules(sources.aws, "aws", t, problems);
  for (const t of POSTGRESQL_TYPES) types[t.token] = bridgedRules(sources.postgresql, "postgresql", t, problems);
  for (const t of RANDOM_TYPES) types[t.token] = bridgedRules(sources.random, "random", t, problems);
  for (const [token, props] of Object.entries(KUBERNETES_TYPES))
    types[token] = kubernetesRules(sources.kubernetes, token, props, problems);
  const k8sProvider = show(sources.kubernetes, KUBERNETES_DIFF.providerFile).split("\n");
  const providerLine = (needle: string) => k8sProvider.findIndex((l) => l.includes(needle)) + 1;
  const kubernetes = {
    deleteBeforeReplaceLine: providerLine("deleteBeforeReplace := // 1."),
    secretMutableLine:
      show(sources.kubernetes, KUBERNETES_DIFF.file)
        .split("\n")
        .findIndex((l) => l.includes("clients.IsSecret(obj)")) + 1,
    configMapMutableLine:
      show(sources.kubernetes, KUBERNETES_DIFF.file)
        .split("\n")
        .findIndex((l) => l.includes("clients.IsConfigMap(obj)")) + 1,
    providerReplaceOn: Object.fromEntries(
      ["kubeconfig", "context", "cluster"].map((k) => [k, providerLine('for _, key := range []string{"kubeconfig"')]),
    ),
    providerFile: KUBERNETES_DIFF.providerFile,
  };
  if (problems.length > 0) {
    for (const p of problems) console.error(`replace-rules: ${p}`);
    process.exit(1);
  }
  const rules: ReplaceRules = {
    generatedBy: "tools/replace-rules/generate.ts",
    sources: {
      aws: {
        repo: "hashicorp/terraform-provider-aws",
        commit: sources.aws.commit,
        date: sources.aws.date,
        note: SOURCE_NOTES.aws,
      },
      postgresql: {
        repo: "cyrilgdn/terraform-provider-postgresql",
        commit: sources.postgresql.commit,
        date: sources.postgresql.date,
        note: SOURCE_NOTES.postgresql,
      },
      random: {
        repo: "hashicorp/terraform-provider-random",
        commit: sources.random.commit,
        date: sources.random.date,
        note: SOURCE_NOTES.random,
      },
      kubernetes: {
        repo: "pulumi/pulumi-kubernetes",
        commit: sources.kubernetes.commit,
        date: sources.kubernetes.date,
        note: SOURCE_NOTES.kubernetes,
      },
    },
    kubernetes,
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileSync(OUT, `${JSON.stringify(rules, null, 2)}\n`);
  console.log(`replace-rules: ${Object.keys(types).length} types written to ${OUT}`);
}

if (require.main === module) main();
