import type { RecordedResource } from "../../tools/lib/render";

/** `kubernetes:apps/v1:Deployment` → the kubernetes-models module path (`apps/v1/Deployment`; core is `v1/...`). */
export function modelPath(type: string): string {
  const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  if (!match) throw new Error(`not a Kubernetes resource type: ${type}`);
  const [, group, version, kind] = match;
  return group === "core" ? `v1/${kind}` : `${group}/${version}/${kind}`;
}

/**
 * Validates a rendered Kubernetes object against the upstream OpenAPI schema (kubernetes-models). Returns the
 * validation error message, or undefined when the object is valid. Validates the revealed inputs when the render
 * kept them (`revealSecrets`), since a redacted secret field ("[secret]") is not of its schema type.
 */
export function kubernetesSchemaError(resource: RecordedResource): string | undefined {
  const module = require(`kubernetes-models/${modelPath(resource.type)}`) as Record<string, new (data: unknown) => { validate(): void }>;
  const kind = resource.type.split(":").pop()!;
  try {
    new module[kind](resource.revealedInputs ?? resource.inputs).validate();
    return undefined;
  } catch (error) {
    return `${resource.type} ${resource.name}: ${(error as Error).message}`;
  }
}
