// The docs' previews must be the output of the walk steps they name: after a walk, each step a doc shows is compared
// with the doc's block (regenerate with `npm run docs:previews`).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../helpers/render";
import { PREVIEW_DOCS, previewBlock } from "../../tools/operations-previews";
import type { StepResult } from "./steps";

const BLOCK = /^( *)<!-- preview:([a-z0-9-]+)(?::(\d+))? -->\n([\s\S]*?)\n *<!-- \/preview -->/gm;

/** Every preview block of the docs: step name → where, how many items it keeps, and its text (dedented). */
const shown = new Map(
  PREVIEW_DOCS.flatMap((file) =>
    [...readFileSync(join(PROJECT_ROOT, file), "utf8").matchAll(BLOCK)].map((m) => {
      const pad = m[1].length;
      const text = m[4]
        .split("\n")
        .map((l) => l.slice(pad))
        .join("\n");
      return [m[2], { file, keep: Number(m[3] ?? 6), text }] as const;
    }),
  ),
);

/** Steps of `results` whose preview in the docs is not what the step planned. */
export function stalePreviews(results: readonly StepResult[]): string[] {
  return results.flatMap(({ step, markdown }) => {
    const doc = shown.get(step.name);
    if (!doc) return [];
    return previewBlock(markdown, doc.keep) === doc.text
      ? []
      : [`${doc.file} preview:${step.name} is stale: run npm run docs:previews`];
  });
}
