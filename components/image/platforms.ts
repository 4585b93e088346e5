/**
 * A short, tag-safe name for a platform: `linux/amd64` → `amd64`, `linux/arm/v7` → `arm-v7`,
 * `windows/amd64` → `windows-amd64`. Used in cache tags, per-platform tags and resource names.
 */
export function platformSlug(platform: string): string {
  const [os, ...rest] = platform.split("/");
  return (os === "linux" ? rest : [os, ...rest]).join("-");
}
