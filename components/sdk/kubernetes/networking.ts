export * as v1 from "@pulumi/kubernetes/networking/v1";
