import { manifestsOf, validateManifests } from "@platform/offline-plan";
import type { RecordedResource } from "@platform/offline-plan";

/**
 * Validates one rendered Kubernetes object with the plan's own validator (upstream schemas from kubernetes-models).
 * Returns the error naming the object, or undefined when it is valid.
 */
export function kubernetesSchemaError(resource: RecordedResource): string | undefined {
  const { errors, unvalidated } = validateManifests(manifestsOf([resource]));
  if (unvalidated.length > 0) return `${unvalidated[0].object}: ${unvalidated[0].message}`;
  return errors.length > 0 ? `${errors[0].object}: ${errors[0].message}` : undefined;
}
