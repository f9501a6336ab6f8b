// Tenant runbooks walked end to end (test/runbooks/walks-tenants.ts): each step planned with the pack, the fleet rules
// and the preview's classification against the step before.
import { describe, expect, it } from "vitest";
import { checkStep } from "./steps";
import { stalePreviews } from "./docs-previews";
import { runWalk } from "./walker";
import { TENANT_WALKS } from "./walks-tenants";

describe("tenant runbooks", () => {
  for (const walk of TENANT_WALKS) {
    it(`${walk.name}: ${walk.steps.map((s) => s.name).join(" → ")}`, async () => {
      const results = await runWalk(walk);
      expect(results.flatMap(checkStep)).toEqual([]);
      expect(stalePreviews(results)).toEqual([]);
    }, 240_000);
  }
});
