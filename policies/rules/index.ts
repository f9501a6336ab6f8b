import type { Policy } from "@pulumi/policy";
import { alertPolicies } from "./alerts";
import { backupPolicies } from "./backups";
import { dataPolicies } from "./data";
import { kubernetesPolicies } from "./kubernetes";
import { kubernetesStackPolicies } from "./kubernetes-stack";
import { safetyPolicies } from "./safety";

/** Every policy of the pack, in the order the reports list them. */
export const ALL_POLICIES: readonly Policy[] = [
  ...dataPolicies,
  ...backupPolicies,
  ...safetyPolicies,
  ...kubernetesPolicies,
  ...kubernetesStackPolicies,
  ...alertPolicies,
];

/** The pack's enforcement level where neither the policy nor the pack config says otherwise. */
export const DEFAULT_ENFORCEMENT = "mandatory" as const;

export { READINESS_ITEMS, readinessReport } from "./readiness";
