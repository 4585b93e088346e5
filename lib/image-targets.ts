/**
 * The Dockerfile stages a build may ship: `runner` (distroless) or `debug` (the same files on the build
 * base, with a shell). The settings offer them and the build plan builds them.
 */
export const IMAGE_TARGETS = ["runner", "debug"] as const;
export type ImageTarget = (typeof IMAGE_TARGETS)[number];
