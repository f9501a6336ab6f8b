import { describe, expect, it } from "vitest";
import { cronScheduleProblem, parseCronSchedule } from "../../config/cron";
import { longestIntervalMinutes } from "../../config/common";

// Expectations come from robfig/cron v3 itself (github.com/robfig/cron parser_test.go TestRange,
// TestParseScheduleErrors; spec_test.go TestActivation, TestNext — seconds-field cases rewritten to the five fields
// of the standard parser) and from Kubernetes' validateScheduleFormat (pkg/apis/batch/validation/validation.go:
// cron.ParseStandard, and "cannot use TZ or CRON_TZ in schedule, use timeZone field instead").

const next = (spec: string, after: string) => parseCronSchedule(spec).next(new Date(after))?.toISOString();

describe("the CronJob schedule dialect (robfig/cron standard parser)", () => {
  it.each([
    ["0/15 * * * *", "2012-07-09T14:45:00Z", "2012-07-09T15:00:00.000Z"],
    ["0/15 * * * *", "2012-07-09T14:59:59Z", "2012-07-09T15:00:00.000Z"],
    ["20-35/15 * * * *", "2012-07-09T15:45:00Z", "2012-07-09T16:20:00.000Z"],
    ["*/15 * * * *", "2012-07-09T23:46:00Z", "2012-07-10T00:00:00.000Z"],
    ["20-35/15 1/2 */2 * *", "2012-07-09T23:35:51Z", "2012-07-11T01:20:00.000Z"],
    ["0 0 9 Apr-Oct ?", "2012-07-09T23:35:00Z", "2012-08-09T00:00:00.000Z"],
    ["0 0 */5 Apr,Aug,Oct Mon", "2012-07-09T23:35:00Z", "2012-08-01T00:00:00.000Z"],
    ["0 0 */5 Oct Mon", "2012-07-09T23:35:00Z", "2012-10-01T00:00:00.000Z"],
    ["0 0 * Feb Mon", "2012-07-09T23:35:00Z", "2013-02-04T00:00:00.000Z"],
    ["0 0 * Feb Mon/2", "2012-07-09T23:35:00Z", "2013-02-01T00:00:00.000Z"],
    ["* * * * *", "2012-12-31T23:59:45Z", "2013-01-01T00:00:00.000Z"],
    ["0 0 29 Feb ?", "2012-07-09T23:35:00Z", "2016-02-29T00:00:00.000Z"],
    ["@weekly", "2012-07-09T00:00:00Z", "2012-07-15T00:00:00.000Z"],
    ["@monthly", "2012-07-09T00:00:00Z", "2012-08-01T00:00:00.000Z"],
    ["@every 90m", "2012-07-09T00:00:00.500Z", "2012-07-09T01:30:00.000Z"],
  ])("%s after %s runs at %s (spec_test.go TestNext)", (spec, after, expected) => {
    expect(next(spec, after)).toBe(expected);
  });

  it("matches day-of-month OR day-of-week when both are restricted, AND when either is * (spec.go dayMatches)", () => {
    // TestActivation: "* * 1,15 * Sun" fires on Friday Jun 15 2012 and on Wednesday Aug 1 2012.
    expect(next("0 0 1,15 * Sun", "2012-06-14T23:59:00Z")).toBe("2012-06-15T00:00:00.000Z");
    expect(next("0 0 1,15 * Sun", "2012-07-31T23:59:00Z")).toBe("2012-08-01T00:00:00.000Z");
    // "* * * * Mon" does not fire on Sunday Jul 15 2012: the next run is Monday the 16th.
    expect(next("0 0 * * Mon", "2012-07-14T23:59:00Z")).toBe("2012-07-16T00:00:00.000Z");
  });

  it.each([
    ["0 2 * * 7", "end of range (7) above maximum (6)"],
    ["0 2 L * *", "failed to parse int from L"],
    ["0 2 15W * *", "failed to parse int from 15W"],
    ["0 2 * * 1#2", "failed to parse int from 1#2"],
    ["0 0 2 * * *", "expected exactly 5 fields, found 6"],
    ["0 2 * *", "expected exactly 5 fields, found 4"],
    ["5--5 * * * *", "too many hyphens"],
    ["*//2 * * * *", "too many slashes"],
    ["*/-12 * * * *", "negative number"],
    ["*/0 * * * *", "should be a positive number"],
    ["0 5-3 * * *", "beyond end of range"],
    ["0 0 0 * *", "below minimum (1)"],
    ["60 * * * *", "above maximum (59)"],
    ["0 2 * jan-x *", "failed to parse int from x"],
    ["@every Xm", "failed to parse duration"],
    ["@fortnightly", "unrecognized descriptor"],
    ["", "empty spec string"],
    ["TZ=UTC 0 2 * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"],
    ["CRON_TZ=Europe/Paris 0 2 * * *", "cannot use TZ or CRON_TZ in schedule"],
  ])("refuses %j: %s", (spec, reason) => {
    const problem = cronScheduleProblem(spec);
    expect(problem).toContain(reason);
    expect(problem).toContain("robfig/cron standard parser");
  });

  it.each(["0 2 * * 0", "0 2 * * SUN-sat", "0 2 ? * *", "*/10 * * * *", "0 3 * * 0", "0 4 * * 1", "@hourly", "@daily"])(
    "accepts %j",
    (spec) => expect(cronScheduleProblem(spec)).toBeUndefined(),
  );

  it.each(["0 2 31 2 *", "0 0 30 Feb *", "0 0 31 4,6,9,11 *", "0 , * * *"])(
    "%j never fires: Next finds nothing within five years (spec.go yearLimit)",
    (spec) => expect(cronScheduleProblem(spec)).toMatch(/^never fires/),
  );

  it("still fires a restricted day-of-month that exists only with the day-of-week alternative", () => {
    // Neither field is *, so day 31 of February OR any Monday of February: upstream runs it on Mondays.
    expect(cronScheduleProblem("0 2 31 2 1")).toBeUndefined();
  });

  it("measures the longest gap between runs with the same Next", () => {
    expect(longestIntervalMinutes("0 2 * * *")).toBe(24 * 60);
    expect(longestIntervalMinutes("0 4 * * 1")).toBe(7 * 24 * 60);
    expect(longestIntervalMinutes("0 2 1,15 * *")).toBe(17 * 24 * 60); // Jan 15 → Feb 1
  });
});
