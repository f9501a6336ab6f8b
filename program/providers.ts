// Explicit providers, one module of their own: every wiring file takes them, and none needs the composition.
import * as k8s from "../components/sdk/kubernetes";
import * as aws from "../components/sdk/aws";
import type { PlatformConfig } from "../config";

/** Explicit providers, so every resource states which account, region and cluster it lives in. */
export interface Providers {
  aws: aws.Provider;
  kubernetes: k8s.Provider;
  /** The DR region (`platform:dr.region`), when the stack has one. */
  awsDr?: aws.Provider;
}

export function createProviders(config: PlatformConfig): Providers {
  const defaultTags = { tags: { "platform:environment": config.environment, "platform:managed-by": "pulumi" } };
  return {
    aws: new aws.Provider("aws", { region: config.region as aws.Region, defaultTags }),
    kubernetes: new k8s.Provider("kubernetes", { context: config.kubernetes.context, enableServerSideApply: true }),
    awsDr: config.dr ? new aws.Provider("aws-dr", { region: config.dr.region as aws.Region, defaultTags }) : undefined,
  };
}
