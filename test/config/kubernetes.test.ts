import * as stacks from "../fixtures/stacks";
import { describe, expect, it } from "vitest";
import {
  imageReferenceProblem,
  labelKeyProblem,
  labelValueProblem,
  quantityValue,
} from "../../config/kubernetes-rules";
import { expectProblem, parseStack } from "../helpers/config";

// Cases from the acceptors' own tests: k8s.io/apimachinery pkg/api/validate/content/kube_test.go (TestIsLabelValue,
// TestIsPrefixedLabelKey), pkg/api/resource/quantity_test.go, github.com/distribution/reference reference_test.go.

describe("Kubernetes label values and keys (apimachinery IsLabelValue / IsLabelKey)", () => {
  it.each(["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", "a".repeat(63), ""])(
    "label value %j is accepted",
    (value) => expect(labelValueProblem(value)).toBeUndefined(),
  );
  it.each([
    "nospecialchars%^=@",
    "Tama-nui-te-rā.is.Māori.sun",
    "\\backslashes\\are\\bad",
    "-starts-with-dash",
    "ends-with-dash-",
    ".starts.with.dot",
    "ends.with.dot.",
    "a".repeat(64),
  ])("label value %j is refused", (value) => expect(labelValueProblem(value)).toMatch(/IsLabelValue/));

  it.each(["simple/simple", "now.with.dots/simple", "1-num.2-num/3-num", "release", "app.kubernetes.io/name"])(
    "label key %j is accepted",
    (key) => expect(labelKeyProblem(key)).toBeUndefined(),
  );
  it.each(["/simple", "a/b/c", "Upper.Case/x", "-dash.com/x", "example.com/", "x/" + "a".repeat(64), "_under"])(
    "label key %j is refused",
    (key) => expect(labelKeyProblem(key)).toMatch(/IsLabelKey/),
  );
});

describe("resource quantities (apimachinery resource.Quantity grammar)", () => {
  it.each([
    ["500m", 0.5],
    ["2", 2],
    ["1.5", 1.5],
    ["512Mi", 512 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1k", 1000],
    ["1e3", 1000],
    ["1E-3", 0.001],
    [".5", 0.5],
    ["5.", 5],
    ["+1Ki", 1024],
  ])("%j = %d", (text, value) => expect(quantityValue(text)).toBeCloseTo(value, 6));
  it.each(["", "1.5.5", "1 Gi", "1gi", "1Kb", "1KiB", "1e", "1e1.5", "cpu", "500 m", "0x10"])(
    "%j is not a quantity",
    (text) => expect(quantityValue(text)).toBeUndefined(),
  );
});

describe("image references (distribution/reference)", () => {
  it.each([
    "postgres:16.4",
    "ghcr.io/acme/worker:1.4.2",
    "localhost:5000/worker",
    "registry.example.com:5000/a/b__c--d:v1",
    `ghcr.io/acme/worker@sha256:${"f".repeat(64)}`,
    `ghcr.io/acme/worker:1.4.2@sha256:${"0".repeat(64)}`,
    "[2001:db8::1]:5000/repo",
  ])("%j is accepted", (ref) => expect(imageReferenceProblem(ref)).toBeUndefined());
  it.each([
    ["ghcr.io/acme/worker:1.4.2:latest", /invalid reference format/],
    [":justtag", /invalid reference format/],
    ["repo@sha256:ffffffffffffffffffffffffffffffffff", /invalid sha256 digest/],
    [`validname@invaliddigest:${"f".repeat(64)}`, /unsupported digest algorithm/],
    [`validname@sha512:${"f".repeat(128)}`, /unsupported digest algorithm/],
    [`repo@sha256:${"F".repeat(64)}`, /invalid sha256 digest/],
    ["Uppercase:tag", /must be lowercase/],
    ["test:5000/Uppercase/lowercase:tag", /must be lowercase/],
    [`domain/${"a".repeat(256)}:tag`, /not be more than 255/],
    ["aa/asdf$$^/aa", /invalid reference format/],
    ["[fe80::1%eth0]:5000/repo", /invalid reference format/],
    ["worker:", /invalid reference format/],
    ["f".repeat(64), /64-byte hexadecimal/],
  ])("%j is refused", (ref, reason) => expect(imageReferenceProblem(ref)).toMatch(reason));
});

describe("config values that become Kubernetes fields", () => {
  it("alert selectorLabels take Kubernetes label keys and values", () => {
    expectProblem(
      stacks.production(),
      (r) => (r.alerts = { ...r.alerts, selectorLabels: { release: "prometheus stack" } }),
      "platform:alerts.selectorLabels.release",
      "IsLabelValue",
    );
    expectProblem(
      stacks.production(),
      (r) => (r.alerts = { ...r.alerts, selectorLabels: { release: "x".repeat(64) } }),
      "platform:alerts.selectorLabels.release",
      "at most 63 characters",
    );
  });

  it("queue labels become an HPA matchLabels selector: label values, and keys both Prometheus and Kubernetes", () => {
    const queue = { metric: "app_queue_depth", labels: { queue: "reports/eu" } };
    expectProblem(
      stacks.production(),
      (r) => (r.workers.default.queue = queue),
      "platform:workers.default.queue.labels.queue",
      "IsLabelValue",
    );
    expectProblem(
      stacks.production(),
      (r) => (r.workers.default.queue = { ...queue, labels: { _queue: "reports" } }),
      "platform:workers.default.queue.labels._queue",
      "Kubernetes label key",
    );
  });

  it("requests above limits are refused per resource; quantities follow the grammar and are not negative", () => {
    expectProblem(
      stacks.production(),
      (r) => (r.workers.default.resources = { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } }),
      "platform:workers.default.resources.requests.memory",
      "must be less than or equal to the memory limit (1Gi)",
    );
    expectProblem(
      stacks.production(),
      (r) => (r.workers.default.resources = { requests: { cpu: "1500m" }, limits: { cpu: "1" } }),
      "platform:workers.default.resources.requests.cpu",
      "cpu limit (1)",
    );
    expectProblem(
      stacks.production(),
      (r) => (r.workers.default.resources = { limits: { cpu: "-1" } }),
      "platform:workers.default.resources.limits.cpu",
      "non-negative Kubernetes quantity",
    );
    // Requests equal to limits, or written in another unit, are fine (1Gi = 1024Mi).
    expect(() =>
      parseStack(
        stacks.production(),
        (r) => (r.workers.default.resources = { requests: { memory: "1024Mi", cpu: "1" }, limits: { memory: "1Gi" } }),
      ),
    ).not.toThrow();
  });

  it("an image with a second tag or a bad digest is refused", () => {
    expectProblem(
      stacks.production(),
      (r) => (r.workers.default.image = "ghcr.io/acme/worker:1.4.2:latest"),
      "platform:workers.default.image",
      "invalid reference format",
    );
    expectProblem(
      stacks.production(),
      (r) => (r.backups = { ...r.backups, postgresImage: `postgres@sha256:${"a".repeat(40)}` }),
      "platform:backups.postgresImage",
      "invalid sha256 digest",
    );
  });
});
