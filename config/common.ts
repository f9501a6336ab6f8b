import { z } from "zod";
import { cronScheduleProblem, parseCronSchedule } from "./cron";
import { quantity } from "./kubernetes-rules";

export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A DNS label (RFC 1123) of bounded length: lowercase letters, digits and "-", starting with a letter. */
export function dnsLabel(min: number, max: number, what: string) {
  return z
    .string()
    .min(min, `${what} must be ${min}–${max} characters long`)
    .max(max, `${what} must be ${min}–${max} characters long`)
    .regex(
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
      `${what} must be a DNS label: lowercase a-z, 0-9 and "-", starting with a letter, not ending with "-"`,
    );
}

/** Checks a Kubernetes CronJob schedule as the API server and the CronJob controller do (config/cron.ts). */
export function cronProblem(expression: string): string | undefined {
  return cronScheduleProblem(expression);
}

export const cronSchedule = z.string().superRefine((value, ctx) => {
  const problem = cronProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * Longest gap in minutes between two consecutive runs of a schedule, sampled over the next 60 runs
 * (enough to cover a weekly schedule for a year), as the CronJob controller computes them (robfig/cron's Next).
 * Used to compare a backup schedule with the RPO and the backup-stale alert.
 */
export function longestIntervalMinutes(expression: string): number {
  const schedule = parseCronSchedule(expression);
  let previous = schedule.next(new Date("2030-01-01T00:00:00Z"));
  let longest = 0;
  for (let i = 1; i < 60 && previous; i++) {
    const run = schedule.next(previous);
    if (!run) break;
    longest = Math.max(longest, (run.getTime() - previous.getTime()) / 60_000);
    previous = run;
  }
  return longest;
}

export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as us-east-1 or eu-west-2");

/** An RDS/ElastiCache window such as "03:00-04:00". */
export const dailyWindow = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a UTC window "hh:mm-hh:mm", such as "03:00-04:00"');

/** A weekly maintenance window such as "sun:04:30-sun:05:30". */
export const weeklyWindow = z
  .string()
  .regex(
    /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
    'a UTC weekly window "ddd:hh:mm-ddd:hh:mm", such as "sun:04:30-sun:05:30"',
  );

/** Kubernetes quantities: CPU ("500m", "2") and memory ("512Mi", "4Gi"), by the API server's grammar. */
export const cpuQuantity = quantity('"500m" or "2"');
export const memoryQuantity = quantity('"512Mi" or "4Gi"');

/**
 * A container image reference the runtime can pull (distribution/reference grammar). Whether it is pinned (a tag
 * other than "latest", or a digest) is a production-readiness question the policy pack answers
 * (`kubernetes-image-tag`), so a reviewer sees it as a blocked change rather than a config error.
 */
export { imageReference } from "./kubernetes-rules";

export const percent = (what: string) =>
  z.number().gt(0, `${what} is a percentage above 0`).max(100, `${what} is at most 100`);

export const positiveInt = z.number().int().positive();
