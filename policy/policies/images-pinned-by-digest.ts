import { ResourceValidationPolicy } from "@pulumi/policy";
import { describeContainer } from "../lib/pod-templates";
import { isSha256Digest, parseImageRef } from "../lib/split-image-ref";
import { at } from "../lib/unknown";
import { eachContainer } from "../lib/workloads";

export interface DigestConfig {
  /** When true (the default) every image must carry a sha256 digest; when false only `:latest` and untagged refs fail. */
  requireDigest?: boolean;
}

/** What is wrong with an image reference, or undefined. */
export function imageRefProblem(image: string, requireDigest: boolean): string | undefined {
  const ref = parseImageRef(image);
  if (isSha256Digest(ref.digest)) return undefined;
  if (ref.digest !== undefined) return `uses image ${image} with a malformed digest`;
  if (ref.tag === undefined || ref.tag === "latest")
    return `uses image ${image}, which floats with :latest; pin it by digest (repo@sha256:…)`;
  if (requireDigest) return `uses image ${image} by tag only; pin it by digest (repo@sha256:…)`;
  return undefined;
}

export const imagesPinnedByDigest: ResourceValidationPolicy = {
  name: "images-pinned-by-digest",
  description: "Every container image is referenced by digest, never by :latest or a tag alone.",
  configSchema: {
    properties: {
      requireDigest: {
        type: "boolean",
        default: true,
        description: "Require a sha256 digest; when false only :latest and untagged refs fail.",
      },
    },
  },
  validateResource: eachContainer((ref, _template, args, report) => {
    const image = at(ref.container, "image");
    if (typeof image !== "string") return; // unknown until the build's digest is known
    const { requireDigest = true } = args.getConfig<DigestConfig>();
    const problem = imageRefProblem(image, requireDigest);
    if (problem) report(`${describeContainer(ref)} (${ref.path}) ${problem}.`);
  }),
};
