import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** The bases the Dockerfile is written for: glibc builder and the distroless Debian 12 runtime. */
export const DEFAULT_BASE_IMAGES = {
  build: "node:20-bookworm-slim",
  runtime: "gcr.io/distroless/nodejs20-debian12",
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

const PINNED = /@sha256:[a-f0-9]{64}$/;

export function isPinned(ref: string): boolean {
  return PINNED.test(ref);
}

/** `node:20-bookworm-slim` + `sha256:…` → `node:20-bookworm-slim@sha256:…` (the tag stays for readers). */
export function pinnedRef(name: string, digest: string): string {
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new Error(`the registry returned "${digest}" as the digest of ${name}, which is not sha256:<64 hex digits>`);
  }
  return `${name.replace(/@sha256:[a-f0-9]{64}$/, "")}@${digest}`;
}

/** Which bases still need a registry lookup; pure, so the decision is tested without mocks. */
export function basesToResolve(bases: BaseImages): { build?: string; runtime?: string } {
  const build = bases.build ?? DEFAULT_BASE_IMAGES.build;
  const runtime = bases.runtime ?? DEFAULT_BASE_IMAGES.runtime;
  if (!bases.pin) return {};
  return {
    ...(isPinned(build) ? {} : { build }),
    ...(isPinned(runtime) ? {} : { runtime }),
  };
}

/**
 * BUILD_BASE_IMAGE / RUNTIME_BASE_IMAGE for the Dockerfile. With `pin`, bases not given pinned are
 * looked up with `@pulumi/docker`'s `getRegistryImage` (the registry's current digest for the tag).
 */
export function baseImageBuildArgs(bases: BaseImages, opts?: pulumi.InvokeOutputOptions): pulumi.Output<BaseImageBuildArgs> {
  const build = bases.build ?? DEFAULT_BASE_IMAGES.build;
  const runtime = bases.runtime ?? DEFAULT_BASE_IMAGES.runtime;
  const todo = basesToResolve(bases);
  const resolve = (name: string | undefined, fallback: string): pulumi.Output<string> =>
    name === undefined
      ? pulumi.output(fallback)
      : docker.getRegistryImageOutput({ name }, opts).apply((r) => pinnedRef(name, r.sha256Digest));
  return pulumi
    .all([resolve(todo.build, build), resolve(todo.runtime, runtime)])
    .apply(([b, r]) => ({ BUILD_BASE_IMAGE: b, RUNTIME_BASE_IMAGE: r }));
}
