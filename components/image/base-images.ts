import * as pulumi from "@pulumi/pulumi";
import { pinnedImage } from "../shared/pinned-image";

/** The bases the Dockerfile builds on (glibc builder, distroless Debian 13 runtime). */
export interface BaseImages {
  /** Build base (system-base/deps/builder/debug stages), e.g. `node:24-trixie-slim`. */
  build: string;
  /** Runtime base (runner stage), e.g. `gcr.io/distroless/nodejs24-debian13`. */
  runtime: string;
  /**
   * Resolve bases that are not yet `name@sha256:…` to their current digest (prod). When false
   * (dev) unpinned bases are used by tag.
   */
  pin: boolean;
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
  return pulumi
    .all([pinnedImage(bases.build, bases.pin), pinnedImage(bases.runtime, bases.pin)])
    .apply(([b, r]) => ({ BUILD_BASE_IMAGE: b, RUNTIME_BASE_IMAGE: r }));
}
