/** The size-budget label of image builds and the measurement resource the program records after a push. */

// The program's side of the contract (the pack runs from this repository, so it shares it).
export { SIZE_BUDGET_LABEL, SIZE_CHECK_KIND } from "../../lib/size-budget-contract";

export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";

/** Default upper bound for any declared budget, in MiB: prod's, as every default of the pack. */
export const DEFAULT_MAX_BUDGET_MIB = 300;

/** The budget in MiB from a label value, or undefined if it is not a positive number. */
export function parseBudgetMiB(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
