import * as pulumi from "@pulumi/pulumi";
import type { ImageBuildSettings, Settings } from "../../stacks/settings/types";
import { StagedImage, type StagedImageArgs } from "../image";
import { dockerfileBuildArgs, readDockerfile } from "../image/dockerfile";
import { mirroredImage } from "../shared";

/** StagedImage args from the build settings: pure, so the mapping is unit-tested without mocks. */
export function stagedImageArgs(
  build: ImageBuildSettings,
  stack: string,
  pinBases: boolean,
  dockerfile: string,
  mirrors: Readonly<Record<string, string>> = {},
): StagedImageArgs {
  const chosen = dockerfileBuildArgs({
    nodeVersion: build.nodeVersion,
    pnpmVersion: build.pnpmVersion,
    buildBaseImage: build.baseImages?.build,
    runtimeBaseImage: build.baseImages?.runtime,
    sourceUrl: build.sourceUrl,
    revision: build.gitSha,
    version: build.version,
  });
  // The bases are third-party images too: pulled through the stack's registry mirrors.
  const buildArgs = {
    ...chosen,
    BUILD_BASE_IMAGE: mirroredImage(chosen.BUILD_BASE_IMAGE, mirrors),
    RUNTIME_BASE_IMAGE: mirroredImage(chosen.RUNTIME_BASE_IMAGE, mirrors),
  };
  return {
    repository: build.repository,
    context: build.context,
    dockerfile,
    target: build.target,
    platforms: build.platforms,
    buildArgs,
    // The bases dockerfileBuildArgs chose (from nodeVersion unless given), pinned to digests when asked.
    baseImages: { build: buildArgs.BUILD_BASE_IMAGE, runtime: buildArgs.RUNTIME_BASE_IMAGE, pin: pinBases },
    tags: { version: build.version, gitSha: build.gitSha, stack },
    builder: build.builder,
    push: build.push,
    buildOnPreview: build.buildOnPreview,
    registry: build.registry && { username: build.registry.username, password: pulumi.secret(build.registry.password.reveal()) },
    cache: build.cache,
    sizeBudgetMiB: build.sizeBudgetMiB,
  };
}

export interface DeployedImage {
  /** What the app runs: the pushed `repo@sha256:…`, or the prebuilt ref. */
  ref: pulumi.Output<string>;
  /** Resources the app must wait for: the size check, so an oversized image never rolls out. */
  gates: pulumi.Resource[];
  build?: StagedImage;
}

/** Builds the image when the settings say so; otherwise deploys the prebuilt ref. */
export function deployedImage(settings: Settings, parent: pulumi.Resource): DeployedImage {
  if (!settings.image.build) return { ref: pulumi.output(settings.image.ref!), gates: [] };
  const build = new StagedImage(
    "moontv-image",
    stagedImageArgs(settings.image.build, settings.stack, settings.pinImageDigests, readDockerfile(), settings.registryMirrors),
    { parent },
  );
  return { ref: build.ref, gates: build.sizeCheck ? [build.sizeCheck] : [], build };
}
