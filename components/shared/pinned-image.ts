import * as pulumi from "@pulumi/pulumi";
import { isDigestPinned, isSha256Digest, withoutDigest } from "../../lib/image-ref";
import { resolveDigest } from "../image/registry/client";

export { isDigestPinned };

/** `name@sha256:…` from a ref and a manifest digest; a tag is kept for readers (`redis:7.4@sha256:…`). */
export function withDigest(ref: string, digest: string): string {
  if (!isSha256Digest(digest)) {
    throw new Error(`the registry returned "${digest}" as the digest of ${ref}, which is not sha256:<64 hex digits>`);
  }
  return `${withoutDigest(ref)}@${digest}`;
}

/** Resolves a tagged ref to the registry's current `sha256:…` digest. */
export type DigestResolver = (ref: string) => Promise<string>;

// The project's own registry client: no Docker daemon and no provider plugin (the docker provider's module
// is not served, and a rebuild from its upstream Terraform provider gets 403 from Docker Hub: the README's
// "Digest pinning is the program's own" says why), and it runs during previews too.
const registryResolver: DigestResolver = (ref) => resolveDigest(ref);
let resolver: DigestResolver = registryResolver;
// One lookup per ref and program run: every use of a tag gets the same digest.
const resolved = new Map<string, Promise<string>>();

/**
 * Replaces how tags are resolved (the offline preview simulates digests; specs count lookups), or
 * restores the registry client when called without one.
 */
export function setDigestResolver(r?: DigestResolver): void {
  resolver = r ?? registryResolver;
  resolved.clear();
}

/**
 * The ref to deploy: as given when already pinned or when pinning is off; otherwise resolved to its
 * current digest in the registry when the program runs (preview and update), so the cluster never
 * pulls a tag that moved. A lookup that fails stops the program with one line naming the image and the
 * registry (a pulumi.RunError: no stack trace).
 */
export function pinnedImage(ref: string, pin: boolean): pulumi.Output<string> {
  if (!pin || isDigestPinned(ref)) return pulumi.output(ref);
  let digest = resolved.get(ref);
  if (!digest) {
    digest = resolver(ref).catch((err: Error) => {
      throw new pulumi.RunError(`cannot pin image ${ref} to a digest (moontv:pinImageDigests): ${err.message}`);
    });
    resolved.set(ref, digest);
  }
  return pulumi.output(digest.then((d) => withDigest(ref, d)));
}
