import { execFile } from "child_process";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

import { BuildContextSpec, contextLocation } from "./build-plan";

/** The commit a branch or tag (or HEAD) of a repository names now. */
export type CommitResolver = (url: string, ref: string) => Promise<string>;

const FULL_COMMIT = /^[0-9a-f]{40}$/;

/** `git ls-remote`: the commit of `ref` (a tag's peeled commit, else the branch or tag itself). */
export const lsRemoteCommit: CommitResolver = (url, ref) =>
  new Promise((resolve, reject) => {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: "0" };
    execFile("git", ["ls-remote", "--", url, ref, `${ref}^{}`], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error((stderr || err.message).trim().split("\n").pop()));
      const lines = stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t") as [string, string]);
      const exact = (name: string) => lines.find(([, r]) => r === name)?.[0];
      const commit =
        ref === "HEAD"
          ? exact("HEAD")
          : (exact(`refs/tags/${ref}^{}`) ?? exact(`refs/tags/${ref}`) ?? exact(`refs/heads/${ref}`) ?? exact(ref));
      if (!commit) return reject(new Error(`no branch or tag "${ref}" in ${url}`));
      resolve(commit);
    });
  });

let resolver: CommitResolver = lsRemoteCommit;

/** Replaces how refs are resolved (the offline preview simulates commits; specs move branches). */
export function setCommitResolver(r?: CommitResolver): void {
  resolver = r ?? lsRemoteCommit;
}

/** A stand-in commit for the offline preview: stable per URL and ref, never a real one. */
export function simulatedCommit(url: string, ref: string): string {
  return createHash("sha1").update(`${url}#${ref}`).digest("hex");
}

/**
 * The context BuildKit builds. docker-build hashes only local contexts, so a git context named by a
 * branch would keep its first build forever: its branch or tag is resolved to a commit whenever the
 * program runs (preview and update) and the commit goes into the location, so a moved branch changes
 * the build's inputs and docker-build rebuilds exactly that commit. A full commit id is used as given.
 */
export function resolvedContextLocation(ctx: BuildContextSpec): pulumi.Output<string> {
  const given = contextLocation(ctx);
  if (ctx.kind === "directory" || (ctx.gitRef !== undefined && FULL_COMMIT.test(ctx.gitRef)))
    return pulumi.output(given);
  const ref = ctx.gitRef ?? "HEAD";
  const commit = resolver(ctx.url, ref).catch((err: Error) => {
    throw new pulumi.RunError(
      `cannot resolve moontv:image.context.gitRef "${ref}" of ${ctx.url} to a commit: ${err.message}`,
    );
  });
  return pulumi.output(commit.then((c) => contextLocation({ ...ctx, gitRef: c })));
}
