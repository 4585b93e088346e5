// Git contexts rebuild when the source moves: the branch or tag is resolved to a commit when the program
// runs, against a real repository (git on this machine), and the commit is what the build is given.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { lsRemoteCommit, resolvedContextLocation, setCommitResolver } from "../../../components/image/git-source";

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args],
    { cwd, encoding: "utf8" },
  ).trim();
}

function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    o.apply(resolve);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (o as any).promise().catch(reject);
  });
}

describe("git contexts: lsRemoteCommit against a real repository", () => {
  let dir: string;
  let first: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-git-"));
    git(dir, "init", "-q");
    fs.writeFileSync(path.join(dir, "a.txt"), "1\n");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "one");
    first = git(dir, "rev-parse", "HEAD");
    git(dir, "tag", "-a", "v1.0.0", "-m", "release"); // annotated: ls-remote lists the tag object and ^{}
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a branch resolves to its commit, and to the new one once it moved", async () => {
    assert.equal(await lsRemoteCommit(dir, "main"), first);
    fs.writeFileSync(path.join(dir, "a.txt"), "2\n");
    git(dir, "commit", "-qam", "two");
    const second = git(dir, "rev-parse", "HEAD");
    assert.notEqual(second, first);
    assert.equal(await lsRemoteCommit(dir, "main"), second);
    assert.equal(await lsRemoteCommit(dir, "HEAD"), second);
  });

  it("an annotated tag resolves to the commit it tags, not to the tag object", async () => {
    assert.equal(await lsRemoteCommit(dir, "v1.0.0"), first);
  });

  it("a ref the repository lacks is an error naming it", async () => {
    await assert.rejects(lsRemoteCommit(dir, "no-such-branch"), /no branch or tag "no-such-branch" in /);
  });
});

describe("git contexts: the build is given the resolved commit", () => {
  const url = "https://github.com/MoonTechLab/LunaTV.git";
  let answer = "a".repeat(40);
  const asked: string[] = [];
  before(() => {
    pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: a.name, state: a.inputs }), call: () => ({}) },
      "moontv",
      "dev",
      false,
    );
    setCommitResolver(async (u, ref) => (asked.push(`${u}#${ref}`), answer));
  });
  after(() => setCommitResolver());

  it("a branch becomes its current commit in the location; a moved branch gives a new location", async () => {
    assert.equal(
      await settle(resolvedContextLocation({ kind: "git", url, gitRef: "main", subdirectory: "app" })),
      `${url}#${"a".repeat(40)}:app`,
    );
    answer = "b".repeat(40);
    assert.equal(
      await settle(resolvedContextLocation({ kind: "git", url, gitRef: "main" })),
      `${url}#${"b".repeat(40)}`,
    );
    assert.deepEqual(asked, [`${url}#main`, `${url}#main`]);
  });

  it("no gitRef resolves HEAD; a full commit id and a local directory are used as given, unresolved", async () => {
    asked.length = 0;
    assert.equal(await settle(resolvedContextLocation({ kind: "git", url })), `${url}#${answer}`);
    const commit = "0123456789abcdef0123456789abcdef01234567";
    assert.equal(await settle(resolvedContextLocation({ kind: "git", url, gitRef: commit })), `${url}#${commit}`);
    assert.equal(await settle(resolvedContextLocation({ kind: "directory", path: "../moontv" })), "../moontv");
    assert.deepEqual(asked, [`${url}#HEAD`]);
  });

  it("a ref that cannot be resolved stops the program with one line naming the key", async () => {
    setCommitResolver(async () => {
      throw new Error('no branch or tag "gone" in ' + url);
    });
    await assert.rejects(settle(resolvedContextLocation({ kind: "git", url, gitRef: "gone" })), (e: Error) => {
      assert.ok(e instanceof pulumi.RunError);
      assert.match(
        e.message,
        /^cannot resolve moontv:image\.context\.gitRef "gone" of https:\/\/github\.com\/MoonTechLab\/LunaTV\.git to a commit: no branch or tag "gone"/,
      );
      return true;
    });
  });
});
