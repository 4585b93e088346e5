import { ResourceValidationPolicy } from "@pulumi/policy";
import { ContainerRef, PodTemplate, describeContainer, effectiveSecurity } from "../lib/pod-templates";
import { at } from "../lib/unknown";
import { eachContainer } from "../lib/workloads";

/** The problems of one container, as sentences; unknown values raise none. */
export function nonRootProblems(template: PodTemplate, ref: ContainerRef): string[] {
  const who = `${describeContainer(ref)} (${ref.path})`;
  const problems: string[] = [];
  const nonRoot = effectiveSecurity(template, ref, "runAsNonRoot");
  if (nonRoot === false || nonRoot === undefined) {
    problems.push(`${who} must set runAsNonRoot: true in its own or the pod's securityContext.`);
  }
  if (effectiveSecurity(template, ref, "runAsUser") === 0) {
    problems.push(`${who} runs as user 0 (root); set runAsUser to a non-zero UID.`);
  }
  if (at(ref.container, "securityContext", "privileged") === true) {
    problems.push(`${who} must not be privileged.`);
  }
  // Pod Security "restricted" requires an explicit false: the default allows escalation.
  const escalation = at(ref.container, "securityContext", "allowPrivilegeEscalation");
  if (escalation === true || escalation === undefined) {
    problems.push(`${who} must set allowPrivilegeEscalation: false.`);
  }
  return problems;
}

export const nonRootWorkloads: ResourceValidationPolicy = {
  name: "non-root-workloads",
  description:
    "Every container and init container of a pod template runs as a non-root user, is not privileged and cannot escalate privileges.",
  validateResource: eachContainer((ref, template, _args, report) => {
    for (const problem of nonRootProblems(template, ref)) report(problem);
  }),
};
