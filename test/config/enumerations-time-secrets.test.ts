import * as stacks from "../fixtures/stacks";
import { describe, expect, it } from "vitest";
import { parsePlatformConfig, rawPlatformConfig } from "../../config";
import { restoreWindowWarning, timeBoundProblems } from "../../config/rules-time";
import { PERFORMANCE_INSIGHTS_RETENTION_DAYS } from "../../config/data";
import { stackConfigFromObject } from "@platform/offline-plan";
import { expectProblem, parseStack, problemsOf } from "../helpers/config";

describe("AWS enumerations are named in the message (RDS API Reference, CreateDBInstance)", () => {
  it("Performance Insights retention: 7, 31 × 1–23 months, or 731", () => {
    expect(PERFORMANCE_INSIGHTS_RETENTION_DAYS).toEqual([
      7,
      ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)),
      731,
    ]);
    for (const ok of [7, 31, 155, 713, 731])
      expect(
        parseStack(stacks.production(), (r) => (r.database.performanceInsightsRetentionDays = ok)).database,
      ).toMatchObject({
        performanceInsightsRetentionDays: ok,
      });
    for (const bad of [0, 14, 30, 744, 732, 62.5])
      expectProblem(
        stacks.production(),
        (r) => (r.database.performanceInsightsRetentionDays = bad),
        "platform:database.performanceInsightsRetentionDays",
        "allowed: 7, 31, a multiple of 31 up to 713 (31 × 1–23 months), or 731",
      );
  });

  it("Enhanced Monitoring interval: 0, 1, 5, 10, 15, 30, 60", () => {
    for (const bad of [2, 120, -1])
      expectProblem(
        stacks.production(),
        (r) => (r.database.monitoringIntervalSeconds = bad),
        "platform:database.monitoringIntervalSeconds",
        "allowed: 0, 1, 5, 10, 15, 30, 60",
      );
  });
});

describe("a point-in-time restore names a time RDS can restore to", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const withTime = (time: string) =>
    ({
      environment: "production",
      database: { backupRetentionDays: 7, restore: { pointInTime: { sourceInstance: "db-old", time } } },
    }) as never;

  it("a time after now is an error; now and the past are not", () => {
    expect(timeBoundProblems(withTime("2026-12-01T12:00:01Z"), now)).toEqual([
      expect.objectContaining({ key: "platform:database.restore.pointInTime.time", value: '"2026-12-01T12:00:01Z"' }),
    ]);
    expect(timeBoundProblems(withTime("2026-12-01T12:00:00Z"), now)).toEqual([]);
    expect(timeBoundProblems(withTime("2026-11-24T12:00:00Z"), now)).toEqual([]);
  });

  it("a time before the retention window is a warning (the active restore ages past it after it ran)", () => {
    expect(restoreWindowWarning(withTime("2026-11-24T12:00:00Z"), now)).toBeUndefined();
    expect(restoreWindowWarning(withTime("2026-11-24T11:59:59Z"), now)).toContain("backupRetentionDays = 7 days");
  });

  it("the parser judges against the injected now (ParseOptions.now) and by default the clock", () => {
    const config = stacks.production();
    (config["platform:database"] as Record<string, unknown>).restore = {
      pointInTime: { sourceInstance: "db-old", time: "2999-01-01T00:00:00Z" },
    };
    expect(problemsOf(config).map((p) => p.key)).toContain("platform:database.restore.pointInTime.time");
    const stack = stackConfigFromObject(config, "platform");
    const { raw, awsRegion } = rawPlatformConfig(stack.config);
    const later = new Date("3000-01-01T00:00:00Z");
    expect(() => parsePlatformConfig(raw, awsRegion, { secretKeys: stack.secretKeys, now: later })).not.toThrow();
  });
});

describe("never crash, never echo a secret", () => {
  it("a custom job without command is a config error naming the key", () => {
    expectProblem(
      stacks.production(),
      (r) => (r.jobs = { ...r.jobs, custom: { cleanup: { schedule: "0 1 * * *" } } }),
      "platform:jobs.custom.cleanup.command",
      "required: the command the job runs",
    );
  });

  it("a secure value under a key that takes no secret is refused without its value, also nested", () => {
    const config = stacks.production();
    config["platform:maintenance"] = { secure: "v1:AAAAciphertext" };
    (config["platform:database"] as Record<string, unknown>).adminHost = { secure: "v1:BBBBciphertext" };
    const problems = problemsOf(config);
    for (const key of ["platform:maintenance", "platform:database"])
      expect(problems).toContainEqual(expect.objectContaining({ key, value: "[secret]" }));
    expect(JSON.stringify(problems)).not.toMatch(/ciphertext|offline-plan-placeholder/);
    expect(problems.find((p) => p.key === "platform:maintenance")!.message).toContain("takes no secret");
  });

  it("a decrypted secret under an unknown key is not shown either (the real CLI decrypts before the program)", () => {
    const problems = parsePlatformConfigProblems({ environment: "staging", databse: "hunter2-plaintext" }, [
      "platform:databse",
    ]);
    expect(JSON.stringify(problems)).not.toContain("hunter2");
  });

  it("a namespace that looks like a typo of platform: is refused, naming the intended key", () => {
    const config = stacks.production();
    config["platfrom:maintenance"] = { enabled: true };
    config["Platform:tenants"] = [];
    const problems = problemsOf(config);
    expect(problems).toContainEqual(
      expect.objectContaining({
        key: "platfrom:maintenance",
        message: expect.stringContaining('did you mean "platform:maintenance"?'),
      }),
    );
    expect(problems.map((p) => p.key)).toContain("Platform:tenants");
    // Other providers' namespaces are not typos.
    expect(problemsOf(stacks.production())).toEqual([]);
  });
});

function parsePlatformConfigProblems(raw: Record<string, unknown>, secretKeys: string[]) {
  try {
    parsePlatformConfig(raw, "us-east-1", { secretKeys });
    return [];
  } catch (error) {
    return (error as { problems: unknown[] }).problems;
  }
}
