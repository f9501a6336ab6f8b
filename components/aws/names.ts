import { createHash } from "node:crypto";

/**
 * Identifier of the snapshot RDS or ElastiCache takes when the resource is deleted: stack-scoped so staging and
 * production in one account never collide; letters, digits and single hyphens.
 */
export function finalSnapshotIdentifier(name: string, stack: string): string {
  return `${name}-${stack}-final`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .slice(0, 255);
}

/**
 * An AWS identifier built from parts: lowercase letters, digits and single hyphens, at most `maxLength` characters.
 * A longer one keeps a readable prefix and ends in a hash of the whole, so different parts never collide.
 */
export function boundedId(maxLength: number, ...parts: string[]): string {
  const id = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (id.length <= maxLength) return id;
  return `${id.slice(0, maxLength - 9).replace(/-+$/, "")}-${createHash("sha256").update(id).digest("hex").slice(0, 8)}`;
}
