import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { formatMiB } from "../lib/quantity";
import { DEFAULT_MAX_BUDGET_MIB, DYNAMIC_RESOURCE_TYPE, SIZE_CHECK_KIND, parseBudgetMiB } from "../lib/size-budget";
import { at, isUnknown, keysOf } from "../lib/unknown";
import { SizeBudgetConfig } from "./image-size-budget-declared";

/** Problems of one size-check resource: each measured platform over budget; unknown sizes are skipped. */
export function measuredSizeProblems(props: unknown, maxBudgetMiB: number): string[] {
  const ref = at(props, "imageRef");
  const image = typeof ref === "string" ? ref : "the image";
  const budgetValue = at(props, "sizeBudgetMiB");
  if (isUnknown(budgetValue)) return [];
  const budget = parseBudgetMiB(budgetValue);
  if (budget === undefined) return [`The size check of ${image} has no valid sizeBudgetMiB.`];
  const problems: string[] = [];
  if (budget > maxBudgetMiB)
    problems.push(`${image} has a size budget of ${budget} MiB, above the maximum of ${maxBudgetMiB} MiB.`);
  const sizes = at(props, "sizes");
  for (const platform of keysOf(sizes)) {
    const bytes = at(sizes, platform);
    if (typeof bytes !== "number") continue; // unknown until the image is pushed
    if (bytes > budget * 2 ** 20) {
      problems.push(`${image} for ${platform} is ${formatMiB(bytes)}, over its budget of ${budget} MiB.`);
    }
  }
  return problems;
}

function isSizeCheck(r: PolicyResource): boolean {
  return r.type === DYNAMIC_RESOURCE_TYPE && at(r.props, "kind") === SIZE_CHECK_KIND;
}

export const imageSizeWithinBudget: StackValidationPolicy = {
  name: "image-size-within-budget",
  description: "The image sizes measured after each push are within the size budget the image declares.",
  configSchema: {
    properties: {
      maxBudgetMiB: {
        type: "number",
        minimum: 1,
        default: DEFAULT_MAX_BUDGET_MIB,
        description: "Largest budget an image may declare, in MiB.",
      },
    },
  },
  validateStack: (args, report) => {
    const { maxBudgetMiB = DEFAULT_MAX_BUDGET_MIB } = args.getConfig<SizeBudgetConfig>();
    for (const r of args.resources.filter(isSizeCheck)) {
      for (const problem of measuredSizeProblems(r.props, maxBudgetMiB)) report(problem, r.urn);
    }
  },
};
