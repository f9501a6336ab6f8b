// The plan's Kubernetes schema validation and manifest files, off the main thread. Loading the upstream validators
// costs more than running them (kubernetes-models is some 180 modules and compiles RE2 to WebAssembly), so a worker
// receives each object as the program registers it and loads that kind's validator on first sight, while the
// program is still running; at the end it writes manifests/ and prometheus-rules.yaml while the main thread
// evaluates the policy pack. Without a worker (it failed to start or died) the same work runs in process.
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import {
  RenderedManifest,
  SchemaReport,
  isKubernetesObject,
  manifestOf,
  validateManifest,
  validateManifests,
  writeManifests,
} from "./kubernetes";
import type { RecordedResource } from "./render";

type ToWorker = { kind: "object"; manifest: RenderedManifest } | { kind: "finish"; outDir: string };
type FromWorker = { kind: "done"; report: SchemaReport } | { kind: "failed"; message: string };

const WORKER_ENTRY = join(__dirname, "manifest-checks-worker.cjs");

/** Collects a plan's Kubernetes objects as they are recorded, and validates and writes them (in a worker). */
export class ManifestChecks {
  readonly manifests: RenderedManifest[] = [];
  private worker?: Worker;
  private workerFailure?: string;

  /** Why the checks fell back to running in process, if they did. */
  get failure(): string | undefined {
    return this.workerFailure;
  }

  /** `useWorker: false` keeps everything in process. */
  constructor(useWorker = true) {
    if (!useWorker) {
      this.workerFailure = "not requested";
      return;
    }
    try {
      // No inherited execArgv: the entry registers tsx itself, after loading what tsx must not transform.
      this.worker = new Worker(WORKER_ENTRY, { execArgv: [] });
      this.worker.unref();
      this.worker.on("error", (error) => this.fallBack(error.message));
    } catch (error) {
      this.fallBack((error as Error).message);
    }
  }

  /** `RenderOptions.onRecord`: takes the Kubernetes objects among the recorded resources. */
  readonly add = (resource: RecordedResource): void => {
    if (!isKubernetesObject(resource)) return;
    const manifest = manifestOf(resource);
    this.manifests.push(manifest);
    this.post({ kind: "object", manifest });
  };

  /** Validates every object against its upstream schema and writes `<outDir>/manifests/` and the rule file. */
  async finish(outDir: string): Promise<SchemaReport> {
    const worker = this.worker;
    if (worker) {
      try {
        return await new Promise<SchemaReport>((resolve, reject) => {
          worker.on("message", (message: FromWorker) =>
            message.kind === "done" ? resolve(message.report) : reject(new Error(message.message)),
          );
          worker.on("error", reject);
          worker.on("exit", (code) => reject(new Error(`exited with code ${code}`)));
          this.post({ kind: "finish", outDir });
        });
      } catch (error) {
        this.fallBack((error as Error).message);
      }
    }
    const report = validateManifests(this.manifests);
    writeManifests(outDir, this.manifests);
    return report;
  }

  /** Stops the worker (idempotent). */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private post(message: ToWorker) {
    try {
      this.worker?.postMessage(message);
    } catch (error) {
      this.fallBack((error as Error).message);
    }
  }

  private fallBack(reason: string) {
    if (this.worker && this.workerFailure === undefined)
      console.error(`plan: the manifest checks worker failed (${reason}); checking in process`);
    this.workerFailure ??= reason;
    this.close();
  }
}

/** The worker's side: validates objects as they arrive; on `finish`, writes them and replies with the report. */
export function serveManifestChecks(port: MessagePort): void {
  const manifests: RenderedManifest[] = [];
  const report: SchemaReport = { errors: [], unvalidated: [] };
  port.on("message", (message: ToWorker) => {
    if (message.kind === "object") {
      manifests.push(message.manifest);
      validateManifest(message.manifest, report);
      return;
    }
    let reply: FromWorker;
    try {
      writeManifests(message.outDir, manifests);
      reply = { kind: "done", report };
    } catch (error) {
      reply = { kind: "failed", message: (error as Error).stack ?? String(error) };
    }
    port.postMessage(reply);
  });
}
