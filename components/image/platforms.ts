import { Platform } from "@pulumi/docker-build";

/** dev builds for the machine's usual architecture; prod overrides with amd64 + arm64. */
export const DEFAULT_PLATFORMS: readonly Platform[] = ["linux/amd64"];

const KNOWN = new Set<string>(Object.values(Platform));

/**
 * Checks the platform list (`image.platforms`): not empty, no duplicates, each one docker-build knows.
 * The error names the setting, the value and what is allowed.
 */
export function validatePlatforms(platforms: readonly string[] | undefined): Platform[] {
  const list = platforms === undefined ? [...DEFAULT_PLATFORMS] : [...platforms];
  if (list.length === 0) throw new Error("image.platforms is empty: give at least one platform, e.g. [\"linux/amd64\"]");
  const seen = new Set<string>();
  for (const p of list) {
    if (!KNOWN.has(p)) {
      throw new Error(`image.platforms: "${p}" is not a platform docker-build can build; allowed: ${[...KNOWN].filter((k) => k.startsWith("linux/")).join(", ")}, …`);
    }
    if (seen.has(p)) throw new Error(`image.platforms lists "${p}" twice`);
    seen.add(p);
  }
  return list as Platform[];
}

/**
 * A short, tag-safe name for a platform: `linux/amd64` → `amd64`, `linux/arm/v7` → `arm-v7`,
 * `windows/amd64` → `windows-amd64`. Used in cache tags, per-platform tags and resource names.
 */
export function platformSlug(platform: string): string {
  const [os, ...rest] = platform.split("/");
  return (os === "linux" ? rest : [os, ...rest]).join("-");
}
