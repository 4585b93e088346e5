import { ResourceValidationPolicy } from "@pulumi/policy";
import { effectiveInstruction } from "../lib/dockerfile-reader";
import { BuildTarget, validateBuildTarget } from "../lib/image-build";

/** What is wrong with the HEALTHCHECK of the build's target stage, or undefined if it has one. */
export function imageHealthcheckProblem(build: BuildTarget): string | undefined {
  const check = effectiveInstruction(build.dockerfile, build.stage, "HEALTHCHECK");
  if (!check) return `The ${build.label} of the Dockerfile has no HEALTHCHECK; add HEALTHCHECK CMD ….`;
  if (/^NONE\b/i.test(check.args))
    return `The ${build.label} disables its health check (HEALTHCHECK NONE, line ${check.line}).`;
  return undefined;
}

export const imageHealthcheck: ResourceValidationPolicy = {
  name: "image-healthcheck",
  description: "Every image build's runtime (target) stage declares a HEALTHCHECK.",
  validateResource: validateBuildTarget("HEALTHCHECK", imageHealthcheckProblem),
};
