/**
 * Docker's image reference grammar (distribution/reference) and the sha256 content digest, as the
 * settings validate refs, the registry client parses them and the build reads what was pushed.
 */

const SHA256 = "sha256:[a-f0-9]{64}";
// Lower-case path components separated by / and the separators . _ __ -.
const COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
const TAG_TEXT = "[\\w][\\w.-]{0,127}";

/** `sha256:<64 hex>`, a digest on its own. */
export const SHA256_DIGEST = new RegExp(`^${SHA256}$`);
/** A repository path component (`moontv`, `library`, `redis_exporter`). */
export const PATH_COMPONENT = new RegExp(`^${COMPONENT}$`);
/** A tag: up to 128 word characters, dots and dashes, not starting with a dot or dash. */
export const TAG = new RegExp(`^${TAG_TEXT}$`);
/** `[host[:port]/]path[:tag][@sha256:<64 hex>]`. */
export const IMAGE_REF = new RegExp(
  `^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\\/)?${COMPONENT}(?:\\/${COMPONENT})*(?::${TAG_TEXT})?(?:@${SHA256})?$`,
);

const PINNED = new RegExp(`@${SHA256}$`);
const TRAILING = new RegExp(`(${SHA256})$`);

/** True for a well-formed sha256 content digest. */
export function isSha256Digest(digest: string | undefined): boolean {
  return digest !== undefined && SHA256_DIGEST.test(digest);
}

/** True when a ref already names its content (`…@sha256:<64 hex>`). */
export function isDigestPinned(ref: string): boolean {
  return PINNED.test(ref);
}

/** The ref without its digest (`redis:7.4@sha256:…` → `redis:7.4`). */
export function withoutDigest(ref: string): string {
  return ref.replace(PINNED, "");
}

/** The digest a text ends with: a digest itself, or `repo:tag@sha256:…`; undefined when none. */
export function trailingDigest(text: string): string | undefined {
  return TRAILING.exec(text)?.[1];
}
