// Small fixtures for the engine's own tests: a recorded resource built by hand, and the render options of a generic
// project. Nothing here knows the program the engine usually runs.
import type { RecordedResource, RenderOptions } from "../src";

export const PROJECT = "fixture";
const STACK_URN = `urn:pulumi:unit::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-unit`;

export const urnOf = (type: string, name: string) => `urn:pulumi:unit::${PROJECT}::${type}::${name}`;

/** Render options for a fixture program: project "fixture", stack "unit", one provider config key. */
export const renderOptions: RenderOptions = { project: PROJECT, stack: "unit", config: { "aws:region": "us-east-1" } };

/** A recorded custom resource (top level, unprotected, no dependencies unless given), as the engine records one. */
export function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<RecordedResource> = {},
): RecordedResource {
  return {
    urn: urnOf(type, name),
    type,
    name,
    parent: STACK_URN,
    custom: true,
    protect: false,
    retainOnDelete: false,
    dependsOn: [],
    inputs,
    secretPaths: [],
    ...extra,
  };
}
