// Pure parts of the registry client, and the Bearer-token flow against a tiny local HTTP server.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";

import {
  ACCEPT_MANIFESTS,
  formatImageRef,
  inspectImage,
  measureImageSizes,
  parseAuthChallenge,
  parseImageRef,
  RegistryError,
  registryBaseUrl,
  tokenUrl,
} from "../../../../components/image/registry";
import { requireBinary } from "../../../../engine/cluster/host-tools";
import { requireTool } from "../../../support/registry-fixture";

const DIGEST = "sha256:" + "a".repeat(64);

describe("parseImageRef", () => {
  it("parses host:port/repo:tag", () => {
    assert.deepEqual(parseImageRef("127.0.0.1:5000/moontv/app:1.2.3"), {
      registry: "127.0.0.1:5000",
      repository: "moontv/app",
      tag: "1.2.3",
      reference: "1.2.3",
    });
  });
  it("parses repo@sha256 (digest wins; Docker Hub and library/ added)", () => {
    assert.deepEqual(parseImageRef(`node@${DIGEST}`), {
      registry: "docker.io",
      repository: "library/node",
      digest: DIGEST,
      tag: undefined,
      reference: DIGEST,
    });
    const both = parseImageRef(`ghcr.io/a/b:1.0@${DIGEST}`);
    assert.equal(both.reference, DIGEST);
    assert.equal(both.tag, "1.0");
  });
  it("defaults the tag to latest, keeps gcr.io paths, knows localhost", () => {
    assert.equal(parseImageRef("gcr.io/distroless/nodejs24-debian13").reference, "latest");
    assert.equal(parseImageRef("gcr.io/distroless/nodejs24-debian13").repository, "distroless/nodejs24-debian13");
    assert.equal(parseImageRef("localhost/app:x").registry, "localhost");
    assert.equal(parseImageRef("moontv/app:x").registry, "docker.io");
    assert.equal(parseImageRef("moontv/app:x").repository, "moontv/app");
  });
  it("rejects bad refs with a RegistryError naming the ref and the fault", () => {
    assert.throws(
      () => parseImageRef("Moontv/App:1"),
      (e: Error) => e instanceof RegistryError && /"Moontv\/App:1".*lower-case/.test(e.message),
    );
    assert.throws(() => parseImageRef("app@sha256:xyz"), /digest "sha256:xyz" is not sha256:<64 hex digits>/);
    assert.throws(() => parseImageRef("app:bad+tag"), /tag "bad\+tag" is not a valid tag/);
    assert.throws(() => parseImageRef(""), /invalid image reference/);
  });
  it("formats refs for messages", () => {
    assert.equal(formatImageRef(parseImageRef("127.0.0.1:5000/a:b")), "127.0.0.1:5000/a:b");
    assert.equal(formatImageRef(parseImageRef(`a@${DIGEST}`)), `docker.io/library/a@${DIGEST}`);
  });
});

describe("registryBaseUrl", () => {
  it("uses http for loopback registries and https elsewhere, with an override", () => {
    assert.equal(registryBaseUrl("127.0.0.1:5000"), "http://127.0.0.1:5000");
    assert.equal(registryBaseUrl("localhost:5000"), "http://localhost:5000");
    assert.equal(registryBaseUrl("ghcr.io"), "https://ghcr.io");
    assert.equal(registryBaseUrl("docker.io"), "https://registry-1.docker.io");
    assert.equal(registryBaseUrl("registry.lan:5000", "http"), "http://registry.lan:5000");
    assert.equal(registryBaseUrl("127.0.0.1:5000", "https"), "https://127.0.0.1:5000");
  });
});

describe("auth challenges", () => {
  it("parses a Bearer challenge and builds the token URL with service and scope", () => {
    const c = parseAuthChallenge(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
    );
    assert.deepEqual(c, {
      scheme: "bearer",
      params: {
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:library/node:pull",
      },
    });
    assert.equal(
      tokenUrl(c!, "ignored"),
      "https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fnode%3Apull",
    );
  });
  it("asks for pull scope on the repository when the challenge names none", () => {
    const c = parseAuthChallenge('Bearer realm="http://127.0.0.1:1/t",service="reg"')!;
    assert.equal(new URL(tokenUrl(c, "moontv/app")).searchParams.get("scope"), "repository:moontv/app:pull");
  });
  it("parses Basic and missing headers", () => {
    assert.deepEqual(parseAuthChallenge('Basic realm="moontv-test"'), {
      scheme: "basic",
      params: { realm: "moontv-test" },
    });
    assert.equal(parseAuthChallenge(undefined), undefined);
  });
  it("accepts every manifest media type", () => {
    for (const t of [
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.distribution.manifest.v2+json",
    ]) {
      assert.ok(ACCEPT_MANIFESTS.includes(t), t);
    }
  });
});

