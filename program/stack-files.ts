// Reads the other stack files a stack's config refers to (a DR stack's primary, config/dr-shared.ts) from the
// directory of the stack files: the project root under the Pulumi CLI (its working directory), or the directory the
// offline plan was given the stack file in (PLATFORM_STACK_DIR, set by tools/plan.ts).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";
import type { RawStack, StackReader } from "../config";

/** Where the stack files are: PLATFORM_STACK_DIR, else the working directory (the project root under the CLI). */
export const stackFileDir = () => process.env.PLATFORM_STACK_DIR ?? process.cwd();

/** A reader of `Pulumi.<stack>.yaml` files in `dir`: the raw `platform:*` config (keys without the namespace). */
export function stackFileReader(dir: string = stackFileDir()): StackReader {
  return (stack: string): RawStack | undefined => {
    const file = join(dir, `Pulumi.${stack}.yaml`);
    if (!existsSync(file)) return undefined;
    const document = load(readFileSync(file, "utf8"), { schema: CORE_SCHEMA }) as { config?: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(document?.config ?? {}))
      if (key.startsWith("platform:")) raw[key.slice("platform:".length)] = value;
    const region = document?.config?.["aws:region"];
    return { raw, awsRegion: typeof region === "string" ? region : undefined };
  };
}
