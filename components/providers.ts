// The providers a component may be given, under the names every component uses (docs/architecture.md, "Component
// arguments"). program/providers.ts creates them; components only receive them, so the shape lives here, below both.
import type * as aws from "./sdk/aws";
import type * as k8s from "./sdk/kubernetes";

/** Explicit providers, so every resource states which account, region and cluster it lives in. */
export interface Providers {
  /** The stack's region (`aws:region`). */
  aws: aws.Provider;
  /** The cluster (`platform:kubernetes.context`). */
  kubernetes: k8s.Provider;
  /** The DR region (`platform:dr.region`), when the stack has one. */
  awsDr?: aws.Provider;
}
