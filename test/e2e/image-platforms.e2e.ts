/**
 * Two platforms for real: the dev stack builds test/fixtures/app for linux/amd64 and linux/arm64 (arm64
 * under QEMU user emulation, from arm64 stand-in bases), one docker-build Image per platform joined by a
 * docker-build Index per tag, and the app deploys the index's digest.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { clusterImageEnv, createImageStack, wipeBuilder, type ImageStack } from "./support/image-stack";
import { registryGet, registryJson, tagDigest } from "./support/registry";

const NAMESPACE = "moontv-platforms-e2e";
const PLATFORMS = ["linux/amd64", "linux/arm64"];
const GIT_SHA = "89abcdef0123456789abcdef0123456789abcdef";
const VERSION = "0.2.0-e2e";

interface IndexManifest {
  mediaType: string;
  manifests: Array<{ digest: string; platform?: { os: string; architecture: string } }>;
}

describe("the staged image for two platforms, joined by an index (e2e)", function () {
  let stack: ImageStack;
  let upOutput = "";
  let upSeconds = 0;
  const repo = `e2e/moontv-platforms-${Date.now().toString(36)}`;
  const registry = () => stack.reg.registry;

  before(async function () {
    const reg = clusterImageEnv();
    // QEMU works on this machine: a cluster without arm64 is a defect to see, not a reason to skip.
    if (!reg.platforms.includes("linux/arm64")) {
      throw new Error(
        `the cluster's builder and stand-in bases serve only ${reg.platforms.join(", ")}: ${reg.noArm64 ?? "linux/arm64 missing"}`,
      );
    }
    stack = await createImageStack({
      name: "platforms",
      namespace: NAMESPACE,
      repo,
      image: { platforms: PLATFORMS, version: VERSION, gitSha: GIT_SHA },
    });
    // Cold: an earlier suite (dev-node) built the same fixture for amd64 on this builder, and a step
    // taken from its cache prints nothing, so the pruning step's CPU line would be missing.
    wipeBuilder();
    const t0 = Date.now();
    const r = await stack.up();
    upSeconds = (Date.now() - t0) / 1000;
    upOutput = r.output;
    fs.writeFileSync(path.join(stack.project, "up-platforms.log"), r.output);
    if (r.code !== 0) throw new Error(`pulumi up exited ${r.code}:\n${r.output.slice(-8000)}`);
  });

  after(async function () {
    if (stack) await stack.remove();
    console.log(`      two-platform cold build (pulumi up): ${upSeconds.toFixed(1)} s`);
  });

  it("every tag (stack, version, sha-<7>) is one index listing linux/amd64 and linux/arm64, and the app runs the index digest", async () => {
    const digest = await tagDigest(registry(), repo, "dev");
    assert.ok(digest?.startsWith("sha256:"), "tag dev pushed");
    for (const tag of [VERSION, `sha-${GIT_SHA.slice(0, 7)}`])
      assert.equal(await tagDigest(registry(), repo, tag), digest, tag);
    const index = await registryJson<IndexManifest>(registry(), `/v2/${repo}/manifests/${digest}`);
    assert.ok(/index|manifest\.list/.test(index.mediaType), `the dev tag is a ${index.mediaType}, not an index`);
    const platforms = index.manifests
      .map((m) => `${m.platform?.os}/${m.platform?.architecture}`)
      .filter((p) => !p.endsWith("/unknown"));
    assert.deepEqual(platforms.sort(), PLATFORMS);
    const ref = `${registry()}/${repo}@${digest}`;
    assert.equal(stack.deployedImage(), ref);
    assert.equal((await stack.outputs()).imageRef, ref);
  });

  it("each platform's image is built for its CPU: its config says so, and its build ran on that CPU", async () => {
    const digest = (await tagDigest(registry(), repo, "dev"))!;
    const index = await registryJson<IndexManifest>(registry(), `/v2/${repo}/manifests/${digest}`);
    for (const want of ["amd64", "arm64"]) {
      const entry = index.manifests.find((m) => m.platform?.architecture === want)!;
      const manifest = await registryJson<{ config: { digest: string } }>(
        registry(),
        `/v2/${repo}/manifests/${entry.digest}`,
      );
      const config = await registryJson<{ architecture: string; os: string; config: { User?: string } }>(
        registry(),
        `/v2/${repo}/blobs/${manifest.config.digest}`,
      );
      assert.equal(config.architecture, want);
      assert.equal(config.os, "linux");
      assert.equal(config.config.User, "1001:1001");
    }
    // The pruning step prints the CPU its node runs on: arm64 means the arm64 base's node ran (under QEMU).
    for (const arch of ["x64", "arm64"])
      assert.match(
        upOutput,
        new RegExp(`pruned foreign binaries: \\d+ paths, \\d+ bytes \\(target linux/${arch}, glibc\\)`),
        arch,
      );
  });

  it("each platform exports its own registry cache (cache-amd64, cache-arm64)", async () => {
    for (const tag of ["cache-amd64", "cache-arm64"]) {
      const r = await registryGet(registry(), `/v2/${repo}/manifests/${tag}`, "HEAD");
      assert.equal(r.status, 200, tag);
    }
  });

  it("the size check measured both platforms in the registry", async () => {
    const state = await stack.stackState();
    const check = state.deployment.resources.find(
      (r: { type: string; urn: string }) =>
        r.type === "pulumi-nodejs:dynamic:Resource" && r.urn.endsWith("moontv-image-size"),
    );
    for (const p of PLATFORMS) {
      const size = check.outputs.sizes[p] as number;
      assert.ok(size > 5_000_000 && size < 250 * 2 ** 20, `${p}: measured ${size} bytes`);
    }
    assert.deepEqual(Object.keys(check.outputs.sizes).sort(), PLATFORMS);
  });
});
