import { ResourceValidationPolicy } from "@pulumi/policy";
import { effectiveInstruction, substitute } from "../lib/dockerfile-reader";
import { BuildTarget, validateBuildTarget } from "../lib/image-build";

/** What is wrong with the USER of the build's target stage, or undefined if it is a numeric non-zero UID. */
export function imageUserProblem(build: BuildTarget): string | undefined {
  const user = effectiveInstruction(build.dockerfile, build.stage, "USER");
  if (!user)
    return `The ${build.label} of the Dockerfile sets no USER, so the image runs as root; add USER <uid>:<gid>.`;
  const value = substitute(user.args, build.vars);
  const uid = value.split(":")[0];
  // A name (even "node") needs /etc/passwd and defeats runAsNonRoot's check; only a UID is verifiable.
  if (!/^\d+$/.test(uid)) {
    return `The ${build.label} sets USER ${user.args} (line ${user.line}); use a numeric non-zero UID.`;
  }
  if (Number(uid) === 0) return `The ${build.label} sets USER ${user.args} (line ${user.line}), which is root.`;
  return undefined;
}

export const nonRootImageUser: ResourceValidationPolicy = {
  name: "non-root-image-user",
  description: "Every image build's target stage sets a numeric, non-zero USER so the image never runs as root.",
  validateResource: validateBuildTarget("USER", imageUserProblem),
};
