export * as v1 from "@pulumi/kubernetes/batch/v1";
