import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";

const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** True when a ref already names its content (`…@sha256:<64 hex>`). */
export function isDigestPinned(ref: string): boolean {
  return DIGEST.test(ref);
}

/** `name@sha256:…` from a ref and a manifest digest; a tag is kept for readers (`redis:7.4@sha256:…`). */
export function withDigest(ref: string, digest: string): string {
  if (!/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new Error(`the registry returned "${digest}" as the digest of ${ref}, which is not sha256:<64 hex digits>`);
  }
  return `${ref.replace(/@sha256:[a-f0-9]{64}$/, "")}@${digest}`;
}

/**
 * The ref to deploy: as given when already pinned or when pinning is off; otherwise resolved to its
 * current digest in the registry at deploy time, so the cluster never pulls a tag that moved.
 */
export function pinnedImage(ref: string, pin: boolean, opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  if (!pin || isDigestPinned(ref)) return pulumi.output(ref);
  return docker.getRegistryImageOutput({ name: ref }, opts).sha256Digest.apply((digest) => withDigest(ref, digest));
}
