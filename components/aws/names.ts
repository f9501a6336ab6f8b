/**
 * Identifier of the snapshot RDS or ElastiCache takes when the resource is deleted: stack-scoped so staging and
 * production in one account never collide; letters, digits and single hyphens.
 */
export function finalSnapshotIdentifier(name: string, stack: string): string {
  return `${name}-${stack}-final`.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-{2,}/g, "-").slice(0, 255);
}
