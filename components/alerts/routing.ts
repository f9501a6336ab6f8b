import type { AlertsConfig } from "./definitions";
import { targetLabels } from "./definitions";

/** Keys of the receiver Secret. */
export const RECEIVER_SECRET_KEYS = {
  pagerdutyRoutingKey: "pagerduty-routing-key",
  slackWebhookUrl: "slack-webhook-url",
} as const;

/** The receiver that drops what no route sends elsewhere (info alerts). */
export const NULL_RECEIVER = "none";

export interface RoutingArgs {
  routing: AlertsConfig["routing"];
  /** Name of the Kubernetes Secret holding the receiver credentials. */
  secretName: string;
  /** Whether a PagerDuty routing key is configured; without one, critical alerts go to the chat receiver. */
  paging: boolean;
  /** Whether a Slack webhook URL is configured; without one, the chat receiver drops alerts. */
  chat: boolean;
  /** Label carrying the tenant id on application metrics (`platform:alerts.metrics.tenantLabel`). Defaults to "tenant". */
  tenantLabel?: string;
}

const severityIs = (value: string) => [{ name: "severity", matchType: "=" as const, value }];

/**
 * The `spec` of the AlertmanagerConfig: critical → paging receiver (PagerDuty), warning → chat receiver (Slack),
 * everything else (info) → no receiver. A critical alert inhibits the warning of the same alert on the same target
 * (tenant, node, mount, exporter target, queue, database, stack, workload): Alertmanager compares the `equal` labels,
 * a label missing on both sides counting as equal (prometheus/alertmanager inhibit/inhibit.go), so every label that
 * names a target must be listed, or one critical disk alert silences the warnings of every other node.
 * Credentials are referenced from the Secret, never inlined.
 */
export function buildAlertmanagerConfigSpec(args: RoutingArgs) {
  const { routing, secretName } = args;
  const pagingTarget = args.paging ? routing.pagingReceiver : args.chat ? routing.chatReceiver : NULL_RECEIVER;
  const chatTarget = args.chat ? routing.chatReceiver : NULL_RECEIVER;
  const receivers: Record<string, unknown>[] = [{ name: NULL_RECEIVER }];
  if (args.paging) {
    receivers.push({
      name: routing.pagingReceiver,
      pagerdutyConfigs: [
        {
          routingKey: { name: secretName, key: RECEIVER_SECRET_KEYS.pagerdutyRoutingKey },
          sendResolved: true,
          severity: "{{ .CommonLabels.severity }}",
          description: "[{{ .CommonLabels.priority }}] {{ .CommonAnnotations.summary }}",
          details: [
            { key: "priority", value: "{{ .CommonLabels.priority }}" },
            { key: "tenant", value: "{{ .CommonLabels.tenant }}" },
            { key: "runbook", value: "{{ .CommonAnnotations.runbook_url }}" },
          ],
        },
      ],
    });
  }
  if (args.chat) {
    receivers.push({
      name: routing.chatReceiver,
      slackConfigs: [
        {
          apiURL: { name: secretName, key: RECEIVER_SECRET_KEYS.slackWebhookUrl },
          channel: routing.chatChannel,
          sendResolved: true,
          title:
            "[{{ .CommonLabels.priority }}] {{ .CommonLabels.alertname }}{{ if .CommonLabels.tenant }} ({{ .CommonLabels.tenant }}){{ end }}",
          text: "{{ range .Alerts }}{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}",
        },
      ],
    });
  }
  return {
    route: {
      receiver: NULL_RECEIVER,
      groupBy: ["alertname", "tenant"],
      groupWait: routing.groupWait,
      groupInterval: routing.groupInterval,
      repeatInterval: routing.repeatInterval,
      routes: [
        { receiver: pagingTarget, matchers: severityIs("critical") },
        { receiver: chatTarget, matchers: severityIs("warning") },
      ],
    },
    receivers,
    inhibitRules: [
      {
        sourceMatch: severityIs("critical"),
        targetMatch: severityIs("warning"),
        equal: ["alertname", ...targetLabels(args.tenantLabel)],
      },
    ],
  };
}
