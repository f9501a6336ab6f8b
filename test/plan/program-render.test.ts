// The platform program under the offline plan's renderer (packages/offline-plan): what the plan of a stack file
// records. The renderer's own behaviour is tested with fixture programs in packages/offline-plan/test/.
import { describe, expect, it } from "vitest";
import { RenderError } from "@platform/offline-plan";
import { renderStack } from "../helpers/render";
import * as stacks from "../fixtures/stacks";

describe("rendering the platform program", () => {
  it("registers nothing when the stack config is invalid", async () => {
    const config = stacks.production();
    (config["platform:workers"] as Record<string, Record<string, unknown>>).default.minReplicas = 50;
    const error = await renderStack(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).message).toContain(
      "platform:workers.default.minReplicas = 50: must be ≤ maxReplicas (12)",
    );
    expect((error as RenderError).resources).toEqual([]);
  });

  it("renders every tenant of the prod stack as a Tenant component under the stack", async () => {
    const { ofType } = await renderStack(stacks.production());
    expect(
      ofType("platform:tenant:Tenant")
        .map((t) => t.name)
        .sort(),
    ).toEqual(
      ["acme", "globex", "hooli", "initech", "piedpiper", "stark-labs", "umbrella", "wayne-ent"].map(
        (id) => `tenant-${id}`,
      ),
    );
  });
});
