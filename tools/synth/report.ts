import type { PolicyViolation } from "../policy/types";

/** True when any result is mandatory: the preview (like `pulumi preview`) must fail. */
export function hasMandatory(report: readonly PolicyViolation[]): boolean {
  return report.some((v) => v.enforcementLevel === "mandatory");
}

/** Results grouped by policy, mandatory groups first, one line per finding. */
export function formatPolicyReport(report: readonly PolicyViolation[], nameOf: (urn?: string) => string): string {
  if (report.length === 0) return "policies: no violations";
  const groups = new Map<string, PolicyViolation[]>();
  for (const v of report) groups.set(v.policy, [...(groups.get(v.policy) ?? []), v]);
  const ordered = [...groups].sort(([, a], [, b]) => Number(hasMandatory(b)) - Number(hasMandatory(a)));
  const lines = [
    `policies: ${report.length} finding(s), ${report.filter((v) => v.enforcementLevel === "mandatory").length} mandatory`,
  ];
  for (const [policy, vs] of ordered) {
    lines.push(`  ${policy} (${vs[0].enforcementLevel})`);
    for (const v of vs) lines.push(`    ${nameOf(v.urn)}: ${v.message.split("\n")[0]}`);
  }
  return lines.join("\n");
}
