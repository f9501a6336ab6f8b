// The tenant components' pure helpers: Redis ACL strings and user ids (ElastiCache limits) and the plan notes
// that walk an on-call engineer through offboarding and deletion.
import { describe, expect, it } from "vitest";
import { tenantAccessString, tenantRedisUserId } from "../../../components/tenant";
import { lifecycleNotes } from "../../../components/tenant/lifecycle";

describe("pure helpers", () => {
  it("tenantAccessString fills {id} into the configured patterns and switches the user off", () => {
    expect(tenantAccessString("acme-eu", { enabled: false, keyPatterns: ["session:{id}:*", "tenant:{id}:*"] })).toBe(
      "off ~tenant:acme-eu:* ~session:acme-eu:* &tenant:acme-eu:* +@all -@admin -@dangerous -scan -randomkey -pubsub",
    );
  });

  it("tenantRedisUserId stays within ElastiCache's 40 characters without truncation collisions", () => {
    const a = tenantRedisUserId("platform-production-eu", "a".repeat(31) + "b");
    const b = tenantRedisUserId("platform-production-eu", "a".repeat(31) + "c");
    expect(a.length).toBeLessThanOrEqual(40);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(tenantRedisUserId("platform-prod", "acme")).toBe("platform-prod-t-acme");
  });

  it("lifecycleNotes names the export Job of an offboarded tenant, or the manual export without backup jobs, and how deletion proceeds", () => {
    const tenants = [
      { id: "acme", state: "active" as const, deleteData: false },
      { id: "leaver-co", state: "offboarded" as const, deleteData: false },
      { id: "oldco", state: "deleted" as const, deleteData: false },
    ];
    const notes = lifecycleNotes(tenants, { namespace: "platform", prefix: "production" });
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(
      /leaver-co is offboarded: .*Job platform\/tenant-export-leaver-co exports its data once .*production\/offboarding\/leaver-co\/.*before setting state: deleted/,
    );
    expect(notes[1]).toMatch(/oldco is deleted: .*set deleteData: true to drop it/);
    expect(lifecycleNotes(tenants)[0]).toMatch(
      /leaver-co is offboarded: .*no export Job: export its data by hand \(pg_dump of schema\/database tenant_leaver_co\)/,
    );
  });
});
