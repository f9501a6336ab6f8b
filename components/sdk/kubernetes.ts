// The parts of @pulumi/kubernetes the platform uses, imported by API group (see ./aws.ts for why). Import as
// `import * as k8s from "../sdk/kubernetes"` and write `k8s.core.v1.Secret` as with the root package.
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export * as apps from "@pulumi/kubernetes/apps";
export * as autoscaling from "@pulumi/kubernetes/autoscaling";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as networking from "@pulumi/kubernetes/networking";
export * as policy from "@pulumi/kubernetes/policy";
export { Provider } from "@pulumi/kubernetes/provider";
export type { ProviderArgs } from "@pulumi/kubernetes/provider";
export * as types from "@pulumi/kubernetes/types";
