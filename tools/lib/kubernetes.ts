import type { RecordedResource } from "./render";

/** A Kubernetes object as `kubectl apply` would receive it. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface RenderedManifest {
  urn: string;
  /** File name under manifests/: `<namespace|cluster>/<kind>-<name>.yaml`. */
  file: string;
  object: Manifest;
}

/** Pulumi type tokens of Kubernetes objects: `kubernetes:<group>/<version>:<Kind>` (core group is "core"). */
const OBJECT_TYPE = /^kubernetes:([a-z0-9.-]+)\/([a-z0-9]+):([A-Za-z]+)$/;
const NOT_OBJECTS = new Set(["kubernetes:yaml:ConfigFile", "kubernetes:yaml:ConfigGroup", "kubernetes:helm.sh/v3:Chart"]);

export function isKubernetesObject(resource: RecordedResource): boolean {
  return resource.custom && OBJECT_TYPE.test(resource.type) && !NOT_OBJECTS.has(resource.type) && !resource.type.endsWith("List");
}

/** The Kubernetes objects of a plan, with the apiVersion and kind taken from the type token. */
export function manifestsOf(resources: readonly RecordedResource[]): RenderedManifest[] {
  return resources.filter(isKubernetesObject).map((resource) => {
    const [, group, version, kind] = OBJECT_TYPE.exec(resource.type)!;
    const object = { ...resource.inputs } as Manifest;
    object.apiVersion = group === "core" ? version : `${group}/${version}`;
    object.kind = kind;
    object.metadata = { ...((object.metadata as Manifest["metadata"]) ?? {}) };
    const name = object.metadata.name ?? resource.name;
    const file = `${object.metadata.namespace ?? "_cluster"}/${kind.toLowerCase()}-${name}.yaml`;
    return { urn: resource.urn, file, object };
  });
}

/** Module that holds the kubernetes-models class of an apiVersion, or undefined when none ships one. */
function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "monitoring.coreos.com") return `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  if (group.endsWith(".k8s.io") || ["", "apps", "batch", "autoscaling", "policy"].includes(group)) {
    return `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`;
  }
  return undefined;
}

export interface SchemaFinding {
  urn: string;
  object: string;
  message: string;
}

/**
 * Validates every object against its upstream OpenAPI schema (kubernetes-models). Returns schema errors, each naming
 * the object, and the objects no schema is shipped for (reported, not failed).
 */
export function validateManifests(manifests: readonly RenderedManifest[]): { errors: SchemaFinding[]; unvalidated: SchemaFinding[] } {
  const errors: SchemaFinding[] = [];
  const unvalidated: SchemaFinding[] = [];
  for (const { urn, object } of manifests) {
    const label = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`;
    const module = modelModule(object.apiVersion, object.kind);
    let Model: (new (data: unknown) => { validate(): void }) | undefined;
    try {
      Model = module ? require(module)[object.kind] : undefined;
    } catch {
      Model = undefined;
    }
    if (!Model) {
      unvalidated.push({ urn, object: label, message: `no upstream schema for ${object.apiVersion} ${object.kind}` });
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      const details = (error as { errors?: Array<{ instancePath: string; message: string }> }).errors;
      const message = details?.length
        ? details.map((d) => `${d.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(root)"} ${d.message}`).join("; ")
        : (error as Error).message;
      errors.push({ urn, object: label, message });
    }
  }
  return { errors, unvalidated };
}

/** All PrometheusRule groups of a plan, merged into one Prometheus rule file (`promtool check rules`). */
export function prometheusRuleFile(manifests: readonly RenderedManifest[]): { groups: unknown[] } {
  const groups = manifests
    .filter((m) => m.object.apiVersion === "monitoring.coreos.com/v1" && m.object.kind === "PrometheusRule")
    .flatMap((m) => ((m.object.spec as { groups?: unknown[] } | undefined)?.groups ?? []));
  return { groups };
}
