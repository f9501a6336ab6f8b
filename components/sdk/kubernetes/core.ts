export * as v1 from "@pulumi/kubernetes/core/v1";
