// Small fixtures for the engine's own tests: recorded resources built by hand, and the render options of a generic
// project. Nothing here knows the program the engine usually runs.
import { type RenderOptions, recordedResources } from "../src";

export const PROJECT = "fixture";

/** `urnOf` and `resource` (a recorded top-level custom resource) in project "fixture", stack "unit". */
export const { urnOf, resource } = recordedResources(PROJECT, "unit");

/** Render options for a fixture program: project "fixture", stack "unit", one provider config key. */
export const renderOptions: RenderOptions = { project: PROJECT, stack: "unit", config: { "aws:region": "us-east-1" } };
