// Pure builders of the image build: tags, caches, platforms, budgets, base pins, the build plan. Their
// inputs are checked by the settings (test/stacks/image-settings.spec.ts), not here.
import { strict as assert } from "node:assert";
import { isDigestPinned, withDigest } from "../../../components/shared/pinned-image";

import {
  assertNoSecretBuildArgs,
  buildLabels,
  cacheArgs,
  cacheRefs,
  checkSizeBudget,
  contextLocation,
  digestRef,
  formatMiB,
  imageTags,
  planImageBuild,
  platformSlug,
} from "../../../components/image";
import { SIZE_BUDGET_LABEL } from "../../../lib/size-budget-contract";
import { stagedImageArgsFor } from "../../support/platform-args";

const REPO = "registry.example.com/moontv/app";
const D = "sha256:" + "b".repeat(64);
const MiB = 1024 * 1024;

describe("image tags", () => {
  it("version, sha-<7>, stack, all fully qualified, primary first", () => {
    assert.deepEqual(
      imageTags(REPO, { version: "1.4.2", gitSha: "0A1B2C3D4E5F60718293", stack: "prod", latest: false }),
      [
        { kind: "version", tag: "1.4.2", ref: `${REPO}:1.4.2` },
        { kind: "sha", tag: "sha-0a1b2c3", ref: `${REPO}:sha-0a1b2c3` },
        { kind: "stack", tag: "prod", ref: `${REPO}:prod` },
      ],
    );
  });
  it("never only latest: the stack tag is always there, latest only on request and last", () => {
    assert.deepEqual(
      imageTags(REPO, { stack: "dev", latest: true }).map((t) => t.tag),
      ["dev", "latest"],
    );
    assert.deepEqual(
      imageTags(REPO, { stack: "dev", latest: false }).map((t) => t.tag),
      ["dev"],
    );
  });
  it("drops a duplicate (version equal to the stack)", () => {
    assert.deepEqual(
      imageTags(REPO, { version: "dev", stack: "dev", latest: false }).map((t) => t.kind),
      ["version"],
    );
  });
});

describe("platforms", () => {
  it("slugs", () => {
    assert.equal(platformSlug("linux/amd64"), "amd64");
    assert.equal(platformSlug("linux/arm/v7"), "arm-v7");
    assert.equal(platformSlug("windows/amd64"), "windows-amd64");
  });
});

describe("registry cache", () => {
  it("each platform reads its own cache then main's, and writes its own", () => {
    assert.deepEqual(cacheRefs(REPO, "linux/arm64", { branch: "feature/x", mainBranch: "main" }), {
      from: [`${REPO}:cache-arm64`, `${REPO}:cache-arm64-main`],
      to: [`${REPO}:cache-arm64`],
    });
  });
  it("main-branch builds also write the main cache; its repository can differ", () => {
    assert.deepEqual(
      cacheRefs(REPO, "linux/amd64", { branch: "trunk", mainBranch: "trunk", mainRepository: "ghcr.io/acme/moontv" }),
      {
        from: [`${REPO}:cache-amd64`, "ghcr.io/acme/moontv:cache-amd64-main"],
        to: [`${REPO}:cache-amd64`, "ghcr.io/acme/moontv:cache-amd64-main"],
      },
    );
    assert.deepEqual(
      cacheRefs(REPO, "linux/amd64", { mainBranch: "main" }).to,
      [`${REPO}:cache-amd64`],
      "unknown branch: read main only",
    );
  });
  it("as docker-build args: registry caches, mode max, image-manifest form", () => {
    const args = cacheArgs(cacheRefs(REPO, "linux/amd64", { branch: "main", mainBranch: "main" }));
    assert.deepEqual(args.cacheFrom, [
      { registry: { ref: `${REPO}:cache-amd64` } },
      { registry: { ref: `${REPO}:cache-amd64-main` } },
    ]);
    for (const to of args.cacheTo) {
      const reg = to.registry as { mode: string; imageManifest: boolean; ociMediaTypes: boolean };
      assert.equal(reg.mode, "max");
      assert.equal(reg.imageManifest, true);
      assert.equal(reg.ociMediaTypes, true);
    }
  });
});

describe("size budget", () => {
  it("reports each platform over budget with platform, size in MiB (1 decimal) and budget", () => {
    const v = checkSizeBudget({ "linux/arm64": 212.34 * MiB, "linux/amd64": 150 * MiB }, 200);
    assert.equal(v.length, 1);
    assert.deepEqual(
      { platform: v[0].platform, budgetMiB: v[0].budgetMiB },
      { platform: "linux/arm64", budgetMiB: 200 },
    );
    assert.equal(
      v[0].message,
      "platform linux/arm64 is 212.3 MiB compressed, over the size budget of 200 MiB (image.sizeBudgetMiB)",
    );
  });
  it("is inclusive at the budget, sorted by platform, and empty without a budget", () => {
    assert.deepEqual(checkSizeBudget({ "linux/amd64": 200 * MiB }, 200), []);
    assert.deepEqual(
      checkSizeBudget({ "linux/amd64": 200 * MiB + 1 }, 200).map((v) => v.platform),
      ["linux/amd64"],
    );
    assert.deepEqual(
      checkSizeBudget({ "linux/b": 3 * MiB, "linux/a": 3 * MiB }, 1).map((v) => v.platform),
      ["linux/a", "linux/b"],
    );
    assert.deepEqual(checkSizeBudget({ "linux/amd64": 10 ** 12 }, undefined), []);
  });
  it("formats MiB with one decimal", () => {
    assert.equal(formatMiB(1.25 * MiB), "1.3");
    assert.equal(formatMiB(0), "0.0");
  });
});

