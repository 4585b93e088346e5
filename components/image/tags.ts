import { parseImageRef } from "./registry/ref";

/** Inputs of the tag strategy. Every tag it makes is fully qualified (`host/repo:tag`). */
export interface TagStrategy {
  /** Release version, e.g. `1.4.2` or `v1.4.2`; tagged as given. Optional. */
  version?: string;
  /** Commit of the sources (7–40 hex digits); tagged `sha-<first 7>`. Optional. */
  gitSha?: string;
  /** Stack name (`dev`, `prod`); always tagged, so there is never only `latest`. */
  stack: string;
  /** Also tag `latest`. Default false: deployments use the digest, `latest` is for humans only. */
  latest?: boolean;
}

export type TagKind = "version" | "sha" | "stack" | "latest";

export interface ImageTag {
  kind: TagKind;
  /** The tag alone, e.g. `sha-0a1b2c3`. */
  tag: string;
  /** Fully qualified, e.g. `registry.example.com/moontv/app:sha-0a1b2c3`. */
  ref: string;
}

const TAG = /^[\w][\w.-]{0,127}$/;

/**
 * Checks that a repository is fully qualified (`host[:port]/path`, no tag or digest), so that tags
 * never silently land on Docker Hub. The error names `image.repository`.
 */
export function validateRepository(repository: string): string {
  const bad = (why: string) => new Error(`image.repository "${repository}" ${why}; expected e.g. "registry.example.com/moontv/app" or "127.0.0.1:5000/moontv"`);
  let parsed;
  try {
    parsed = parseImageRef(repository);
  } catch (e) {
    throw bad(`is not a valid repository (${(e as Error).message})`);
  }
  const host = repository.split("/")[0];
  if (!repository.includes("/") || !(host.includes(".") || host.includes(":") || host === "localhost")) {
    throw bad("is not fully qualified: it must start with the registry host");
  }
  if (parsed.digest || repository.slice(host.length).includes(":")) throw bad("must not carry a tag or digest");
  return repository;
}

/**
 * The tags of one build, primary first: version, `sha-<7>`, stack, then `latest` when asked for.
 * Duplicates (a version equal to the stack name) are dropped.
 */
export function imageTags(repository: string, strategy: TagStrategy): ImageTag[] {
  validateRepository(repository);
  const out: ImageTag[] = [];
  const add = (kind: TagKind, tag: string, setting: string) => {
    if (!TAG.test(tag)) {
      throw new Error(`${setting} "${tag}" cannot be an image tag: use letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")`);
    }
    if (!out.some((t) => t.tag === tag)) out.push({ kind, tag, ref: `${repository}:${tag}` });
  };
  if (strategy.version !== undefined) add("version", strategy.version, "image.version");
  if (strategy.gitSha !== undefined) {
    if (!/^[0-9a-f]{7,40}$/i.test(strategy.gitSha)) {
      throw new Error(`image.gitSha "${strategy.gitSha}" is not a git commit: expected 7 to 40 hexadecimal digits`);
    }
    add("sha", `sha-${strategy.gitSha.slice(0, 7).toLowerCase()}`, "image.gitSha");
  }
  add("stack", strategy.stack, "stack name");
  if (strategy.latest) add("latest", "latest", "latest");
  return out;
}

/**
 * Tag of one platform's image when several are joined by an index: the primary tag plus the
 * platform slug (`1.4.2-arm64`). The index then carries the plain tags.
 */
export function platformTag(repository: string, primary: ImageTag, slug: string): string {
  const tag = `${primary.tag}-${slug}`.slice(0, 128);
  return `${repository}:${tag}`;
}
