/** What the image build writes and the policy pack reads to hold an image to its size budget. */

/** Label every image build carries with its size budget in MiB (e.g. "300"). */
export const SIZE_BUDGET_LABEL = "dev.moontv.size-budget-mib";

/** The `kind` prop of the dynamic resource that measures the pushed image's sizes. */
export const SIZE_CHECK_KIND = "moontv:image:SizeBudgetCheck";
