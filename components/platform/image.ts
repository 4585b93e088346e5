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
  // The bases are third-party images too: pulled through the stack's registry mirrors.
  const baseImages = {
    build: mirroredImage(build.baseImages.build, mirrors),
    runtime: mirroredImage(build.baseImages.runtime, mirrors),
  };
  const buildArgs = dockerfileBuildArgs({
    nodeVersion: build.nodeVersion,
    pnpmVersion: build.pnpmVersion,
    buildBaseImage: baseImages.build,
    runtimeBaseImage: baseImages.runtime,
    sourceUrl: build.sourceUrl,
    revision: build.gitSha,
    version: build.version,
  });
  return {
    repository: build.repository,
    context: build.context,
    dockerfile,
    target: build.target,
    platforms: [...build.platforms],
    buildArgs,
    // Pinned to digests when the stack asks (they replace the build args' bases by tag).
    baseImages: { ...baseImages, pin: pinBases },
    // Deployments run the pushed digest: no setting asks for `latest`.
    tags: { version: build.version, gitSha: build.gitSha, stack, latest: false },
    builder: build.builder,
    push: build.push,
    buildOnPreview: build.buildOnPreview,
    registry: build.registry && {
      username: build.registry.username,
      password: pulumi.secret(build.registry.password.reveal()),
    },
    cache: build.cache,
    sizeBudgetMiB: build.sizeBudgetMiB,
    scan: build.scan,
  };
}

export interface DeployedImage {
  /** What the app runs: the pushed `repo@sha256:…`, or the prebuilt ref. */
  ref: pulumi.Output<string>;
  /**
   * Resources the app must wait for: the size check and the vulnerability gate, so an oversized or
   * vulnerable image never rolls out.
   */
  gates: pulumi.Resource[];
  build?: StagedImage;
}

/** Builds the image when the settings say so; otherwise deploys the prebuilt ref. */
export function deployedImage(settings: Settings, parent: pulumi.Resource): DeployedImage {
  if (!settings.image.build) return { ref: pulumi.output(settings.image.ref!), gates: [] };
  const build = new StagedImage(
    "moontv-image",
    stagedImageArgs(
      settings.image.build,
      settings.stack,
      settings.pinImageDigests,
      readDockerfile(),
      settings.registryMirrors,
    ),
    { parent },
  );
  const gates = [build.sizeCheck, build.scanGate].filter((g): g is NonNullable<typeof g> => g !== undefined);
  return { ref: build.ref, gates, build };
}
