import type { RestoreSource } from "./data";

/** Key of the stack's original instance (never restored). */
export const ORIGINAL_INSTANCE = "original";

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/**
 * The key that names an RDS instance of the stack: `original` for the instance the stack was created with, else the
 * restore's `label`, else one derived from its source (`snapshot-<id>`, `pitr-<time>` or `pitr-latest`).
 */
export function restoreKey(restore: RestoreSource | undefined): string {
  if (!restore) return ORIGINAL_INSTANCE;
  if (restore.label) return restore.label;
  if ("snapshotId" in restore) return `snapshot-${slug(restore.snapshotId)}`;
  const { time } = restore.pointInTime;
  return `pitr-${time ? slug(time) : "latest"}`;
}
