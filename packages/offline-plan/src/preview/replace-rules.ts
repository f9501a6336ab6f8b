// The replace rules the preview classifies changes with: replace-rules.json, generated from the providers' own source
// by tools/replace-rules/generate.ts (which records the repository and commit of each). Plus the two rules that are
// not per type: Kubernetes Secret/ConfigMap data (replace unless the provider enables mutability) and the engine's.
import rulesJson from "./replace-rules.json";

export interface TypeRules {
  /** The Pulumi package whose provider decides (`aws`, `postgresql`, `random`, `kubernetes`). */
  provider: string;
  /** The upstream resource (Terraform name, or Kubernetes group/version). */
  upstream: string;
  /** File in the upstream repository holding the rules. */
  file: string;
  /** Input path (Pulumi names, dots, no indices) → line of its ForceNew/RequiresReplace rule in `file`. */
  replaceOn: Record<string, number>;
  /** Paths that replace only under a condition decided at plan time (listed for the reviewer, not assumed). */
  conditional?: Record<string, number>;
  /**
   * ForceNew paths that are also Optional+Computed: the provider fills them when unset, so a value the program starts
   * to set replaces only if it differs from the one in the state, which a plan cannot see.
   */
  computed?: string[];
  /** The input the bridge autonames (`name`); when the program sets it, a replacement deletes first. */
  autoName?: string;
}

export interface ReplaceRules {
  generatedBy: string;
  sources: Record<string, { repo: string; commit: string; date: string; note?: string }>;
  kubernetes: {
    deleteBeforeReplaceLine: number;
    secretMutableLine: number;
    configMapMutableLine: number;
    providerReplaceOn: Record<string, number>;
    providerFile: string;
  };
  types: Record<string, TypeRules>;
}

export const REPLACE_RULES = rulesJson as ReplaceRules;

/** Types with no provider diff of their own: components (the engine never diffs them) and the engine's own. */
export const isComponentType = (type: string) => !type.includes(":") || type.split(":")[0] === "platform";

/** `file:line` of a rule, with the repository and commit, for messages and test traces. */
export function citation(type: string, path: string): string | undefined {
  const rules = REPLACE_RULES.types[type];
  const line = rules?.replaceOn[path] ?? rules?.conditional?.[path];
  if (!rules || line === undefined) return undefined;
  const source = REPLACE_RULES.sources[rules.provider];
  return `${source.repo}@${source.commit.slice(0, 10)} ${rules.file}:${line}`;
}
