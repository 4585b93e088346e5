import type * as dockerbuild from "@pulumi/docker-build";

import { platformSlug } from "./platforms";

/**
 * Where a build keeps its BuildKit registry cache.
 *
 * - Each platform has its own cache, `<repo>:cache-<arch>` (a cache holds one platform's layers; a
 *   shared one would be overwritten by each platform in turn). Every build writes it, `mode=max` so
 *   that the `deps` and `builder` stages are cached too, not only the final image's layers.
 * - The main branch also publishes `<repo>:cache-<arch>-main`, which branch builds only read: a
 *   feature branch starts warm from main's cache and never overwrites it.
 */
export interface CacheOptions {
  /** Git branch being built; when it equals `mainBranch` the main cache is written too. */
  branch?: string;
  /** Name of the main branch. */
  mainBranch: string;
  /** Repository holding the main branch's cache (e.g. prod's). Default: the image's repository. */
  mainRepository?: string;
}

export interface CacheRefs {
  /** Read in this order: own cache, then main's. */
  from: string[];
  /** Written by this build. */
  to: string[];
}

export function cacheRefs(repository: string, platform: string, options: CacheOptions): CacheRefs {
  const slug = platformSlug(platform);
  const own = `${repository}:cache-${slug}`;
  const main = `${options.mainRepository ?? repository}:cache-${slug}-main`;
  const onMain = options.branch !== undefined && options.branch === options.mainBranch;
  return { from: [own, main], to: onMain ? [own, main] : [own] };
}

/** The refs as docker-build `cacheFrom` / `cacheTo` entries. */
export function cacheArgs(refs: CacheRefs): {
  cacheFrom: dockerbuild.types.input.CacheFromArgs[];
  cacheTo: dockerbuild.types.input.CacheToArgs[];
} {
  return {
    cacheFrom: refs.from.map((ref) => ({ registry: { ref } })),
    // imageManifest + OCI media types: the cache is pushed as an image manifest whose config is
    // `application/vnd.buildkit.cacheconfig.v0`, the form most registries (ECR, GHCR, Harbor) accept.
    cacheTo: refs.to.map((ref) => ({
      registry: { ref, mode: "max" as const, imageManifest: true, ociMediaTypes: true },
    })),
  };
}
