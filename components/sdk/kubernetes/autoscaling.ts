export * as v2 from "@pulumi/kubernetes/autoscaling/v2";
