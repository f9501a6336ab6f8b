export * as v1 from "@pulumi/kubernetes/policy/v1";
