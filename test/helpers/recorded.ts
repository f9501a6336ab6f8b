// Recorded resources built by hand for policy and diff tests, in the platform's project and its prod stack.
import { recordedResources } from "@platform/offline-plan";

/** `urnOf` and `resource` (a recorded top-level custom resource) in project "platform", stack "prod". */
export const { urnOf, resource } = recordedResources("platform", "prod");
