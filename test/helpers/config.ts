import { expect } from "vitest";
import { ConfigError, parsePlatformConfig, type PlatformConfig } from "../../stacks/config";
import { loadStackConfig } from "./render";

/** A stack file's config (`platform:` keys) as the raw section map parsePlatformConfig takes, plus the region. */
export function rawFromStack(stackConfig: Record<string, unknown>): { raw: Record<string, unknown>; region?: string } {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stackConfig)) if (key.startsWith("platform:")) raw[key.slice("platform:".length)] = value;
  return { raw, region: stackConfig["aws:region"] as string | undefined };
}

/** Parses a stack file's config after `mutate` changed it (the mutation gets the raw sections). */
export function parseStack(stack: string, mutate: (raw: Record<string, any>) => void = () => {}): PlatformConfig {
  const { raw, region } = rawFromStack(loadStackConfig(stack));
  mutate(raw);
  return parsePlatformConfig(raw, region);
}

/** Asserts that parsing fails with a problem naming `key` whose message contains `message`. */
export function expectProblem(stack: string, mutate: (raw: Record<string, any>) => void, key: string, message: string | RegExp) {
  let error: unknown;
  try {
    parseStack(stack, mutate);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${key} to be rejected`).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.filter((p) => p.key === key);
  expect(problems.map((p) => p.key), (error as ConfigError).message).toContain(key);
  expect(problems.some((p) => (typeof message === "string" ? p.message.includes(message) : message.test(p.message))), (error as ConfigError).message).toBe(true);
  return error as ConfigError;
}
