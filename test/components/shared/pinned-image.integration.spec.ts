// Digest pinning through the project's registry client against a real Debian docker-registry on
// 127.0.0.1: no Docker daemon, no docker provider plugin.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

import { resolveDigest } from "../../../components/image/registry";
import { pinnedImage, setDigestResolver } from "../../../components/shared/pinned-image";
import {
  buildMultiPlatformLayout,
  freePort,
  pushOci,
  requireTool,
  RunningRegistry,
  sha256,
  startRegistry,
} from "../../support/registry-fixture";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

/** The value an Output resolves to, or the error it fails with (Output's own promise, internal to the SDK). */
function settle(o: pulumi.Output<string>): Promise<string> {
  return (o as unknown as { promise(): Promise<string> }).promise();
}

/** What the registry serves for a tag, hashed: the digest the cluster would pull. */
async function servedDigest(host: string, repo: string, tag: string, mediaType: string): Promise<string> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { headers: { Accept: mediaType } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), mediaType);
  return sha256(Buffer.from(await res.arrayBuffer()));
}

describe("digest pinning with the registry client (integration)", function () {
  this.timeout(120_000);
  const calls: string[] = [];
  let work: string;
  let reg: RunningRegistry;
  let locked: RunningRegistry;

  before(async () => {
    requireTool("registry");
    requireTool("skopeo");
    requireTool("umoci");
    requireTool("htpasswd");
    // Preview mode: pinning must resolve during `pulumi preview` too. Any provider call is recorded.
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => (calls.push(a.token), a.inputs) },
      "moontv",
      "prod",
      true,
    );
    setDigestResolver();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-pin-"));
    const layout = path.join(work, "layout");
    buildMultiPlatformLayout(layout, { amd64: { "a.txt": "amd64\n" }, arm64: { "a.txt": "arm64\n" } });
    reg = await startRegistry();
    pushOci(layout, "multi", `${reg.host}/library/redis:7.4-bookworm`);
    pushOci(layout, "amd64", `${reg.host}/moontv/base:1`);
    locked = await startRegistry({ username: "bot", password: "registry-pass-1" });
    pushOci(layout, "amd64", `${locked.host}/private/redis:7`, { username: "bot", password: "registry-pass-1" });
  });
  after(async () => {
    await reg?.stop();
    await locked?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("resolves a multi-platform tag to its index digest and a single-platform tag to its manifest digest", async () => {
    assert.equal(
      await resolveDigest(`${reg.host}/library/redis:7.4-bookworm`),
      await servedDigest(reg.host, "library/redis", "7.4-bookworm", OCI_INDEX),
    );
    assert.equal(
      await resolveDigest(`${reg.host}/moontv/base:1`),
      await servedDigest(reg.host, "moontv/base", "1", OCI_MANIFEST),
    );
  });

  it("pins a tag as repo:tag@sha256:… during a preview, with no provider call", async () => {
    const ref = `${reg.host}/library/redis:7.4-bookworm`;
    const digest = await servedDigest(reg.host, "library/redis", "7.4-bookworm", OCI_INDEX);
    assert.equal(await settle(pinnedImage(ref, true)), `${ref}@${digest}`);
    assert.equal(
      await settle(pinnedImage(`${reg.host}/moontv/base@${digest}`, true)),
      `${reg.host}/moontv/base@${digest}`,
      "a digest ref is kept as given",
    );
    assert.equal(await settle(pinnedImage(ref, false)), ref, "pinning off: the tag as given");
    assert.deepEqual(calls, []);
  });

  it("a missing tag stops the program with one line naming the image and the registry", async () => {
    const ref = `${reg.host}/library/redis:no-such-tag`;
    await assert.rejects(settle(pinnedImage(ref, true)), (err: Error) => {
      assert.ok(pulumi.RunError.isInstance(err), "a RunError: the CLI prints it without a stack trace");
      assert.equal(
        err.message,
        `cannot pin image ${ref} to a digest (moontv:pinImageDigests): cannot read image ${ref} from registry ${reg.host}: tag "no-such-tag" not found in library/redis (HTTP 404)`,
      );
      return true;
    });
  });

  it("an unreachable registry is named with the cause", async () => {
    const host = `127.0.0.1:${await freePort()}`;
    await assert.rejects(settle(pinnedImage(`${host}/library/redis:7.4`, true)), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(
          `^cannot pin image ${host}/library/redis:7\\.4 to a digest \\(moontv:pinImageDigests\\): cannot read image ${host}/library/redis:7\\.4 from registry ${host}: cannot connect to ${host} \\(ECONNREFUSED\\)$`,
        ),
      );
      return true;
    });
  });

  it("a registry that wants credentials says so (pinning reads public images anonymously)", async () => {
    await assert.rejects(
      settle(pinnedImage(`${locked.host}/private/redis:7`, true)),
      /registry 127\.0\.0\.1:\d+: the registry asks for Basic authentication and no credentials are configured/,
    );
  });

  it("asks the registry once per ref in a program run, so every use of a tag gets one digest", async () => {
    const asked: string[] = [];
    setDigestResolver(async (ref) => (asked.push(ref), `sha256:${"c".repeat(64)}`));
    try {
      const refs = await Promise.all(
        [pinnedImage("r/a:1", true), pinnedImage("r/a:1", true), pinnedImage("r/b:1", true)].map(settle),
      );
      assert.deepEqual(refs, [
        `r/a:1@sha256:${"c".repeat(64)}`,
        `r/a:1@sha256:${"c".repeat(64)}`,
        `r/b:1@sha256:${"c".repeat(64)}`,
      ]);
      assert.deepEqual(asked, ["r/a:1", "r/b:1"]);
    } finally {
      setDigestResolver();
    }
  });
});
