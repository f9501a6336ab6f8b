import { afterAll, beforeAll, beforeEach } from "vitest";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createServer } from "node:net";

/** A binary a test needs, or an Error saying how to install it (integration tests fail, never skip). */
export function requireBinary(path: string, install: string): string {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new Error(
      `${path} not found: this integration test starts a real server. Install it with: ${install} (CI: .ci/run installs it)`,
    );
  }
}

/** The first of `candidates` on PATH or as an absolute path, or an Error naming the package to install. */
export function findBinary(candidates: string[], install: string): string {
  for (const candidate of candidates) {
    if (candidate.includes("/")) {
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        continue;
      }
    }
    try {
      return execFileSync("sh", ["-c", `command -v ${candidate}`], { encoding: "utf8" }).trim();
    } catch {
      continue;
    }
  }
  throw new Error(
    `none of ${candidates.join(", ")} found: this integration test starts a real server. Install it with: ${install} (CI: .ci/run installs it)`,
  );
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Keeps the last lines a server printed, for error messages. */
export function captureOutput(child: ChildProcess, max = 60): () => string {
  const lines: string[] = [];
  const push = (chunk: Buffer) => {
    lines.push(...chunk.toString().split("\n").filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - max));
  };
  child.stdout?.on("data", push);
  child.stderr?.on("data", push);
  return () => lines.join("\n");
}

/** Polls `probe` until it resolves, the child exits, or `timeoutMs` passes. */
export async function waitUntilReady(
  what: string,
  child: ChildProcess,
  probe: () => Promise<unknown>,
  output: () => string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode} before it was ready:\n${output()}`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms (${(lastError as Error)?.message}):\n${output()}`);
}

/** Stops a child process: `signal`, then SIGKILL after `graceMs`. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export { spawn };

/**
 * Runs `setup` once before the file's tests and `teardown` after them. A setup failure (a missing server binary)
 * fails every test with its message instead of leaving them skipped.
 */
export function serverSuite(setup: () => Promise<void>, teardown: () => Promise<void>) {
  let setupError: unknown;
  beforeAll(async () => {
    try {
      await setup();
    } catch (error) {
      setupError = error;
    }
  }, 120_000);
  beforeEach(() => {
    if (setupError) throw setupError;
  });
  afterAll(teardown);
}
