import * as pulumi from "@pulumi/pulumi";
import { ConfigError, NAMESPACE, parsePlatformConfig, rawPlatformConfig } from "../config";
import { buildStack } from "./platform";
import { stackFileReader } from "./stack-files";

// Which config values are `secure:` (the CLI passes the list in PULUMI_CONFIG_SECRET_KEYS); internal to the SDK.
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/**
 * The Pulumi program: validates the whole `platform:*` config before any resource is registered, then builds the
 * platform. A config error is raised as a RunError so the CLI prints the message without a stack trace.
 */
export async function platformProgram() {
  const all = pulumi.runtime.allConfig();
  const { raw, awsRegion } = rawPlatformConfig(all);
  let config;
  try {
    config = parsePlatformConfig(raw, awsRegion, {
      secretKeys: Object.keys(all).filter(isConfigSecret),
      readStack: stackFileReader(),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
  const secrets = new pulumi.Config(NAMESPACE);
  return buildStack(config, {
    alertReceivers: {
      pagerdutyRoutingKey: secrets.getSecret("pagerdutyRoutingKey"),
      slackWebhookUrl: secrets.getSecret("slackWebhookUrl"),
    },
  });
}
