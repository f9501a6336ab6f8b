export * as v1 from "@pulumi/kubernetes/apps/v1";
