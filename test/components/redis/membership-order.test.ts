// ElastiCache accepts one modification of a user group at a time: while a ModifyUserGroup (a membership) or the
// replication group that attaches the group is in progress the group is "modifying", and another ModifyUserGroup
// fails with InvalidUserGroupStateFault. The provider retries that fault only for its 10-minute create timeout
// (hashicorp/terraform-provider-aws internal/service/elasticache/user_group_association.go), so memberships that the
// engine starts together fail once enough of them queue up (hashicorp/terraform-provider-aws#28688, #37911). The
// Pulumi engine runs every resource whose dependencies are done in parallel: the only guarantee of "one at a time"
// is a dependency path between every two modifiers of the group.
import * as stacks from "../../fixtures/stacks";
import { beforeAll, describe, expect, it } from "vitest";
import { Finders, platformReference, renderStack } from "../../helpers/render";
import type { RecordedResource, RenderResult } from "@platform/offline-plan";

const ASSOCIATION = "aws:elasticache/userGroupAssociation:UserGroupAssociation";
const REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const USER_GROUP = "aws:elasticache/userGroup:UserGroup";

/** Whether `later` (transitively) depends on `earlier`: the engine then never runs them at the same time. */
function dependsTransitively(resources: RecordedResource[], later: RecordedResource, earlier: RecordedResource) {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const seen = new Set<string>();
  const stack = [...later.dependsOn];
  while (stack.length > 0) {
    const urn = stack.pop()!;
    if (urn === earlier.urn) return true;
    if (seen.has(urn)) continue;
    seen.add(urn);
    stack.push(...(byUrn.get(urn)?.dependsOn ?? []));
  }
  return false;
}

/** Pairs of group modifiers the engine could run concurrently (neither depends on the other). */
function concurrentPairs(resources: RecordedResource[], modifiers: RecordedResource[]): string[] {
  const pairs: string[] = [];
  modifiers.forEach((a, i) =>
    modifiers.slice(i + 1).forEach((b) => {
      if (!dependsTransitively(resources, a, b) && !dependsTransitively(resources, b, a))
        pairs.push(`${a.name} ∥ ${b.name}`);
    }),
  );
  return pairs;
}

describe("Redis user group memberships are ordered", () => {
  let prod: RenderResult & Finders;
  let shard: RenderResult & Finders;
  beforeAll(async () => {
    prod = await renderStack(stacks.production(), { stack: "prod" });
    shard = await renderStack(stacks.productionShard("a"), {
      stack: "prod-tenants-a",
      stackReferences: await platformReference(stacks.production()),
    });
  });

  it("in the platform stack no two modifiers of the group (memberships, replication group) can run together", () => {
    const modifiers = [...prod.ofType(ASSOCIATION), ...prod.ofType(REPLICATION_GROUP)];
    // The platform user, 4 tenants with a user and the redis_exporter's user (components/monitoring/exporters.ts).
    expect(prod.ofType(ASSOCIATION).length).toBeGreaterThanOrEqual(6);
    expect(modifiers.map((m) => m.name)).toContain("monitoring-exporters-redis-user-membership");
    expect(concurrentPairs(prod.resources, modifiers)).toEqual([]);
  });

  it("every membership comes after the user group it joins", () => {
    const group = prod.ofType(USER_GROUP)[0];
    for (const association of prod.ofType(ASSOCIATION))
      expect(dependsTransitively(prod.resources, association, group), association.name).toBe(true);
  });

  it("a shard's memberships form a chain of their own", () => {
    const memberships = shard.ofType(ASSOCIATION);
    expect(memberships.length).toBeGreaterThanOrEqual(2);
    expect(concurrentPairs(shard.resources, memberships)).toEqual([]);
  });
});
