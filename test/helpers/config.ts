import { expect } from "vitest";
import {
  ConfigError,
  parsePlatformConfig,
  rawPlatformConfig,
  type ConfigProblem,
  type PlatformConfig,
  type StackReader,
} from "../../config";
import { stackConfigFromObject } from "@platform/offline-plan";

/** Parses a stack `config:` mapping exactly as the program sees it (flat, JSON-encoded, secret keys marked). */
export function parseStackConfig(config: Record<string, unknown>, readStack?: StackReader): PlatformConfig {
  const stack = stackConfigFromObject(config, "platform");
  const { raw, awsRegion } = rawPlatformConfig(stack.config);
  return parsePlatformConfig(raw, awsRegion, { secretKeys: stack.secretKeys, readStack });
}

/** The problems of a stack `config:` mapping (empty when it is valid); `readStack` finds a DR stack's primary. */
export function problemsOf(config: Record<string, unknown>, readStack?: StackReader): ConfigProblem[] {
  try {
    parseStackConfig(config, readStack);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/**
 * Parses a stack `config:` mapping (a fixture of test/fixtures/stacks.ts) after `mutate` changed it (the mutation
 * gets the sections without "platform:").
 */
export function parseStack(
  base: Record<string, unknown>,
  mutate: (raw: Record<string, any>) => void = () => {},
): PlatformConfig {
  const config = structuredClone(base);
  const sections: Record<string, any> = {};
  for (const [key, value] of Object.entries(config))
    if (key.startsWith("platform:")) sections[key.slice("platform:".length)] = value;
  mutate(sections);
  const rebuilt: Record<string, unknown> = Object.fromEntries(
    Object.entries(config).filter(([key]) => !key.startsWith("platform:")),
  );
  for (const [key, value] of Object.entries(sections)) rebuilt[`platform:${key}`] = value;
  return parseStackConfig(rebuilt);
}

/** Asserts that parsing fails with a problem naming `key` whose message contains `message`. */
export function expectProblem(
  stack: Record<string, unknown>,
  mutate: (raw: Record<string, any>) => void,
  key: string,
  message: string | RegExp,
) {
  let error: unknown;
  try {
    parseStack(stack, mutate);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${key} to be rejected`).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.filter((p) => p.key === key);
  expect(
    problems.map((p) => p.key),
    (error as ConfigError).message,
  ).toContain(key);
  expect(
    problems.some((p) => (typeof message === "string" ? p.message.includes(message) : message.test(p.message))),
    (error as ConfigError).message,
  ).toBe(true);
  return error as ConfigError;
}

/** The validated PlatformConfig of a stack `config:` mapping; throws ConfigError when invalid. */
export const parsedConfig = parseStackConfig;
