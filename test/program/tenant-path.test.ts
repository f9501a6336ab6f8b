// A single stack and a tenant shard build tenants through one path (program/wiring/tenants.ts): the same Tenant
// components, dedicated worker pools and per-tenant alert rules, keyed by tenant id. This is what lets an operator
// move a tenant between stacks with `pulumi state move` (docs/shards.md): a URN is
// `urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>` (pulumi/pulumi sdk/go/common/resource/urn.go), so
// state moves unchanged only if every other part — the parent chain, the types and the names — is the same.
import { beforeAll, describe, expect, it } from "vitest";
import { RenderedStack, platformReference, renderStack } from "../helpers/render";
import { production, productionShard, type TenantEntry } from "../fixtures/stacks";

const TENANT = "platform:tenant:Tenant";

/** Every case the tenant path branches on: pools (running, suspended, offboarded), alerts, Redis users, isolation. */
const tenants = (): TenantEntry[] => [
  { id: "cyberdyne", name: "Cyberdyne Systems", tier: "enterprise", dedicatedWorkers: true },
  { id: "weyland", name: "Weyland-Yutani", tier: "enterprise", dedicatedWorkers: true, state: "suspended" },
  { id: "nakatomi", name: "Nakatomi", tier: "enterprise", dedicatedWorkers: true, state: "offboarded" },
  { id: "tyrell", name: "Tyrell Corporation", tier: "standard", redisUser: true },
  { id: "oscorp", name: "Oscorp", tier: "free" },
];

/** The URN with its stack and project part removed: what must match across stacks. */
const stackless = (urn: string) => urn.replace(/^urn:pulumi:[^:]+::[^:]+::/, "");

/** Each tenant's resources (its Tenant component and everything under it), by tenant id. */
function byTenant(stack: RenderedStack) {
  return new Map(
    stack.ofType(TENANT).map((t) => [t.name.replace(/^tenant-/, ""), [t, ...stack.childrenOf(t.urn)]] as const),
  );
}

describe("one tenant path for single stacks and shards", () => {
  let single: RenderedStack;
  let shard: RenderedStack;

  beforeAll(async () => {
    const platform = production();
    platform["platform:tenants"] = tenants();
    single = await renderStack(platform, { stack: "prod" });
    shard = await renderStack(productionShard("a", tenants()), {
      stack: "prod-tenants-a",
      stackReferences: await platformReference(production()),
    });
  });

  it("gives every tenant resource the same URN in a single stack and in a shard, but for the stack part", () => {
    const inSingle = byTenant(single);
    const inShard = byTenant(shard);
    expect([...inShard.keys()]).toEqual(tenants().map((t) => t.id));
    expect([...inSingle.keys()]).toEqual([...inShard.keys()]);
    for (const [id, resources] of inShard) {
      const urns = resources.map((r) => stackless(r.urn)).sort();
      expect(urns, id).toEqual(
        inSingle
          .get(id)!
          .map((r) => stackless(r.urn))
          .sort(),
      );
      expect(resources[0].urn.startsWith(`urn:pulumi:prod-tenants-a::platform::`)).toBe(true);
    }
  });

  it("builds dedicated worker pools once per tenant: running, stopped when suspended, none when offboarded", () => {
    for (const stack of [single, shard]) {
      const pools = stack.ofType("platform:workers:WorkerPool").filter((p) => p.name.startsWith("tenant-"));
      expect(pools.map((p) => p.name)).toEqual(["tenant-cyberdyne-workers", "tenant-weyland-workers"]);
      // A suspended tenant's Deployment runs 0 replicas (and has no HPA to scale it back up).
      const replicas = (name: string) =>
        (
          stack.childrenOf(pools.find((p) => p.name === name)!.urn).find((r) => r.type.endsWith("Deployment"))!
            .inputs as any
        ).spec.replicas;
      expect(replicas("tenant-cyberdyne-workers")).toBeUndefined();
      expect(replicas("tenant-weyland-workers")).toBe(0);
    }
    // The same Kubernetes objects with the same inputs in either stack.
    const workloads = (stack: RenderedStack) =>
      Object.fromEntries(
        stack
          .ofType("kubernetes:apps/v1:Deployment")
          .concat(stack.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"))
          .filter((r) => r.name.startsWith("tenant-"))
          .map((r) => [stackless(r.urn), r.inputs]),
      );
    expect(Object.keys(workloads(shard)).length).toBeGreaterThan(0);
    expect(workloads(shard)).toEqual(workloads(single));
  });

  it("builds per-tenant alert rules from one context: the same rules for the active enterprise tenant only", () => {
    const rules = (stack: RenderedStack) =>
      stack
        .ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
        .filter((r) => r.name.startsWith("alerts-tenant-"))
        .map((r) => ({ urn: stackless(r.urn), inputs: r.inputs }));
    expect(rules(shard).map((r) => r.urn.split("::").pop())).toEqual(["alerts-tenant-cyberdyne"]);
    expect(rules(shard)).toEqual(rules(single));
  });
});
