import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType } from "../lib/resource-type";
import { at, isUnknown, items, UNKNOWN } from "../lib/unknown";

/** True for a StatefulSet that holds data: named redis, or with volume claim templates. */
export function holdsData(props: unknown, logicalName: string): boolean {
  const name = at(props, "metadata", "name");
  if ((name === undefined ? logicalName : name) === "redis") return true;
  const templates = items(at(props, "spec", "volumeClaimTemplates"));
  return templates !== UNKNOWN && templates.length > 0;
}

/** Problems of a data-holding StatefulSet; `protect` comes from the resource options the engine sends. */
export function dataProtectionProblems(props: unknown, protect: boolean): string[] {
  const problems: string[] = [];
  if (!protect) problems.push("The StatefulSet holds data but is not protected; set the protect resource option.");
  const whenDeleted = at(props, "spec", "persistentVolumeClaimRetentionPolicy", "whenDeleted");
  if (!isUnknown(whenDeleted) && whenDeleted !== "Retain") {
    problems.push(
      "The StatefulSet must keep its volume claims when deleted: set persistentVolumeClaimRetentionPolicy.whenDeleted: Retain.",
    );
  }
  return problems;
}

export const redisDataProtected: ResourceValidationPolicy = {
  name: "redis-data-protected",
  description:
    "A StatefulSet that holds data (redis, or any with volume claim templates) is protected and keeps its volume claims when deleted.",
  validateResource: forType("kubernetes:apps/v1:StatefulSet", (props, args, report) => {
    if (!holdsData(props, args.name)) return;
    // retainOnDelete is not part of the analyzer protocol (AnalyzerResourceOptions), so only protect is checkable.
    for (const problem of dataProtectionProblems(props, args.opts?.protect === true)) report(problem);
  }),
};
