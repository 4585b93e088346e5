/** pulumi-kubernetes's annotation that makes it take an object as ready once created, without waiting. */
export const SKIP_AWAIT = "pulumi.com/skipAwait";
