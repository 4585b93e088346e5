import { createHash } from "crypto";

/** pulumi-kubernetes's annotation that makes it take an object as ready once created, without waiting. */
export const SKIP_AWAIT = "pulumi.com/skipAwait";

/** Pod-template annotation holding a hash of the pod's configuration: a config change rolls the pods. */
export const CONFIG_HASH_ANNOTATION = "moontv.dev/config-hash";

/** Short content hash of configuration texts, the value of CONFIG_HASH_ANNOTATION. */
export function configHash(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);
}
