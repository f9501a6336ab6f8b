import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { platformProgram } from "../../program/program";
import { RecordedResource, RenderOptions, RenderResult, renderProgram } from "@platform/offline-plan";
import { stackConfigFromObject } from "@platform/offline-plan";

export const PROJECT_ROOT = join(__dirname, "..", "..");

/**
 * The `config:` mapping of a stack file in the repo, as an object to copy and mutate in tests. Only the "every stack
 * plans clean" family reads the real files (test/program/stacks.test.ts, fleet.test.ts); other tests render the
 * fixtures of test/fixtures/stacks.ts, so editing a stack file never breaks them.
 */
export function loadStackConfig(stack: string): Record<string, unknown> {
  const document = parse(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return structuredClone(document.config);
}

export interface RenderStackOptions {
  stack?: string;
  revealSecrets?: boolean;
  /** Outputs of referenced stacks (tenant shards read their platform stack's): see `platformReference`. */
  stackReferences?: RenderOptions["stackReferences"];
}

/**
 * What a tenant shard's StackReference reads: the outputs of a platform stack config (a fixture of
 * test/fixtures/stacks.ts) rendered under the mocks as stack `stack`, keyed by its fully qualified name as the shard
 * files write it (`acme-org/platform/<stack>`).
 */
export async function platformReference(
  config: Record<string, unknown>,
  stack = "prod",
): Promise<NonNullable<RenderOptions["stackReferences"]>> {
  const rendered = await renderProgram(platformProgram, {
    project: "platform",
    stack,
    ...stackConfigFromObject(config, "platform"),
  });
  return { [`acme-org/platform/${stack}`]: rendered.stackOutputs };
}

/**
 * Renders the platform program from a stack `config:` mapping (keys as in Pulumi.<stack>.yaml) under the mock
 * runtime: the same code path as `npm run plan`. Rejects with the program's error (e.g. a config RunError).
 */
export async function renderStack(
  config: Record<string, unknown>,
  options: RenderStackOptions = {},
): Promise<RenderResult & Finders> {
  const stackConfig = stackConfigFromObject(config, "platform");
  const result = await renderProgram(platformProgram, {
    project: "platform",
    stack: options.stack ?? "test",
    ...stackConfig,
    revealSecrets: options.revealSecrets,
    stackReferences: options.stackReferences,
  });
  return { ...result, ...finders(result.resources) };
}

export interface Finders {
  /** All resources of a type token, e.g. "aws:rds/instance:Instance". */
  ofType(type: string): RecordedResource[];
  /** The one resource of a type with a name; throws when it is missing. */
  find(type: string, name: string): RecordedResource;
  /** Resources whose URN chain includes the given ancestor URN. */
  childrenOf(urn: string): RecordedResource[];
}

export function finders(resources: RecordedResource[]): Finders {
  return {
    ofType: (type) => resources.filter((r) => r.type === type),
    find: (type, name) => {
      const found = resources.find((r) => r.type === type && r.name === name);
      if (!found) {
        const names = resources.filter((r) => r.type === type).map((r) => r.name);
        throw new Error(`no ${type} named ${name}; there are: ${names.join(", ") || "none"}`);
      }
      return found;
    },
    childrenOf: (urn) => {
      const byUrn = new Map(resources.map((r) => [r.urn, r]));
      return resources.filter((r) => {
        for (let p = r.parent; p; p = byUrn.get(p)?.parent) if (p === urn) return true;
        return false;
      });
    },
  };
}

/** A rendered stack with its finders. */
export type RenderedStack = RenderResult & Finders;
/** Type tokens the operations tests look for. */
export const TYPES = {
  instance: "aws:rds/instance:Instance",
  cronJob: "kubernetes:batch/v1:CronJob",
  deployment: "kubernetes:apps/v1:Deployment",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
} as const;
