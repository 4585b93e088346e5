import * as pulumi from "@pulumi/pulumi";
import { pinnedImage } from "../shared/pinned-image";
import { dockerfileBuildArgs } from "./dockerfile";

const DOCKERFILE_DEFAULTS = dockerfileBuildArgs();

/** The bases the Dockerfile is written for (glibc builder, distroless Debian 12 runtime): one source, dockerfile.ts. */
export const DEFAULT_BASE_IMAGES = {
  build: DOCKERFILE_DEFAULTS.BUILD_BASE_IMAGE,
  runtime: DOCKERFILE_DEFAULTS.RUNTIME_BASE_IMAGE,
} as const;

export interface BaseImages {
  /** Build base (system-base/deps/builder/debug stages). Default `node:20-bookworm-slim`. */
  build?: string;
  /** Runtime base (runner stage). Default `gcr.io/distroless/nodejs20-debian12`. */
  runtime?: string;
  /**
   * Resolve bases that are not yet `name@sha256:…` to their current digest (prod). When false
   * (dev) unpinned bases are used by tag. Default false.
   */
  pin?: boolean;
}

export interface BaseImageBuildArgs {
  BUILD_BASE_IMAGE: string;
  RUNTIME_BASE_IMAGE: string;
}

/**
 * BUILD_BASE_IMAGE / RUNTIME_BASE_IMAGE for the Dockerfile. With `pin`, bases not given pinned are
 * resolved to the registry's current digest for their tag (see components/shared/pinned-image.ts).
 */
export function baseImageBuildArgs(bases: BaseImages): pulumi.Output<BaseImageBuildArgs> {
  const pin = bases.pin ?? false;
  return pulumi
    .all([
      pinnedImage(bases.build ?? DEFAULT_BASE_IMAGES.build, pin),
      pinnedImage(bases.runtime ?? DEFAULT_BASE_IMAGES.runtime, pin),
    ])
    .apply(([b, r]) => ({ BUILD_BASE_IMAGE: b, RUNTIME_BASE_IMAGE: r }));
}
