import type { Policy } from "@pulumi/policy";
import { kubernetesPolicies } from "./kubernetes";

/** Every policy of the pack, in the order the reports list them. */
export const ALL_POLICIES: readonly Policy[] = [...kubernetesPolicies];

/** The pack's enforcement level where neither the policy nor the pack config says otherwise. */
export const DEFAULT_ENFORCEMENT = "mandatory" as const;
