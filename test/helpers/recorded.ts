import type { RecordedResource } from "@platform/offline-plan";

const STACK = "urn:pulumi:prod::platform::pulumi:pulumi:Stack::platform-prod";

export const urnOf = (type: string, name: string) => `urn:pulumi:prod::platform::${type}::${name}`;

/** A recorded custom resource (top level, unprotected, no dependencies unless given), as the offline plan records it. */
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
    parent: STACK,
    custom: true,
    protect: false,
    retainOnDelete: false,
    dependsOn: [],
    inputs,
    secretPaths: [],
    ...extra,
  };
}
