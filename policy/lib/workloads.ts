/** Running a check over every container of whatever workload a resource is. */
import { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { ContainerRef, PodTemplate, containersOf, podTemplateOf } from "./pod-templates";

export type ContainerCheck = (
  ref: ContainerRef,
  template: PodTemplate,
  args: ResourceValidationArgs,
  report: ReportViolation,
) => void;

/** A resource validation that calls `check` for each container of any pod-template-bearing resource. */
export function eachContainer(check: ContainerCheck): ResourceValidation {
  return (args, report) => {
    const template = podTemplateOf(args.type, args.props);
    if (!template) return;
    for (const ref of containersOf(template)) check(ref, template, args, report);
  };
}
