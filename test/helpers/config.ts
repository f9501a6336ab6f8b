import { ConfigError, parsePlatformConfig, rawPlatformConfig } from "../../stacks/config";
import { stackConfigFromObject } from "../../tools/lib/stack-file";

/** Parses a stack `config:` mapping the way the program does, returning the problems (empty when valid). */
export function problemsOf(config: Record<string, unknown>) {
  const { raw, awsRegion } = rawPlatformConfig(stackConfigFromObject(config, "platform").config);
  try {
    parsePlatformConfig(raw, awsRegion);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/** The validated PlatformConfig of a stack `config:` mapping; throws ConfigError when invalid. */
export function parsedConfig(config: Record<string, unknown>) {
  const { raw, awsRegion } = rawPlatformConfig(stackConfigFromObject(config, "platform").config);
  return parsePlatformConfig(raw, awsRegion);
}
