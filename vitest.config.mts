import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most test files wait on child processes (plans, servers, promtool) as much as on the CPU: one fork per CPU,
    // not one fewer (the default).
    maxWorkers: "100%",
    // Every test file loads the Pulumi SDK and the program (1.5–2 s a file); a fork keeps them for its next file.
    // Safe because each render configures the mock runtime and config itself (packages/offline-plan/src/render.ts), and no test
    // mocks modules or changes process.env.
    isolate: false,
  },
});
