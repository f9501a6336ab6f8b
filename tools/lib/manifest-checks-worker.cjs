// Worker entry of tools/lib/manifest-checks.ts. Plain CommonJS: a worker starts without the parent's loader flags.
"use strict";
// Loaded before tsx hooks in: re2-wasm's 200 kB of generated JavaScript would otherwise be transformed every run.
try {
  require("re2-wasm");
} catch {
  // Not hoisted where this file can reach it: only slower.
}
require("tsx/cjs/api").register();
const { parentPort } = require("node:worker_threads");
require("./manifest-checks.ts").serveManifestChecks(parentPort);
