// The registry client against a real Debian docker-registry on 127.0.0.1, with images pushed by skopeo.
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { inspectImage, isRegistryError, measureImageSizes, RegistryError } from "../../../../components/image/registry";
import {
  buildMultiPlatformLayout,
  freePort,
  layoutImageSize,
  pushOci,
  putBlob,
  putManifest,
  requireTool,
  RunningRegistry,
  startRegistry,
} from "../../../support/registry-fixture";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const CACHE_CONFIG = "application/vnd.buildkit.cacheconfig.v0";

/** Resolves to the RegistryError `p` rejects with; fails if it resolves or throws anything else. */
async function registryError(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isRegistryError(e), `expected a RegistryError, got ${String(e)}`);
    assert.ok(e instanceof RegistryError);
    return e;
  }
  assert.fail("expected a RegistryError, the call succeeded");
}

describe("registry client against docker-registry (integration)", function () {
  this.timeout(120_000);
  let layout: string;
  let work: string;

  before(function () {
    // Missing tools fail loudly with the Debian package to install, never skip silently.
    requireTool("registry");
    requireTool("skopeo");
    requireTool("umoci");
    requireTool("htpasswd");
    work = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-oci-"));
    layout = path.join(work, "layout");
    buildMultiPlatformLayout(layout, {
      amd64: { "hello.txt": "hello from amd64\n" },
      // A bigger, incompressible file so the two platforms differ in size.
      arm64: { "hello.txt": "hello from arm64\n", "noise.bin": randomText(20_000) },
    });
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  describe("without auth", () => {
    let reg: RunningRegistry;
    before(async () => {
      // The legacy BuildKit cache index below lists blobs, not manifests: distribution v3 stores it only so.
      reg = await startRegistry(undefined, { incompleteIndexes: true });
      pushOci(layout, "amd64", `${reg.host}/moontv/app:single`);
      pushOci(layout, "multi", `${reg.host}/moontv/app:multi`);
    });
    after(async () => reg && (await reg.stop()));

    it("measures a single-platform image: config + layers, platform from the config", async () => {
      const result = await inspectImage(`${reg.host}/moontv/app:single`);
      assert.equal(result.kind, "image");
      assert.ok(result.kind === "image");
      assert.equal(result.mediaType, OCI_MANIFEST);
      assert.match(result.digest, /^sha256:[a-f0-9]{64}$/);
      assert.deepEqual(
        result.platforms.map((p) => [p.platform, p.bytes]),
        [["linux/amd64", layoutImageSize(layout, "amd64")]],
      );
      assert.equal(result.platforms[0].bytes, result.platforms[0].configBytes + result.platforms[0].layersBytes);
    });

    it("measures every platform of a two-platform index", async () => {
      const sizes = await measureImageSizes(`${reg.host}/moontv/app:multi`);
      assert.deepEqual(sizes, {
        "linux/amd64": layoutImageSize(layout, "amd64"),
        "linux/arm64": layoutImageSize(layout, "arm64"),
      });
      assert.ok(sizes["linux/arm64"] > sizes["linux/amd64"] + 10_000);
    });

    it("reads an image by digest (repo@sha256:…)", async () => {
      const byTag = await inspectImage(`${reg.host}/moontv/app:multi`);
      const byDigest = await inspectImage(`${reg.host}/moontv/app@${byTag.digest}`);
      assert.equal(byDigest.kind, "image");
      assert.equal(byDigest.digest, byTag.digest);
      assert.equal(byDigest.mediaType, OCI_INDEX);
    });

    it("recognises a BuildKit cache manifest as not an image", async () => {
      const config = await putBlob(reg.host, "moontv/app", Buffer.from('{"layers":[],"records":[]}'));
      const layer = await putBlob(reg.host, "moontv/app", Buffer.from(randomText(500)));
      await putManifest(reg.host, "moontv/app", "cache-amd64", OCI_MANIFEST, {
        config: { mediaType: CACHE_CONFIG, ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
      });
      const result = await inspectImage(`${reg.host}/moontv/app:cache-amd64`);
      assert.equal(result.kind, "not-an-image");
      assert.ok(result.kind === "not-an-image");
      assert.match(result.reason, /BuildKit cache manifest/);

      const err = await registryError(measureImageSizes(`${reg.host}/moontv/app:cache-amd64`));
      assert.match(err.message, /not an image/);
      assert.match(err.message, new RegExp(`${reg.host}/moontv/app:cache-amd64`));
    });

    it("recognises a BuildKit cache index (cache config and layers listed in an index) as not an image", async () => {
      const config = await putBlob(reg.host, "moontv/app", Buffer.from('{"layers":[{"blob":"x"}],"records":[]}'));
      const layer = await putBlob(reg.host, "moontv/app", Buffer.from(randomText(300)));
      await putManifest(reg.host, "moontv/app", "cache-index", OCI_INDEX, {
        manifests: [
          { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer },
          { mediaType: CACHE_CONFIG, ...config },
        ],
      });
      const result = await inspectImage(`${reg.host}/moontv/app:cache-index`);
      assert.equal(result.kind, "not-an-image");
      assert.ok(result.kind === "not-an-image");
      assert.match(result.reason, /BuildKit cache index/);
    });

    it("an unknown tag is a 404 RegistryError naming registry, repository and tag", async () => {
      const err = await registryError(inspectImage(`${reg.host}/moontv/app:nope`));
      assert.equal(err.code, "not-found");
      assert.equal(err.status, 404);
      assert.equal(
        err.message,
        `cannot read image ${reg.host}/moontv/app:nope from registry ${reg.host}: ` +
          `tag "nope" not found in moontv/app (HTTP 404 MANIFEST_UNKNOWN)`,
      );
    });
  });

  describe("with htpasswd auth (Basic challenge)", () => {
    const creds = { username: "moontv", password: "pa55-w0rd" };
    let reg: RunningRegistry;
    before(async () => {
      reg = await startRegistry(creds);
      pushOci(layout, "multi", `${reg.host}/moontv/private:1.0.0`, creds);
    });
    after(async () => reg && (await reg.stop()));

    it("answers the Basic challenge with the configured credentials", async () => {
      const sizes = await measureImageSizes(`${reg.host}/moontv/private:1.0.0`, { credentials: creds });
      assert.deepEqual(Object.keys(sizes).sort(), ["linux/amd64", "linux/arm64"]);
      assert.equal(sizes["linux/amd64"], layoutImageSize(layout, "amd64"));
    });

    it("without credentials: a RegistryError saying credentials are needed", async () => {
      const err = await registryError(inspectImage(`${reg.host}/moontv/private:1.0.0`));
      assert.equal(err.code, "unauthorized");
      assert.match(
        err.message,
        new RegExp(`^cannot read image ${reg.host}/moontv/private:1.0.0 from registry ${reg.host}: `),
      );
      assert.match(err.message, /asks for Basic authentication and no credentials are configured/);
    });

    it("with a wrong password: auth refused, naming the user but never the password", async () => {
      const err = await registryError(
        inspectImage(`${reg.host}/moontv/private:1.0.0`, {
          credentials: { username: "moontv", password: "wrong-secret" },
        }),
      );
      assert.equal(err.code, "auth-refused");
      assert.equal(err.status, 401);
      assert.match(err.message, /refused for the credentials of user "moontv" \(HTTP 401/);
      assert.ok(!err.message.includes("wrong-secret"));
    });
  });

  it("an unreachable registry is a RegistryError naming host:port", async () => {
    const port = await freePort(); // free, so nothing listens there
    const err = await registryError(inspectImage(`127.0.0.1:${port}/moontv/app:1.0.0`, { timeoutMs: 5_000 }));
    assert.equal(err.code, "unreachable");
    assert.equal(
      err.message,
      `cannot read image 127.0.0.1:${port}/moontv/app:1.0.0 from registry 127.0.0.1:${port}: ` +
        `cannot connect to 127.0.0.1:${port} (ECONNREFUSED)`,
    );
  });
});

/** Text that gzip cannot shrink much, so a layer's size follows its content. */
function randomText(n: number): string {
  return randomBytes(n).toString("base64").slice(0, n);
}
