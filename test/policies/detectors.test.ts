import { describe, expect, it } from "vitest";
import { alertPolicies } from "../../policies/rules/alerts";
import { CREDENTIAL_NAME, URL_WITH_PASSWORD, safetyPolicies } from "../../policies/rules/safety";
import type { RecordedResource } from "@platform/offline-plan";
import { k8s, resource, urnOf, violation, violationsOf } from "./fixtures";

describe("plaintext credential detectors", () => {
  it.each([
    // libpq reads the password from PGPASSWORD (PostgreSQL docs, libpq "Environment Variables").
    ["PGPASSWORD", true],
    ["DATABASE_PASSWORD", true],
    ["DBPASSWD", true],
    ["REDISCLI_AUTH", true],
    ["MYSQL_PWD", true],
    ["API_KEY", true],
    ["PGPASSFILE", false],
    ["PASSWORD_MIN_LENGTH", false],
    ["TOKEN_TTL_SECONDS", false],
    ["PGUSER", false],
  ])("%s is a credential name: %s", (name, expected) => expect(CREDENTIAL_NAME.test(name)).toBe(expected));

  it.each([
    ["postgres://app:hunter2@db:5432/app", true],
    // RFC 3986 userinfo "[user][:password]@": Redis clients take a password-only AUTH as an empty user.
    ["rediss://:hunter2@master.redis.local:6379", true],
    ["redis://default:pw@host", true],
    ["https://user@host/path", false],
    ["http://host:8080/path", false],
    ["http://[::1]:9091/metrics", false],
  ])("%s holds a password: %s", (url, expected) => expect(URL_WITH_PASSWORD.test(url)).toBe(expected));

  it("a Deployment setting PGPASSWORD or a password-only Redis URL literally is a violation ending in a Fix", async () => {
    const deployment = k8s("kubernetes:apps/v1:Deployment", "worker", "platform", {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "worker",
                image: "w:1",
                env: [
                  { name: "PGPASSWORD", value: "hunter2" },
                  { name: "REDIS_URL", value: "rediss://:hunter2@master.redis.local:6379" },
                ],
              },
            ],
          },
        },
      },
    });
    const violations = await violationsOf(safetyPolicies, [deployment]);
    expect(violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/sets PGPASSWORD to a literal value that looks like a credential\. Fix: /),
      expect.stringMatching(/sets REDIS_URL to a literal value that looks like a credential\. Fix: /),
    ]);
  });
});

describe("alerting-in-production", () => {
  const stack = (): RecordedResource[] => [
    resource("aws:rds/instance:Instance", "platform-db", {}, { protect: true }),
    k8s("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "platform-alerts", "platform", { spec: { groups: [] } }),
    k8s("kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig", "platform-routing", "platform", {
      spec: {},
    }),
  ];

  it("passes a production stack with rules and routing, a shard without a database, and staging", async () => {
    expect(await violationsOf(alertPolicies, stack())).toEqual([]);
    expect(await violationsOf(alertPolicies, stack().slice(1, 2))).toEqual([]);
    expect(await violationsOf(alertPolicies, stack().slice(0, 1), "staging")).toEqual([]);
  });

  it("fails production with alerts disabled (a database, no rules, no routing), saying how to fix it", async () => {
    expect(await violationsOf(alertPolicies, stack().slice(0, 1))).toEqual([
      violation(
        "alerting-in-production",
        undefined,
        "The production stack runs a database but has no PrometheusRule and no AlertmanagerConfig: outages, full disks and failed backups would page no one. Fix: set platform:alerts.enabled: true (the default) so the alert rules and routing are created.",
      ),
    ]);
    expect(urnOf).toBeDefined();
  });
});
