// The inhibit rule, replayed on every set of alerts the promtool tests expect to fire together: a critical alert must
// silence the warning of its own target and nothing else. The semantics are Alertmanager's (prometheus/alertmanager
// inhibit/inhibit.go, InhibitRule.hasEqual): a target alert matching the target matchers is inhibited when a firing
// source alert matching the source matchers has, for every label in `equal`, the same value — a label missing on
// both sides counts as equal (model.LabelSet lookup of a missing name is "").
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../../helpers/render";
import { buildAlertmanagerConfigSpec } from "../../../components/alerts";

type Labels = Record<string, string>;
interface Matcher {
  name: string;
  matchType: string;
  value: string;
}

const TEST_DIR = join(PROJECT_ROOT, "test", "components", "alerts", "promtool");
const firingSets: Labels[][] = readdirSync(TEST_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .flatMap((file) => {
    const doc = parse(readFileSync(join(TEST_DIR, file), "utf8")) as {
      tests: Array<{
        alert_rule_test?: Array<{ alertname: string; exp_alerts?: Array<{ exp_labels: Labels }> }>;
      }>;
    };
    return doc.tests.flatMap((t) =>
      (t.alert_rule_test ?? []).map((r) =>
        (r.exp_alerts ?? []).map((a) => ({ alertname: r.alertname, ...a.exp_labels })),
      ),
    );
  })
  .filter((set) => set.length > 1);

const matches = (labels: Labels, matchers: Matcher[]) => matchers.every((m) => (labels[m.name] ?? "") === m.value);

/** Alertmanager's inhibition: is `target` muted by one of `firing`? */
function inhibited(
  target: Labels,
  firing: Labels[],
  rule: { sourceMatch: Matcher[]; targetMatch: Matcher[]; equal: string[] },
): boolean {
  if (!matches(target, rule.targetMatch)) return false;
  return firing.some(
    (source) =>
      source !== target &&
      matches(source, rule.sourceMatch) &&
      rule.equal.every((name) => (source[name] ?? "") === (target[name] ?? "")),
  );
}

/** The same alert on the same target: every label equal but the level's own (severity, priority). */
const sameTarget = (a: Labels, b: Labels) => {
  const strip = ({ severity: _s, priority: _p, ...rest }: Labels) => JSON.stringify(Object.entries(rest).sort());
  return strip(a) === strip(b);
};

describe("Alertmanager inhibition of the fired alerts", () => {
  const spec = buildAlertmanagerConfigSpec({
    routing: {
      pagingReceiver: "pager",
      chatReceiver: "chat",
      chatChannel: "#c",
      groupWait: "30s",
      groupInterval: "5m",
      repeatInterval: "4h",
    },
    secretName: "s",
    paging: true,
    chat: true,
  });
  const rule = spec.inhibitRules[0] as { sourceMatch: Matcher[]; targetMatch: Matcher[]; equal: string[] };

  it("replays sets where a critical alert fires next to warnings of other targets (nodes, servers, queues)", () => {
    const mixed = firingSets.filter((set) =>
      set.some((w) => w.severity === "warning" && set.some((c) => c.severity === "critical" && !sameTarget(c, w))),
    );
    const names = new Set(mixed.map((set) => set[0].alertname));
    for (const alert of [
      "NodeDiskUsageHigh",
      "NodeMemoryHigh",
      "DatabaseConnectionPoolSaturated",
      "RedisConnectionsHigh",
    ])
      expect(names, alert).toContain(alert);
  });

  it("silences exactly the warnings whose own target has a critical alert", () => {
    for (const set of firingSets) {
      for (const alert of set.filter((a) => a.severity === "warning")) {
        const expected = set.some((c) => c.severity === "critical" && sameTarget(c, alert));
        expect(inhibited(alert, set, rule), JSON.stringify(alert)).toBe(expected);
      }
    }
  });

  it("would let one critical disk alert silence the warnings of every other node with equal: [alertname, tenant]", () => {
    const old = { ...rule, equal: ["alertname", "tenant"] };
    const wrong = firingSets.flatMap((set) =>
      set
        .filter((a) => a.severity === "warning")
        .filter((a) => inhibited(a, set, old) !== set.some((c) => c.severity === "critical" && sameTarget(c, a))),
    );
    expect(wrong.map((a) => a.alertname)).toContain("NodeDiskUsageHigh");
  });
});
