import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parsePlatformConfig, rawPlatformConfig } from "./config";
import { buildPlatform } from "./platform";

/**
 * The Pulumi program: validates the whole `platform:*` config before any resource is registered, then builds the
 * platform. A config error is raised as a RunError so the CLI prints the message without a stack trace.
 */
export async function platformProgram() {
  const { raw, awsRegion } = rawPlatformConfig(pulumi.runtime.allConfig());
  let config;
  try {
    config = parsePlatformConfig(raw, awsRegion);
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
  return buildPlatform(config);
}
