/** Inputs of the tag strategy. Every tag it makes is fully qualified (`host/repo:tag`). */
export interface TagStrategy {
  /** Release version, e.g. `1.4.2` or `v1.4.2`; tagged as given. Unset: no version tag. */
  version?: string;
  /** Commit of the sources (7–40 hex digits); tagged `sha-<first 7>`. Unset: no sha tag. */
  gitSha?: string;
  /** Stack name (`dev`, `prod`); always tagged, so there is never only `latest`. */
  stack: string;
  /** Also tag `latest` (deployments use the digest: `latest` is for humans only). */
  latest: boolean;
}

export type TagKind = "version" | "sha" | "stack" | "latest";

export interface ImageTag {
  kind: TagKind;
  /** The tag alone, e.g. `sha-0a1b2c3`. */
  tag: string;
  /** Fully qualified, e.g. `registry.example.com/moontv/app:sha-0a1b2c3`. */
  ref: string;
}

/**
 * The tags of one build, primary first: version, `sha-<7>`, stack, then `latest` when asked for.
 * Duplicates (a version equal to the stack name) are dropped. Each is a valid tag: the settings checked
 * the version, the commit and the stack name.
 */
export function imageTags(repository: string, strategy: TagStrategy): ImageTag[] {
  const out: ImageTag[] = [];
  const add = (kind: TagKind, tag: string) => {
    if (!out.some((t) => t.tag === tag)) out.push({ kind, tag, ref: `${repository}:${tag}` });
  };
  if (strategy.version !== undefined) add("version", strategy.version);
  if (strategy.gitSha !== undefined) add("sha", `sha-${strategy.gitSha.slice(0, 7).toLowerCase()}`);
  add("stack", strategy.stack);
  if (strategy.latest) add("latest", "latest");
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
