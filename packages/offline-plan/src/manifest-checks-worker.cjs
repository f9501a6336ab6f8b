// Worker entry of tools/lib/manifest-checks.ts. Plain CommonJS: a worker starts without the parent's loader flags.
"use strict";
// Loaded before tsx hooks in: re2-wasm's 200 kB of generated JavaScript would otherwise be transformed every run.
try {
  require("re2-wasm");
} catch {
  // Not hoisted where this file can reach it: only slower.
}
// tsx only while the worker's own TypeScript loads: the validators it loads later (kubernetes-models, some 180
// modules) load faster without its hooks.
const unregister = require("tsx/cjs/api").register();
const { serveManifestChecks } = require("./manifest-checks.ts");
unregister();
serveManifestChecks(require("node:worker_threads").parentPort);