describe("base image pins", () => {
  it("pinned refs keep the tag and carry the digest", () => {
    assert.equal(withDigest("node:24-trixie-slim", D), `node:24-trixie-slim@${D}`);
    assert.equal(withDigest(`node:24@${D}`, D), `node:24@${D}`);
    assert.ok(isDigestPinned(withDigest("node:24-trixie-slim", D)));
    assert.ok(!isDigestPinned("node:24-trixie-slim"));
    assert.throws(() => withDigest("node:24", "sha256:abc"), /not sha256:<64 hex digits>/);
  });
});

describe("build plan", () => {
  const build = {
    repository: REPO,
    context: { location: "./app" },
    platforms: ["linux/amd64"],
    version: "1.0.0",
    gitSha: "abcdef1234",
  };
  const base = stagedImageArgsFor(build);

  it("one platform: one image with every tag, no index, runner by default", () => {
    const plan = planImageBuild(base);
    assert.equal(plan.multiPlatform, false);
    assert.equal(plan.target, "runner");
    assert.equal(plan.registryAddress, "registry.example.com");
    assert.deepEqual(
      plan.images.map((i) => i.tags),
      [[`${REPO}:1.0.0`, `${REPO}:sha-abcdef1`, `${REPO}:prod`]],
    );
  });
  it("two platforms: per-platform suffixed tags, the plain tags go to the index", () => {
    const plan = planImageBuild(stagedImageArgsFor({ ...build, platforms: ["linux/amd64", "linux/arm64"] }));
    assert.equal(plan.multiPlatform, true);
    assert.deepEqual(
      plan.images.map((i) => [i.platform, i.tags]),
      [
        ["linux/amd64", [`${REPO}:1.0.0-amd64`]],
        ["linux/arm64", [`${REPO}:1.0.0-arm64`]],
      ],
    );
    assert.deepEqual(
      plan.tags.map((t) => t.ref),
      [`${REPO}:1.0.0`, `${REPO}:sha-abcdef1`, `${REPO}:prod`],
    );
  });
  it("labels: caller's, revision, version and the size budget label", () => {
    assert.deepEqual(buildLabels({ tags: base.tags, sizeBudgetMiB: 180, labels: { team: "tv" } }), {
      team: "tv",
      "org.opencontainers.image.revision": "abcdef1234",
      "org.opencontainers.image.version": "1.0.0",
      [SIZE_BUDGET_LABEL]: "180",
    });
    assert.ok(!(SIZE_BUDGET_LABEL in buildLabels({ tags: { stack: "dev", latest: false } })));
  });
  it("git contexts get #ref:subdir, directories are their path", () => {
    assert.equal(
      contextLocation({ kind: "git", url: "https://github.com/MoonTechLab/LunaTV.git", gitRef: "v1.2.0" }),
      "https://github.com/MoonTechLab/LunaTV.git#v1.2.0",
    );
    assert.equal(
      contextLocation({ kind: "git", url: "git@github.com:a/b.git", gitRef: "main", subdirectory: "web" }),
      "git@github.com:a/b.git#main:web",
    );
    assert.equal(contextLocation({ kind: "git", url: "https://github.com/a/b.git" }), "https://github.com/a/b.git");
    assert.equal(contextLocation({ kind: "directory", path: "../moontv" }), "../moontv");
  });
  it("refuses build args named like secrets", () => {
    assert.doesNotThrow(() => assertNoSecretBuildArgs(["BUILD_BASE_IMAGE", "PNPM_VERSION", "REVISION"]));
    assert.throws(
      () => assertNoSecretBuildArgs(["NPM_TOKEN", "REGISTRY_PASSWORD"]),
      /image.buildArgs "NPM_TOKEN", "REGISTRY_PASSWORD" look like secrets/,
    );
  });
  it("digest refs from a digest or from tag@digest", () => {
    assert.equal(digestRef(REPO, D), `${REPO}@${D}`);
    assert.equal(digestRef(REPO, `${REPO}:1.0.0@${D}`), `${REPO}@${D}`);
    assert.throws(
      () => digestRef(REPO, ""),
      /no sha256 digest in "" for registry.example.com\/moontv\/app: was the image pushed\?/,
    );
  });
});
