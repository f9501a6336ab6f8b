// Markdown building blocks of a plan's human preview: a table, and the policy results (mandatory first, each with
// the policy's message, which says what is wrong and how to fix it).
import type { PolicyViolation } from "./policy-runner";

/** A Markdown table. */
export const markdownTable = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

/** Violations with the mandatory ones first, in report order otherwise. */
export const mandatoryFirst = (violations: readonly PolicyViolation[]): PolicyViolation[] => [
  ...violations.filter((v) => v.enforcementLevel === "mandatory"),
  ...violations.filter((v) => v.enforcementLevel !== "mandatory"),
];

/** The "Policy results" section: every violation, or that all policies pass. */
export function policyResultsMarkdown(policy: { policies: readonly string[]; violations: readonly PolicyViolation[] }) {
  const parts = ["## Policy results", ""];
  if (policy.violations.length === 0) parts.push(`All ${policy.policies.length} policies pass.`, "");
  else {
    parts.push(
      markdownTable(
        ["level", "policy", "resource", "what is wrong and how to fix it"],
        mandatoryFirst(policy.violations).map((v) => [
          v.enforcementLevel,
          v.policy,
          v.urn ? `\`${v.urn.split("::").pop()}\`` : "stack",
          v.message.replace(/\|/g, "\\|"),
        ]),
      ),
      "",
    );
  }
  return parts;
}
