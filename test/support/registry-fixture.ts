// Test fixtures for the registry client: a real registry on 127.0.0.1 (engine/image/local-registry.ts:
// distribution v3 once the engine is built, else Debian's docker-registry) and tiny OCI images built with
// umoci and pushed with skopeo.
import { execFileSync } from "node:child_process";
import { freePort, requireBinary } from "../../engine/cluster/host-tools";
import { startRegistry, type LocalRegistry } from "../../engine/image/local-registry";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Which executable each Debian package provides; a missing one fails the test naming the package. */
const TOOLS: Record<string, { bin: string; pkg: string }> = {
  registry: { bin: "docker-registry", pkg: "docker-registry" },
  skopeo: { bin: "skopeo", pkg: "skopeo" },
  umoci: { bin: "umoci", pkg: "umoci" },
  htpasswd: { bin: "htpasswd", pkg: "apache2-utils" },
};

/** The tool's program, or a clear error naming its Debian package. */
export function requireTool(tool: keyof typeof TOOLS): string {
  const { bin, pkg } = TOOLS[tool];
  return requireBinary(bin, pkg);
}

/** The registry the image tools use (engine/image/local-registry.ts), also behind basic auth. */
export { freePort, startRegistry };
export type RunningRegistry = LocalRegistry;

export function sha256(data: Buffer | string): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

function blobPath(layout: string, digest: string): string {
  return path.join(layout, "blobs", "sha256", digest.replace(/^sha256:/, ""));
}

/**
 * Makes `tag` in the OCI layout: an empty image from `umoci new`, its platform set with `umoci config`,
 * and one layer from a tarball of `files` (`umoci raw add-layer`).
 */
/** Host files copied into an image (image path → host path, mode kept) and the image's entrypoint. */
export interface RunnableParts {
  copies: Record<string, string>;
  entrypoint: string[];
}

export function buildOciImage(
  layout: string,
  tag: string,
  arch: string,
  files: Record<string, string>,
  runnable?: RunnableParts,
): void {
  const umoci = requireTool("umoci");
  if (!fs.existsSync(path.join(layout, "index.json"))) execFileSync(umoci, ["init", "--layout", layout]);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-layer-"));
  try {
    const root = path.join(work, "rootfs");
    fs.mkdirSync(root);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(root, name), content);
    for (const [at, from] of Object.entries(runnable?.copies ?? {})) {
      fs.mkdirSync(path.dirname(path.join(root, at)), { recursive: true });
      fs.copyFileSync(from, path.join(root, at));
      fs.chmodSync(path.join(root, at), fs.statSync(from).mode & 0o777);
    }
    const tar = path.join(work, "layer.tar");
    execFileSync("tar", ["-C", root, "-cf", tar, "."]);
    execFileSync(umoci, ["new", "--image", `${layout}:${tag}`]);
    execFileSync(umoci, [
      "config",
      "--image",
      `${layout}:${tag}`,
      "--os",
      "linux",
      "--architecture",
      arch,
      ...(runnable?.entrypoint.flatMap((e) => ["--config.entrypoint", e]) ?? []),
    ]);
    execFileSync(umoci, ["raw", "add-layer", "--image", `${layout}:${tag}`, tar]);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

interface LayoutIndex {
  manifests: {
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
    platform?: object;
  }[];
}

function readLayoutIndex(layout: string): LayoutIndex {
  return JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8")) as LayoutIndex;
}

function descriptorOf(layout: string, tag: string) {
  const d = readLayoutIndex(layout).manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag);
  if (!d) throw new Error(`no tag ${tag} in ${layout}`);
  return d;
}

/** Expected compressed size of a tagged image of the layout: config + layers, as in its manifest. */
export function layoutImageSize(layout: string, tag: string): number {
  const m = JSON.parse(fs.readFileSync(blobPath(layout, descriptorOf(layout, tag).digest), "utf8")) as {
    config: { size: number };
    layers: { size: number }[];
  };
  return m.config.size + m.layers.reduce((s, l) => s + l.size, 0);
}

/** Writes an OCI image index over the given tags (each with its platform) and tags it `indexTag`. */
export function addOciIndex(layout: string, indexTag: string, members: { tag: string; arch: string }[]): void {
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: members.map(({ tag, arch }) => {
      const d = descriptorOf(layout, tag);
      return { mediaType: d.mediaType, digest: d.digest, size: d.size, platform: { os: "linux", architecture: arch } };
    }),
  };
  const body = Buffer.from(JSON.stringify(index));
  const digest = sha256(body);
  fs.writeFileSync(blobPath(layout, digest), body);
  const top = readLayoutIndex(layout);
  top.manifests.push({
    mediaType: index.mediaType,
    digest,
    size: body.length,
    annotations: { "org.opencontainers.image.ref.name": indexTag },
  });
  fs.writeFileSync(path.join(layout, "index.json"), JSON.stringify(top));
}

/**
 * A two-platform image in the layout: tags `amd64` and `arm64` (one layer of the given files each)
 * and an OCI index over them tagged `multi`.
 */
export function buildMultiPlatformLayout(
  layout: string,
  files: { amd64: Record<string, string>; arm64: Record<string, string> },
): void {
  buildOciImage(layout, "amd64", "amd64", files.amd64);
  buildOciImage(layout, "arm64", "arm64", files.arm64);
  addOciIndex(layout, "multi", [
    { tag: "amd64", arch: "amd64" },
    { tag: "arm64", arch: "arm64" },
  ]);
}

/** `skopeo copy` of a layout tag to the registry (`--all` so that an index keeps every platform). */
export function pushOci(
  layout: string,
  tag: string,
  dest: string,
  creds?: { username: string; password: string },
): void {
  const args = ["copy", "--all", "--quiet", "--dest-tls-verify=false"];
  if (creds) args.push("--dest-creds", `${creds.username}:${creds.password}`);
  args.push(`oci:${layout}:${tag}`, `docker://${dest}`);
  execFileSync(requireTool("skopeo"), args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** Uploads one blob over the v2 API (monolithic POST then PUT). */
export async function putBlob(host: string, repo: string, body: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(body);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get("location") ?? "", `http://${host}`);
  location.searchParams.set("digest", digest);
  const put = await fetch(location, { method: "PUT", body, headers: { "Content-Type": "application/octet-stream" } });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
  return { digest, size: body.length };
}

export async function putManifest(
  host: string,
  repo: string,
  tag: string,
  mediaType: string,
  doc: object,
): Promise<string> {
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, ...doc }));
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    body,
    headers: { "Content-Type": mediaType },
  });
  if (res.status !== 201) throw new Error(`manifest PUT: HTTP ${res.status} ${await res.text()}`);
  return sha256(body);
}
