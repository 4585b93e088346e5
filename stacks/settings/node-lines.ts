/**
 * Node.js release lines and their end of life (nodejs.org's release schedule, as of December 2026): the
 * one home of which `moontv:image.nodeVersion` the image may be built on. A line is supported while its
 * end of life is after NODE_LINES_AS_OF; an image on a line past it gets no security fixes.
 */
export const NODE_LINES_AS_OF = "2026-12-01";

interface NodeLine {
  /** Last day of support (the schedule's "End-of-life"). */
  eol: string;
  /** Whether the release ships corepack, which the Dockerfile runs pnpm through: Node.js 25 and later do not. */
  corepack: boolean;
}

export const NODE_LINES: Readonly<Record<number, NodeLine>> = {
  18: { eol: "2025-04-30", corepack: true },
  19: { eol: "2023-06-01", corepack: true },
  20: { eol: "2026-04-30", corepack: true },
  21: { eol: "2024-06-01", corepack: true },
  22: { eol: "2027-04-30", corepack: true },
  23: { eol: "2025-06-01", corepack: true },
  24: { eol: "2028-04-30", corepack: true },
  25: { eol: "2026-06-01", corepack: false },
  26: { eol: "2029-04-30", corepack: false },
};

/** Lines still supported by Node.js on NODE_LINES_AS_OF, oldest first. */
export const SUPPORTED_NODE_LINES: readonly number[] = Object.entries(NODE_LINES)
  .filter(([, line]) => line.eol > NODE_LINES_AS_OF)
  .map(([major]) => Number(major))
  .sort((a, b) => a - b);

/** Supported lines the image can be built on (the Dockerfile needs corepack). */
export const IMAGE_NODE_LINES: readonly number[] = SUPPORTED_NODE_LINES.filter((m) => NODE_LINES[m].corepack);

/** A Node.js version as `moontv:image.nodeVersion` takes it: a major ("24"), or "24.22" or "24.22.3". */
export const NODE_VERSION_FORMAT = /^[1-9]\d*(?:\.\d+){0,2}$/;

function listed(lines: readonly number[]): string {
  const named = lines.map((m) => `${m} (until ${NODE_LINES[m].eol})`);
  return named.length > 1 ? `${named.slice(0, -1).join(", ")} or ${named[named.length - 1]}` : named.join("");
}

/** What `moontv:image.nodeVersion` allows, as the phrase a settings error ends with. */
export const NODE_VERSION_ALLOWED = `a version of a supported Node.js LTS line the image builds on, ${listed(IMAGE_NODE_LINES)}, as a major ("${IMAGE_NODE_LINES[IMAGE_NODE_LINES.length - 1]}") or an exact version ("${IMAGE_NODE_LINES[IMAGE_NODE_LINES.length - 1]}.1.0")`;

/**
 * Why `version` (already in NODE_VERSION_FORMAT) cannot be the image's Node.js, or undefined when it can:
 * its line's end of life, a line this table does not know, or a line whose release ships no corepack.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(version.split(".")[0]);
  const line = NODE_LINES[major] as NodeLine | undefined;
  if (!line) return `Node.js ${major} is not a release line this program knows to be supported`;
  if (line.eol <= NODE_LINES_AS_OF) return `Node.js ${major} reached end of life on ${line.eol} and gets no fixes`;
  if (!line.corepack)
    return `Node.js ${major} (supported until ${line.eol}) ships no corepack, which the Dockerfile runs pnpm through`;
  return undefined;
}
