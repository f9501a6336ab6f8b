import { describe, expect, it } from "vitest";
import { ConfigError, parsePlatformConfig, rawPlatformConfig } from "../../config";
import { stackConfigFromObject } from "@platform/offline-plan";
import * as stacks from "../fixtures/stacks";

/** Parses a stack config the way the program does (secure: values are secret keys). */
function parseStack(stack: Record<string, unknown>) {
  const { config, secretKeys } = stackConfigFromObject(stack, "platform");
  const { raw, awsRegion } = rawPlatformConfig(config);
  return parsePlatformConfig(raw, awsRegion, { secretKeys });
}

function problemsOf(mutate: (stack: Record<string, any>) => void, base = stacks.production()): string[] {
  const stack = base;
  mutate(stack);
  try {
    parseStack(stack);
  } catch (error) {
    if (error instanceof ConfigError)
      return error.problems.map((p) => `${p.key}${p.value === undefined ? "" : ` = ${p.value}`}: ${p.message}`);
    throw error;
  }
  return [];
}

const withAlerts = (patch: Record<string, unknown>) => (stack: Record<string, any>) => {
  stack["platform:alerts"] = { ...stack["platform:alerts"], ...patch };
};

describe("platform:alerts config", () => {
  it("accepts the production and staging fixtures", () => {
    expect(problemsOf(() => {})).toEqual([]);
    expect(problemsOf(() => {}, stacks.staging())).toEqual([]);
  });

  it("requires the paging and chat credentials in production", () => {
    const problems = problemsOf((s) => {
      delete s["platform:pagerdutyRoutingKey"];
      delete s["platform:slackWebhookUrl"];
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^platform:pagerdutyRoutingKey: required in production .*pulumi config set --secret platform:pagerdutyRoutingKey/,
    );
    expect(problems[1]).toMatch(/^platform:slackWebhookUrl: required in production/);
  });

  it("lets staging run without credentials, and production with alerts disabled", () => {
    expect(
      problemsOf((s) => {
        delete s["platform:pagerdutyRoutingKey"];
        delete s["platform:slackWebhookUrl"];
      }, stacks.staging()),
    ).toEqual([]);
    expect(
      problemsOf((s) => {
        delete s["platform:pagerdutyRoutingKey"];
        delete s["platform:slackWebhookUrl"];
        withAlerts({ enabled: false })(s);
      }),
    ).toEqual([]);
  });

  it("rejects a credential stored in plain text", () => {
    const problems = problemsOf((s) => {
      s["platform:slackWebhookUrl"] = "https://hooks.slack.com/services/T000/B000/XXXX";
    });
    expect(problems).toEqual([
      "platform:slackWebhookUrl = [not shown]: must be a secret: a plain value sits readable in Pulumi.<stack>.yaml; set it with `pulumi config set --secret platform:slackWebhookUrl <value>`",
    ]);
    expect(problems.join()).not.toContain("hooks.slack.com");
  });

  it("rejects a metric name that is not a Prometheus metric name, naming the key", () => {
    expect(problemsOf(withAlerts({ metrics: { httpRequests: "http-requests-total" } }))).toEqual([
      'platform:alerts.metrics.httpRequests = "http-requests-total": a Prometheus metric name',
    ]);
  });

  it("rejects an error matcher that is not one PromQL label matcher", () => {
    expect(problemsOf(withAlerts({ metrics: { httpErrorMatcher: 'code=~"5..",job="x"' } }))[0]).toMatch(
      /^platform:alerts\.metrics\.httpErrorMatcher = .*one PromQL label matcher/,
    );
  });

  it("rejects a warning threshold at or above the critical one", () => {
    expect(problemsOf(withAlerts({ errorRate: { warning: 0.1, critical: 0.1 } }))).toEqual([
      "platform:alerts.errorRate.warning = 0.1: must be below critical (0.1)",
    ]);
  });

  it("rejects an error rate given in percent instead of a fraction", () => {
    expect(problemsOf(withAlerts({ errorRate: { warning: 5, critical: 10 } }))[0]).toMatch(
      /^platform:alerts\.errorRate\.warning = 5: a fraction of at most 1/,
    );
  });

  it("rejects routing intervals that are not Prometheus durations and unknown routing keys", () => {
    expect(problemsOf(withAlerts({ routing: { repeatInterval: "4 hours" } }))).toEqual([
      'platform:alerts.routing.repeatInterval = "4 hours": a Prometheus duration with units in the order y, w, d, h, m, s, ms, such as "30s", "5m" or "1h30m"',
    ]);
    expect(problemsOf(withAlerts({ routing: { pagingReciever: "pager" } }))[0]).toMatch(
      /^platform:alerts\.routing\.pagingReciever = "pager": unknown key — did you mean "pagingReceiver"\?/,
    );
  });

  it("fills the runbooks' defaults when the section is missing", () => {
    const stack = stacks.staging();
    delete stack["platform:alerts"];
    const config = parseStack(stack);
    expect(config.alerts).toMatchObject({
      enabled: true,
      errorRate: { warning: 0.05, critical: 0.1 },
      backupStaleHours: 26,
      selectorLabels: { release: "prometheus" },
    });
    expect(config.alerts.metrics.httpRequests).toBe("http_requests_total");
  });
});
