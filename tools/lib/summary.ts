// summary.md and the stdout preview of the platform's offline plan: the engine's sections (packages/offline-plan)
// with the platform's own (tenants, production readiness).
import { markdownTable as table, policyResultsMarkdown } from "@platform/offline-plan";
import type { PlanDocument } from "./plan";

export interface ReadinessItem {
  item: string;
  passed: boolean;
  detail: string;
}

/** summary.md: the human preview of a plan. */
export function summaryMarkdown(
  plan: PlanDocument,
  options: { preview?: string; readiness?: ReadinessItem[] } = {},
): string {
  const { summary, policy } = plan;
  const mandatory = policy.violations.filter((v) => v.enforcementLevel === "mandatory");
  const advisory = policy.violations.filter((v) => v.enforcementLevel !== "mandatory");
  const parts = [
    `# Offline plan: ${plan.project} / ${plan.stack} (${plan.environment})`,
    "",
    `${summary.resourceCount} resources · ${Object.keys(summary.tenants).length} tenants · ${summary.protectedCount} protected · ` +
      `policies: ${policy.evaluated} checks, ${mandatory.length} mandatory and ${advisory.length} advisory violations`,
    "",
  ];
  // The changes lead (the preview, packages/offline-plan); the counts by type close the file.
  if (options.preview) parts.push(options.preview, "");
  parts.push(...policyResultsMarkdown(policy));
  if (options.readiness && options.readiness.length > 0) {
    parts.push(
      "## Production readiness",
      "",
      table(
        ["item", "status", "evidence"],
        options.readiness.map((r) => [r.item, r.passed ? "✅ pass" : "❌ fail", r.detail]),
      ),
      "",
    );
  }
  if (summary.notes.length > 0) parts.push("## Notes", "", ...summary.notes.map((n) => `- ${n}`), "");
  const tenants = Object.entries(summary.tenants);
  if (tenants.length > 0) {
    parts.push(
      "## Resources by tenant",
      "",
      table(
        ["tenant", "resources", "types"],
        tenants.map(([id, t]) => [
          id,
          String(t.resourceCount),
          Object.entries(t.byType)
            .map(([type, n]) => `${type.split(":").pop()}×${n}`)
            .join(", "),
        ]),
      ),
      "",
    );
  }
  parts.push(
    "## Resources by type",
    "",
    table(
      ["type", "count"],
      Object.entries(summary.byType).map(([t, n]) => [`\`${t}\``, String(n)]),
    ),
    "",
  );
  return parts.join("\n");
}

/** The ten-second preview printed on stdout. */
export function stdoutPreview(plan: PlanDocument, outDir: string, changes?: string[]): string {
  const mandatory = plan.policy.violations.filter((v) => v.enforcementLevel === "mandatory");
  const lines = [
    `Plan ${plan.project}/${plan.stack} (${plan.environment}): ${plan.summary.resourceCount} resources, ${Object.keys(plan.summary.tenants).length} tenants, ${plan.summary.protectedCount} protected`,
  ];
  // The change summary leads (protected first), then the policy result; the counts by type come last.
  if (changes) lines.push(...changes);
  lines.push(
    `  policies: ${plan.policy.evaluated} checks, ${mandatory.length} mandatory violations, ${plan.policy.violations.length - mandatory.length} advisory`,
  );
  for (const v of mandatory.slice(0, 10))
    lines.push(`  ✗ [${v.policy}] ${v.urn ? `${v.urn.split("::").pop()}: ` : ""}${v.message}`);
  if (mandatory.length > 10) lines.push(`  … and ${mandatory.length - 10} more in ${outDir}/summary.md`);
  const top = Object.entries(plan.summary.byType)
    .sort(([, a], [, b]) => b - a)
    .slice(0, 6);
  lines.push(`  most: ${top.map(([t, n]) => `${t} ${n}`).join(", ")}`);
  lines.push(`  wrote ${outDir}/plan.json, summary.md, prometheus-rules.yaml, manifests/`);
  return lines.join("\n");
}