/**
 * A registry that speaks just enough of the v2 API behind a Bearer challenge: the token endpoint wants
 * Basic credentials, the manifest and blob endpoints want the token it issued.
 */
describe("Bearer-token flow (local HTTP server)", () => {
  const USER = "robot";
  const PASSWORD = "t0ken-secret";
  const TOKEN = "issued-token-123";
  let server: http.Server;
  let host: string;
  const requests: { url: string; authorization?: string; accept?: string }[] = [];

  const config = Buffer.from(JSON.stringify({ os: "linux", architecture: "arm64", variant: "v8" }));
  const configDigest = "sha256:" + createHash("sha256").update(config).digest("hex");
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: { mediaType: "application/vnd.docker.container.image.v1+json", digest: configDigest, size: config.length },
    layers: [
      { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: DIGEST, size: 1000 },
      { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: DIGEST, size: 2345 },
    ],
  });

  before(async () => {
    server = http.createServer((req, res) => {
      requests.push({ url: req.url ?? "", authorization: req.headers.authorization, accept: req.headers.accept });
      const url = new URL(req.url ?? "/", "http://x");
      if (url.pathname === "/token") {
        const expected = "Basic " + Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
        if (req.headers.authorization !== expected) {
          res.writeHead(401).end();
          return;
        }
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token: TOKEN }));
        return;
      }
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res
          .writeHead(401, {
            "WWW-Authenticate": `Bearer realm="http://${host}/token",service="test-registry",scope="repository:moontv/app:pull"`,
            "Content-Type": "application/json",
          })
          .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      if (url.pathname === "/v2/moontv/app/manifests/1.0.0") {
        res
          .writeHead(200, {
            "Content-Type": "application/vnd.docker.distribution.manifest.v2+json",
            "Docker-Content-Digest": DIGEST,
          })
          .end(manifest);
        return;
      }
      if (url.pathname === `/v2/moontv/app/blobs/${configDigest}`) {
        res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(config);
        return;
      }
      res.writeHead(404, { "Content-Type": "application/json" }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (requests.length = 0));

  it("fetches a token from the realm with service, scope and Basic credentials, then reads the image", async () => {
    const sizes = await measureImageSizes(`${host}/moontv/app:1.0.0`, {
      credentials: { username: USER, password: PASSWORD },
    });
    assert.deepEqual(sizes, { "linux/arm64/v8": config.length + 1000 + 2345 });
    const tokenReq = requests.find((r) => r.url.startsWith("/token"));
    assert.ok(tokenReq, "the token endpoint was called");
    const q = new URL(tokenReq.url, "http://x").searchParams;
    assert.equal(q.get("service"), "test-registry");
    assert.equal(q.get("scope"), "repository:moontv/app:pull");
    const manifestReqs = requests.filter((r) => r.url.includes("/manifests/"));
    assert.equal(manifestReqs[0].authorization, undefined, "first try is anonymous");
    assert.equal(manifestReqs[manifestReqs.length - 1].authorization, `Bearer ${TOKEN}`);
    assert.equal(manifestReqs[0].accept, ACCEPT_MANIFESTS);
  });

  it("a token endpoint that refuses the credentials is an auth-refused RegistryError naming the realm", async () => {
    await assert.rejects(
      inspectImage(`${host}/moontv/app:1.0.0`, { credentials: { username: USER, password: "wrong" } }),
      (e: RegistryError) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, "auth-refused");
        assert.equal(
          e.message,
          `cannot read image ${host}/moontv/app:1.0.0 from registry ${host}: ` +
            `token service http://${host}/token refused the credentials of user "robot" (HTTP 401)`,
        );
        return true;
      },
    );
  });

  it("a 404 behind the token names the tag", async () => {
    await assert.rejects(
      inspectImage(`${host}/moontv/app:2.0.0`, { credentials: { username: USER, password: PASSWORD } }),
      /tag "2.0.0" not found in moontv\/app \(HTTP 404 MANIFEST_UNKNOWN\)/,
    );
  });
});

describe("integration tools", () => {
  it("a missing tool fails loudly naming the Debian package", () => {
    assert.throws(
      () => requireBinary("moontv-no-such-tool", "moontv-tools"),
      /^Error: moontv-no-such-tool is not installed: apt-get install moontv-tools \(\.ci\/run installs it from \.ci\/apt-packages\.txt\)$/,
    );
  });

  it("finds a program outside PATH in the sbin/bin directories, and each fixture tool by its package's program", () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      assert.equal(requireBinary("sh", "dash"), "/usr/bin/sh");
      assert.equal(requireTool("registry"), "/usr/bin/docker-registry");
    } finally {
      process.env.PATH = saved;
    }
  });
});
