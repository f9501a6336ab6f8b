// The parts of @pulumi/kubernetes the platform uses, imported by API version (see ./aws.ts for why): a group's index
// (`@pulumi/kubernetes/apps`) loads every version of the group. Import as `import * as k8s from "../sdk/kubernetes"`
// and write `k8s.core.v1.Secret` as with the root package. Add a version here before using it.
export * as apiextensions from "./kubernetes/apiextensions";
export * as apps from "./kubernetes/apps";
export * as autoscaling from "./kubernetes/autoscaling";
export * as batch from "./kubernetes/batch";
export * as core from "./kubernetes/core";
export * as networking from "./kubernetes/networking";
export * as policy from "./kubernetes/policy";
export { Provider } from "@pulumi/kubernetes/provider";
export type { ProviderArgs } from "@pulumi/kubernetes/provider";
export type * as types from "@pulumi/kubernetes/types";
