// Explicit providers, one module of their own: every wiring file takes them, and none needs the composition.
import * as k8s from "../components/sdk/kubernetes";
import * as aws from "../components/sdk/aws";
import type { PlatformConfig } from "../config";
import type { Providers } from "../components/providers";

export type { Providers } from "../components/providers";

export function createProviders(config: PlatformConfig): Providers {
  const defaultTags = { tags: { "platform:environment": config.environment, "platform:managed-by": "pulumi" } };
  return {
    aws: new aws.Provider("aws", { region: config.region as aws.Region, defaultTags }),
    kubernetes: new k8s.Provider("kubernetes", { context: config.kubernetes.context, enableServerSideApply: true }),
    awsDr: config.dr ? new aws.Provider("aws-dr", { region: config.dr.region as aws.Region, defaultTags }) : undefined,
  };
}
