/** Splitting an image reference into repository, tag and digest. */

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses `registry[:port]/path[:tag][@algo:hex]`; a colon after the last slash starts the tag. */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > slash) return { repository: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { repository: rest, digest };
}

// The pack runs from this repository (index.js loads ../tools/ts-register.js), so it shares the digest rule.
export { isSha256Digest } from "../../lib/image-ref";
