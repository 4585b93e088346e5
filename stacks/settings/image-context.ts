import type { BuildContext } from "../../lib/build-context";

/** The sources of the image as the settings hand them on. */
export type ImageContext = BuildContext;

// Docker's rule: git://, ssh://, git@host:path, github.com/…, or an http(s) URL ending in .git.
const GIT_URL = /^(?:https?:\/\/[^#]+\.git(?:$|#)|git@[^:]+:.+|git:\/\/|ssh:\/\/|github\.com\/)/;

/** True for a location BuildKit fetches as a git repository. */
export function isGitUrl(location: string): boolean {
  return GIT_URL.test(location);
}

/**
 * What a local build context's `.dockerignore` must exclude: with an inline Dockerfile BuildKit reads
 * only `<context>/.dockerignore`, and the builder's `COPY . .` would otherwise drag in a local
 * node_modules (clobbering the deps stage), a stale .next, the .git history or .env files (secrets).
 * A git context needs none of this: a fresh clone has no node_modules or .next, and no .git.
 */
export const REQUIRED_CONTEXT_IGNORES = ["node_modules", ".next", ".git", ".env"] as const;

/** Which of REQUIRED_CONTEXT_IGNORES an ignore file's patterns leave out (undefined text: all). */
export function missingContextIgnores(ignoreFile: string | undefined): string[] {
  const patterns = (ignoreFile ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("!"))
    .map((l) => l.replace(/^(\*\*\/|\/)/, "").replace(/\/$/, ""));
  return REQUIRED_CONTEXT_IGNORES.filter(
    (req) => !patterns.some((p) => p === req || (req === ".env" && /^\.env\*?$/.test(p))),
  );
}
