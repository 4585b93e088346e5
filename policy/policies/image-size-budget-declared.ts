import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType } from "../lib/resource-type";
import { IMAGE_TYPE } from "../lib/image-build";
import { DEFAULT_MAX_BUDGET_MIB, SIZE_BUDGET_LABEL, parseBudgetMiB } from "../lib/size-budget";
import { at, isUnknown } from "../lib/unknown";

export interface SizeBudgetConfig {
  /** Largest budget an image may declare, in MiB. */
  maxBudgetMiB?: number;
}

/** What is wrong with an image build's declared budget, or undefined. */
export function budgetLabelProblem(props: unknown, maxBudgetMiB: number): string | undefined {
  const label = at(props, "labels", SIZE_BUDGET_LABEL);
  if (isUnknown(label)) return undefined;
  if (label === undefined)
    return `The image declares no size budget; set the label ${SIZE_BUDGET_LABEL} to its budget in MiB.`;
  const budget = parseBudgetMiB(label);
  if (budget === undefined)
    return `The label ${SIZE_BUDGET_LABEL} is "${String(label)}"; it must be a positive number of MiB.`;
  if (budget > maxBudgetMiB)
    return `The image's size budget of ${budget} MiB exceeds the allowed maximum of ${maxBudgetMiB} MiB.`;
  return undefined;
}

export const imageSizeBudgetDeclared: ResourceValidationPolicy = {
  name: "image-size-budget-declared",
  description: "Every image build declares a size budget (a label in MiB) no larger than the configured maximum.",
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
  validateResource: forType(IMAGE_TYPE, (_props, args, report) => {
    const { maxBudgetMiB = DEFAULT_MAX_BUDGET_MIB } = args.getConfig<SizeBudgetConfig>();
    const problem = budgetLabelProblem(args.props, maxBudgetMiB);
    if (problem) report(problem);
  }),
};
