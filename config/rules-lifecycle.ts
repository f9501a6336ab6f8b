// Tenant lifecycle rules beyond one field: production deletes a tenant's data only after its offboarding export is
// recorded in the entry (or explicitly waived), so `suspended → deleted` cannot skip the export without a word.
import type { PlatformConfig } from "./sections";
import type { Environment } from "./common";
import { ConfigProblem, keyName, showValue } from "./errors";

const key = (...path: (string | number)[]) => keyName("platform", path);

export function lifecycleProblems({
  tenants,
  environment,
}: Partial<PlatformConfig> & { environment: Environment }): ConfigProblem[] {
  if (!tenants) return [];
  const problems: ConfigProblem[] = [];
  tenants.forEach((t, i) => {
    if (t.exportedTo && t.exportWaived) {
      problems.push({
        key: key("tenants", i, "exportWaived"),
        value: showValue(t.exportWaived),
        message: "set exportedTo or exportWaived, not both: the export either exists or was waived",
      });
    }
    if (t.exportedTo !== undefined && t.state !== "offboarded" && t.state !== "deleted") {
      problems.push({
        key: key("tenants", i, "exportedTo"),
        value: showValue(t.exportedTo),
        message: `records the offboarding export: only with state "offboarded" or "deleted" (the state is "${t.state}")`,
      });
    } else if (t.exportedTo !== undefined && !t.exportedTo.includes(`/offboarding/${t.id}/`)) {
      problems.push({
        key: key("tenants", i, "exportedTo"),
        value: showValue(t.exportedTo),
        message: `is not an export of tenant ${t.id}: the export Job writes under <environment>/offboarding/${t.id}/ (copy the key= of its EXPORT_OK log line)`,
      });
    }
    if (t.exportWaived !== undefined && t.state !== "deleted") {
      problems.push({
        key: key("tenants", i, "exportWaived"),
        value: showValue(t.exportWaived),
        message: `only with state "deleted" (the state is "${t.state}")`,
      });
    }
    if (environment === "production" && t.state === "deleted" && !t.exportedTo && !t.exportWaived) {
      problems.push({
        key: key("tenants", i, "state"),
        value: '"deleted"',
        message:
          "in production a tenant is deleted only after its data was exported: set state: offboarded first (its export Job dumps the data), " +
          "then record the export with exportedTo: <the key= of the Job's EXPORT_OK log line>; or give the reason it is waived with exportWaived: <reason>",
      });
    }
  });
  return problems;
}
