import type { Platform } from "@pulumi/docker-build";
import type * as dockerbuild from "@pulumi/docker-build";

import type { BuildContext } from "../../lib/build-context";
import { trailingDigest } from "../../lib/image-ref";
import { SIZE_BUDGET_LABEL } from "../../lib/size-budget-contract";
import type { ImageTarget } from "../../lib/image-targets";
import { cacheArgs, CacheOptions, cacheRefs } from "./cache";
import { platformSlug } from "./platforms";
import { ImageTag, imageTags, platformTag, TagStrategy } from "./tags";

export type BuildTarget = ImageTarget;

/** Where the sources come from. */
export type BuildContextSpec = BuildContext;

/** What the plan is made from (StagedImageArgs documents each). */
export interface BuildPlanInput {
  repository: string;
  context: BuildContextSpec;
  target: BuildTarget;
  platforms: readonly Platform[];
  tags: TagStrategy;
  cache: CacheOptions;
  sizeBudgetMiB?: number;
  labels?: Record<string, string>;
}

export interface PlannedImage {
  platform: Platform;
  /** `amd64`, `arm64`, `arm-v7`: resource-name and cache-tag suffix. */
  slug: string;
  /** Fully qualified tags of this platform's image. */
  tags: string[];
  cacheFrom: dockerbuild.types.input.CacheFromArgs[];
  cacheTo: dockerbuild.types.input.CacheToArgs[];
}

export interface BuildPlan {
  repository: string;
  /** Registry host (`host[:port]`), the `address` of the credentials. */
  registryAddress: string;
  /** Context location as BuildKit takes it (`url#ref:subdir` for git). */
  contextLocation: string;
  target: BuildTarget;
  /** The image's tags, primary first; carried by the index when multi-platform. */
  tags: ImageTag[];
  images: PlannedImage[];
  /** True when the platforms are joined by an index. */
  multiPlatform: boolean;
  labels: Record<string, string>;
}

/** `https://host/repo.git#ref:subdir` for git, the path itself for a directory. */
export function contextLocation(ctx: BuildContextSpec): string {
  if (ctx.kind === "directory") return ctx.path;
  if (ctx.gitRef === undefined && ctx.subdirectory === undefined) return ctx.url;
  return `${ctx.url}#${ctx.gitRef ?? ""}${ctx.subdirectory ? `:${ctx.subdirectory}` : ""}`;
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH/i;

/**
 * Build args end up in the image history: refuse names that say they hold a secret. A guard on the
 * component's callers, not on the settings: no setting names a build arg, the caller assembles them.
 */
export function assertNoSecretBuildArgs(names: readonly string[]): void {
  const bad = names.filter((n) => SECRET_NAME.test(n));
  if (bad.length) {
    throw new Error(
      `image.buildArgs ${bad.map((b) => `"${b}"`).join(", ")} look like secrets: build args are stored in the image history. ` +
        "Registry credentials go in image.registry; app secrets are set at run time from Kubernetes Secrets.",
    );
  }
}

/** Labels of every build: the caller's, the revision/version, and the size budget. */
export function buildLabels(input: Pick<BuildPlanInput, "labels" | "tags" | "sizeBudgetMiB">): Record<string, string> {
  const labels: Record<string, string> = { ...input.labels };
  if (input.tags.gitSha) labels["org.opencontainers.image.revision"] = input.tags.gitSha;
  if (input.tags.version) labels["org.opencontainers.image.version"] = input.tags.version;
  if (input.sizeBudgetMiB !== undefined) labels[SIZE_BUDGET_LABEL] = String(input.sizeBudgetMiB);
  return labels;
}

/** Everything about the build that does not need Pulumi, from args the settings have checked. */
export function planImageBuild(input: BuildPlanInput): BuildPlan {
  const { repository, platforms } = input;
  const tags = imageTags(repository, input.tags);
  const multiPlatform = platforms.length > 1;
  const images = platforms.map((platform): PlannedImage => {
    const slug = platformSlug(platform);
    const { cacheFrom, cacheTo } = cacheArgs(cacheRefs(repository, platform, input.cache));
    return {
      platform,
      slug,
      // Alone, the image carries every tag; joined, each platform gets one suffixed tag and the index the rest.
      tags: multiPlatform ? [platformTag(repository, tags[0], slug)] : tags.map((t) => t.ref),
      cacheFrom,
      cacheTo,
    };
  });
  return {
    repository,
    registryAddress: repository.split("/")[0],
    contextLocation: contextLocation(input.context),
    target: input.target,
    tags,
    images,
    multiPlatform,
    labels: buildLabels(input),
  };
}

/**
 * The ref to deploy from what docker-build reported, or undefined when a preview has not built or pushed
 * (docker-build then reports no digest): the digest is simply not known yet. Outside a preview a missing
 * digest is an error.
 */
export function pushedDigestRef(
  repository: string,
  digestOrRef: string | undefined,
  dryRun: boolean,
): string | undefined {
  if (dryRun && trailingDigest(digestOrRef ?? "") === undefined) return undefined;
  return digestRef(repository, digestOrRef ?? "");
}

/** `repo@sha256:…` from a digest or from a `repo:tag@sha256:…` ref (what docker-build's Index returns). */
export function digestRef(repository: string, digestOrRef: string): string {
  const digest = trailingDigest(digestOrRef);
  if (!digest) throw new Error(`no sha256 digest in "${digestOrRef}" for ${repository}: was the image pushed?`);
  return `${repository}@${digest}`;
}
