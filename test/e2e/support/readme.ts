/** The README's command blocks that specs run as written. */

/** The fenced sh block that follows the `<!-- e2e: NAME … -->` marker in the README, without comments. */
export function readmeBlock(readme: string, name: string): string[] {
  const at = readme.indexOf(`<!-- e2e: ${name}`);
  if (at < 0) throw new Error(`README.md has no <!-- e2e: ${name} --> block`);
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`no sh block after <!-- e2e: ${name} -->`);
  return m[1].split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
}
