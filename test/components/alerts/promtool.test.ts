import { copyFileSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT, renderStack } from "../../helpers/render";
import { promtool, promtoolAsync, ruleFileOf, writeRuleFile } from "../../helpers/promtool";
import { parsePlatformConfig, rawPlatformConfig } from "../../../config";
import { stackConfigFromObject } from "@platform/offline-plan";
import { buildAlertGroups } from "../../../components/alerts";
import * as stacks from "../../fixtures/stacks";

const TEST_DIR = join(PROJECT_ROOT, "test", "components", "alerts", "promtool");
const testFiles = readdirSync(TEST_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: Array<{ exp_labels: Record<string, string> }>;
}
const unitTests = testFiles.flatMap((file) =>
  (
    parse(readFileSync(join(TEST_DIR, file), "utf8")) as { tests: Array<{ alert_rule_test?: AlertRuleTest[] }> }
  ).tests.flatMap((t) => t.alert_rule_test ?? []),
);

describe("production alert rules under promtool", () => {
  let dir: string;
  let ruleFile: ReturnType<typeof ruleFileOf>;

  beforeAll(async () => {
    const result = await renderStack(stacks.production(), { stack: "prod" });
    ruleFile = ruleFileOf(result.resources);
    dir = writeRuleFile(ruleFile);
    for (const file of testFiles) copyFileSync(join(TEST_DIR, file), join(dir, file));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("promtool check rules accepts the rule file the plan writes (out/prod/prometheus-rules.yaml)", () => {
    const count = ruleFile.groups.reduce((n, g) => n + g.rules.length, 0);
    const { status, output } = promtool(["check", "rules", "prometheus-rules.yaml"], dir);
    expect(output).toContain(`SUCCESS: ${count} rules found`);
    expect(status).toBe(0);
  });

  it("promtool test rules passes every unit test in test/components/alerts/promtool", async () => {
    const results = await Promise.all(testFiles.map((file) => promtoolAsync(["test", "rules", file], dir)));
    results.forEach(({ status, output }, i) => {
      expect(output, `${testFiles[i]}:\n${output}`).not.toContain("FAILED");
      expect(status, `${testFiles[i]}:\n${output}`).toBe(0);
    });
  });

  it("every alert at every severity is expected to fire in some unit test, and to stay silent in another", () => {
    const defined = new Set(ruleFile.groups.flatMap((g) => g.rules.map((r) => `${r.alert}/${r.labels.severity}`)));
    const fired = new Set(
      unitTests.flatMap((t) => (t.exp_alerts ?? []).map((a) => `${t.alertname}/${a.exp_labels.severity}`)),
    );
    const silent = new Set(unitTests.filter((t) => !t.exp_alerts?.length).map((t) => t.alertname));
    expect([...defined].filter((a) => !fired.has(a))).toEqual([]);
    expect([...new Set([...defined].map((a) => a.split("/")[0]))].filter((a) => !silent.has(a))).toEqual([]);
  });

  it("the unit tests pin the thresholds: raising the error-rate warning to 6 % makes them fail", () => {
    const stack = stacks.production() as Record<string, any>;
    stack["platform:alerts"] = { ...stack["platform:alerts"], errorRate: { warning: 0.06, critical: 0.1 } };
    const { raw, awsRegion } = rawPlatformConfig(stackConfigFromObject(stack, "platform").config);
    const config = parsePlatformConfig(raw, awsRegion);
    const mutated = writeRuleFile({
      groups: buildAlertGroups(config.alerts, { namespace: config.kubernetes.namespace, tenants: ["acme"] }),
    });
    try {
      copyFileSync(join(TEST_DIR, "availability.yaml"), join(mutated, "availability.yaml"));
      const { status, output } = promtool(["test", "rules", "availability.yaml"], mutated);
      expect(status).not.toBe(0);
      expect(output).toContain("alertname: ApiErrorRateHigh");
    } finally {
      rmSync(mutated, { recursive: true, force: true });
    }
  });
});
