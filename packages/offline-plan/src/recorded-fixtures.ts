// Recorded resources built by hand, for tests of code that reads recordings (policies, diffs, previews): the shape
// the recording monitor produces for a top-level custom resource of one stack, so each test names only what it needs.
import type { RecordedResource } from "./render";

/** `urnOf` and `resource` for one stack of one project. */
export function recordedResources(project: string, stack: string) {
  const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
  const urnOf = (type: string, name: string) => `urn:pulumi:${stack}::${project}::${type}::${name}`;
  /** A recorded custom resource (top level, unprotected, no dependencies unless given), as the engine records one. */
  const resource = (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    extra: Partial<RecordedResource> = {},
  ): RecordedResource => ({
    urn: urnOf(type, name),
    type,
    name,
    parent: stackUrn,
    custom: true,
    protect: false,
    retainOnDelete: false,
    dependsOn: [],
    inputs,
    secretPaths: [],
    ...extra,
  });
  return { urnOf, resource };
}
