import { ResourceValidationPolicy } from "@pulumi/policy";
import { describeContainer } from "../lib/pod-templates";
import { at } from "../lib/unknown";
import { eachContainer } from "../lib/workloads";

export const readOnlyRootFilesystem: ResourceValidationPolicy = {
  name: "read-only-root-filesystem",
  description: "Every container mounts its root file system read-only; writable paths come from volumes.",
  validateResource: eachContainer((ref, _template, _args, report) => {
    const value = at(ref.container, "securityContext", "readOnlyRootFilesystem");
    if (value === false || value === undefined) {
      report(`${describeContainer(ref)} (${ref.path}) must set securityContext.readOnlyRootFilesystem: true.`);
    }
  }),
};
