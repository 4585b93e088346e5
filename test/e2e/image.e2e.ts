/**
 * The staged image built for real: the dev stack builds test/fixtures/app with the project's Dockerfile
 * through the real docker-build provider on the local cluster's buildkitd, pushes to its TLS registry,
 * and deploys the pushed digest; the size budget is measured by the real dynamic resource; the registry
 * cache is proven on a wiped (fresh) builder.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { buildSteps } from "./support/build-log";
import { createImageStack, wipeBuilder, type ImageStack } from "./support/image-stack";
import { imageConfig, registryGet, tagDigest } from "./support/registry";

const NAMESPACE = "moontv-image-e2e";
const GIT_SHA = "0123456789abcdef0123456789abcdef01234567";
const VERSION = "0.1.0-e2e";

describe("the staged image built for real by BuildKit through docker-build (e2e)", function () {
  let stack: ImageStack;
  // A repository of its own per run: the registry keeps data across runs, and cold means no cache at all.
  const repo = `e2e/moontv-${Date.now().toString(36)}`;
  const times: Record<string, number> = {};
  const reg = () => stack.reg;
  const up = (...extra: string[]) => stack.up(...extra);
  const deployedImage = () => stack.deployedImage();

  before(async function () {
    stack = await createImageStack({
      name: "image",
      namespace: NAMESPACE,
      repo,
      image: { version: VERSION, gitSha: GIT_SHA },
    });
    // Cold: a builder with no local state, and a repository with no cache yet.
    wipeBuilder();
    const t0 = Date.now();
    const r = await up();
    times.cold = Date.now() - t0;
    fs.writeFileSync(path.join(stack.project, "up-cold.log"), r.output);
    if (r.code !== 0) throw new Error(`pulumi up exited ${r.code}:\n${r.output.slice(-8000)}`);
    const { steps, cached } = buildSteps(r.output);
    console.log(`      cold: ${cached.length}/${steps.length} steps from cache`);
  });

  after(async function () {
    if (stack) await stack.remove();
    console.log(
      `      build times: ${Object.entries(times)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(", ")}`,
    );
  });

  it("pushes every tag (version, sha-<7>, stack) and the app runs exactly the pushed repo@sha256", async () => {
    const digest = await tagDigest(reg().registry, repo, "dev");
    assert.ok(digest?.startsWith("sha256:"), "tag dev pushed");
    for (const tag of [VERSION, `sha-${GIT_SHA.slice(0, 7)}`])
      assert.equal(await tagDigest(reg().registry, repo, tag), digest, tag);
    const ref = `${reg().registry}/${repo}@${digest}`;
    assert.equal(deployedImage(), ref);
    assert.equal((await stack.outputs()).imageRef, ref);
  });

  it("the registry cache cache-amd64 (and main's) was exported, with every layer (mode max)", async () => {
    for (const tag of ["cache-amd64", "cache-amd64-main"]) {
      const r = await registryGet(reg().registry, `/v2/${repo}/manifests/${tag}`);
      assert.equal(r.status, 200, tag);
      const m = JSON.parse(r.body.toString()) as { layers?: unknown[]; config?: { mediaType: string } };
      assert.equal(m.config?.mediaType, "application/vnd.buildkit.cacheconfig.v0");
      // mode=max keeps the deps and builder stages' layers too, not only the runner's.
      assert.ok((m.layers ?? []).length > 8, `${tag} has ${m.layers?.length} layers`);
    }
  });

  it("the OCI labels and the size budget are in the pushed image's config", async () => {
    const { config } = await imageConfig(reg().registry, repo, "dev");
    assert.equal(config.Labels?.["org.opencontainers.image.revision"], GIT_SHA);
    assert.equal(config.Labels?.["org.opencontainers.image.version"], VERSION);
    assert.equal(config.Labels?.["org.opencontainers.image.source"], "https://github.com/example/moontv-fixture");
    assert.equal(config.Labels?.["dev.moontv.size-budget-mib"], "250");
  });

  it("the size check measured the pushed image in the registry (the real dynamic resource)", async () => {
    const state = await stack.stackState();
    const check = state.deployment.resources.find(
      (r: { type: string; urn: string }) =>
        r.type === "pulumi-nodejs:dynamic:Resource" && r.urn.endsWith("moontv-image-size"),
    );
    const size = check.outputs.sizes["linux/amd64"] as number;
    assert.ok(size > 5_000_000 && size < 250 * 2 ** 20, `measured ${size} bytes`);
  });

  it("a preview after a source-only change succeeds and shows the build to come", async () => {
    stack.touchSource(1);
    const r = await stack.preview("--diff");
    assert.match(r.output, /docker-build:index:Image/);
    assert.match(r.output, /~ .*update|update/i);
    // The pack reads the provider's checked inputs (every field filled in) and still sees the cache.
    assert.doesNotMatch(r.output, /build-registry-cache/);
  });

  it("a budget below the measured size fails pulumi up naming the budget and the size; the app keeps its image", async () => {
    const before = deployedImage();
    await stack.setConfig("moontv:image.sizeBudgetMiB", "1");
    const r = await up();
    assert.notEqual(r.code, 0);
    assert.match(
      r.output,
      /platform linux\/amd64 is \d+(\.\d)? MiB compressed, over the size budget of 1 MiB \(image\.sizeBudgetMiB\)/,
    );
    assert.equal(deployedImage(), before);
    await stack.setConfig("moontv:image.sizeBudgetMiB", "250");
  });

  it("registry cache, proven: on a wiped builder a source-only change takes the dependency install from the cache", async () => {
    wipeBuilder();
    stack.touchSource(2);
    const t0 = Date.now();
    const r = await up();
    times.sourceOnlyFreshBuilder = Date.now() - t0;
    fs.writeFileSync(path.join(stack.project, "up-source-only.log"), r.output);
    assert.equal(r.code, 0, r.output.slice(-6000));
    const { steps, cached } = buildSteps(r.output);
    console.log(`      source-only on a fresh builder: ${cached.length}/${steps.length} steps from cache`);
    const install = steps.filter((s) => /pnpm install/.test(s));
    assert.ok(install.length > 0, `no install step in the build output:\n${steps.join("\n")}`);
    for (const s of install) assert.ok(cached.includes(s), `not from cache: ${s}`);
    assert.notEqual(deployedImage().split("@")[1], undefined);
  });

  it("no change on a wiped builder: the rebuild (a forced replace) takes at least 95 % of its steps from the registry cache", async () => {
    wipeBuilder();
    const state = await stack.stackState();
    const urn = state.deployment.resources.find((r: { type: string }) => r.type === "docker-build:index:Image")
      .urn as string;
    const t0 = Date.now();
    const r = await up("--replace", urn);
    times.noChangeFreshBuilder = Date.now() - t0;
    fs.writeFileSync(path.join(stack.project, "up-no-change.log"), r.output);
    assert.equal(r.code, 0, r.output.slice(-6000));
    const { steps, cached } = buildSteps(r.output);
    console.log(`      no change on a fresh builder: ${cached.length}/${steps.length} steps from cache`);
    assert.ok(steps.length > 0);
    assert.ok(
      cached.length / steps.length >= 0.95,
      `only ${cached.length}/${steps.length} from cache; missed: ${steps.filter((x) => !cached.includes(x)).join(" | ")}`,
    );
    assert.match(deployedImage(), /@sha256:[a-f0-9]{64}$/);
  });

  it("pulumi destroy keeps the pushed manifests (another stack may run the same digest)", async () => {
    const digest = (await tagDigest(reg().registry, repo, "dev"))!;
    const destroyed = await stack.destroy();
    assert.equal(destroyed.code, 0, destroyed.output.slice(-4000));
    const r = await registryGet(reg().registry, `/v2/${repo}/manifests/${digest}`, "HEAD");
    assert.equal(r.status, 200);
  });
});
