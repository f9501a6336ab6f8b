// The offline plan engine's public API: run a Pulumi program under the SDK's mock runtime and record what the
// engine would receive (render), evaluate a policy pack over the recording (policy-runner), check and write its
// Kubernetes objects (kubernetes, manifest-checks), read stack files (stack-file) and compare two plans (diff).
// It knows nothing about the program it runs (README.md).
export * from "./render";
export * from "./mocks";
export * from "./serialized";
export * from "./policy-runner";
export * from "./kubernetes";
export * from "./manifest-checks";
export * from "./yaml-fast";
export * from "./diff";
export * from "./stack-file";
export * from "./plan";
export * from "./summary";
export * from "./preview/classify";
export * from "./preview/replace-rules";
export * from "./preview/render-preview";
export * from "./preview/base-plan";
export * from "./recorded-fixtures";
