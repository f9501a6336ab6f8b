import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import type { PlatformConfig } from "./config";
import { PlatformNamespace } from "../components/kubernetes/namespace";
import { Tenant } from "../components/tenant";
import { AlertReceiverSecrets, AlertRules } from "../components/alerts";
import { longestIntervalMinutes } from "./schema/common";

/** Explicit providers, so every resource states which account, region and cluster it lives in. */
export interface Providers {
  aws: aws.Provider;
  kubernetes: k8s.Provider;
}

function createProviders(config: PlatformConfig): Providers {
  return {
    aws: new aws.Provider("aws", { region: config.region as aws.Region, defaultTags: { tags: { "platform:environment": config.environment, "platform:managed-by": "pulumi" } } }),
    kubernetes: new k8s.Provider("kubernetes", { context: config.kubernetes.context, enableServerSideApply: true }),
  };
}

/** Secret config values, read by the program as secret Outputs (never part of PlatformConfig). */
export interface PlatformSecrets {
  alertReceivers?: AlertReceiverSecrets;
}

/** Wires every component from the validated config. The one place that knows how the parts fit together. */
export function buildPlatform(config: PlatformConfig, secrets: PlatformSecrets = {}) {
  const providers = createProviders(config);
  const namespace = new PlatformNamespace("platform", {
    namespace: config.kubernetes.namespace,
    environment: config.environment,
    provider: providers.kubernetes,
  });

  const tenants = config.tenants.map((tenant) => new Tenant(`tenant-${tenant.id}`, { tenant }));

  const alerts = config.alerts.enabled
    ? new AlertRules("alerts", {
        alerts: config.alerts,
        namespace: config.kubernetes.namespace,
        tenants: config.tenants.filter((t) => t.tier === "enterprise" && t.state === "active"),
        stuckAfterMinutes: config.jobs.reconcile.stuckAfterMinutes,
        restoreVerifyIntervalHours: longestIntervalMinutes(config.backups.verifySchedule) / 60,
        receivers: secrets.alertReceivers,
        provider: providers.kubernetes,
      }, { dependsOn: [namespace] })
    : undefined;

  return {
    environment: config.environment,
    platformNamespace: namespace.name,
    alertGroups: alerts?.groupNames ?? [],
    tenants: Object.fromEntries(tenants.map((t) => [t.tenantId, { tier: t.tier, state: t.state, namespace: t.namespaceName }])),
  };
}

export type PlatformOutputs = ReturnType<typeof buildPlatform>;
