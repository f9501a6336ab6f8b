import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RecordedResource } from "./render";
import { toYaml } from "./yaml-fast";

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
const NOT_OBJECTS = new Set([
  "kubernetes:yaml:ConfigFile",
  "kubernetes:yaml:ConfigGroup",
  "kubernetes:helm.sh/v3:Chart",
]);

export function isKubernetesObject(resource: RecordedResource): boolean {
  return (
    resource.custom &&
    OBJECT_TYPE.test(resource.type) &&
    !NOT_OBJECTS.has(resource.type) &&
    !resource.type.endsWith("List")
  );
}

/** A Kubernetes object resource as a manifest, with the apiVersion and kind taken from the type token. */
export function manifestOf(resource: RecordedResource): RenderedManifest {
  const [, group, version, kind] = OBJECT_TYPE.exec(resource.type)!;
  const object = { ...resource.inputs } as Manifest;
  object.apiVersion = group === "core" ? version : `${group}/${version}`;
  object.kind = kind;
  object.metadata = { ...((object.metadata as Manifest["metadata"]) ?? {}) };
  const name = object.metadata.name ?? resource.name;
  const file = `${object.metadata.namespace ?? "_cluster"}/${kind.toLowerCase()}-${name}.yaml`;
  return { urn: resource.urn, file, object };
}

/** The Kubernetes objects of a plan. */
export function manifestsOf(resources: readonly RecordedResource[]): RenderedManifest[] {
  return resources.filter(isKubernetesObject).map(manifestOf);
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

export interface SchemaReport {
  errors: SchemaFinding[];
  unvalidated: SchemaFinding[];
}

/** Checks one object against its upstream OpenAPI schema (kubernetes-models), adding what it finds to `report`. */
export function validateManifest({ urn, object }: RenderedManifest, report: SchemaReport): void {
  const label = `${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ""}${object.metadata.name}`;
  const module = modelModule(object.apiVersion, object.kind);
  let Model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    Model = module ? require(module)[object.kind] : undefined;
  } catch {
    Model = undefined;
  }
  if (!Model) {
    report.unvalidated.push({
      urn,
      object: label,
      message: `no upstream schema for ${object.apiVersion} ${object.kind}`,
    });
    return;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    const details = (error as { errors?: Array<{ instancePath: string; message: string }> }).errors;
    const message = details?.length
      ? details
          .map((d) => `${d.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(root)"} ${d.message}`)
          .join("; ")
      : (error as Error).message;
    report.errors.push({ urn, object: label, message });
  }
}

/**
 * Validates every object against its upstream OpenAPI schema (kubernetes-models). Returns schema errors, each naming
 * the object, and the objects no schema is shipped for (reported, not failed).
 */
export function validateManifests(manifests: readonly RenderedManifest[]): SchemaReport {
  const report: SchemaReport = { errors: [], unvalidated: [] };
  for (const manifest of manifests) validateManifest(manifest, report);
  return report;
}

/** Writes each object to `<outDir>/manifests/<file>` (replacing what an earlier plan wrote) and the merged rule file. */
export function writeManifests(outDir: string, manifests: readonly RenderedManifest[]): void {
  rmSync(join(outDir, "manifests"), { recursive: true, force: true });
  const dirs = new Set(manifests.map((m) => dirname(join(outDir, "manifests", m.file))));
  for (const dir of dirs) mkdirSync(dir, { recursive: true });
  for (const manifest of manifests) writeFileSync(join(outDir, "manifests", manifest.file), toYaml(manifest.object));
  writeFileSync(join(outDir, "prometheus-rules.yaml"), toYaml(prometheusRuleFile(manifests)));
}

/** All PrometheusRule groups of a plan, merged into one Prometheus rule file (`promtool check rules`). */
export function prometheusRuleFile(manifests: readonly RenderedManifest[]): { groups: unknown[] } {
  const groups = manifests
    .filter((m) => m.object.apiVersion === "monitoring.coreos.com/v1" && m.object.kind === "PrometheusRule")
    .flatMap((m) => (m.object.spec as { groups?: unknown[] } | undefined)?.groups ?? []);
  return { groups };
}
