import { strict as assert } from "assert";
import { Platform } from "@pulumi/docker-build";
import { defaultBaseImages } from "../../stacks/settings/defaults";
import { BUILD_PLATFORMS } from "../../stacks/settings/schema";
import { settingsErrorOf, settingsFor } from "../support/settings";

const build = {
  repository: "localhost:5001/moontv",
  context: { location: "https://github.com/MoonTechLab/LunaTV.git", gitRef: "main" },
};
const D = "sha256:" + "b".repeat(64);

// The schema is the image build's one validator: StagedImage and the Dockerfile's build args take their
// args as given.
describe("settings: moontv:image (the build)", () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "a repository without a registry host",
      { repository: "moontv/app" },
      /moontv:image\.repository .*got "moontv\/app"; allowed: a fully qualified repository without tag/,
    ],
    [
      "a repository with a tag",
      { repository: "registry.example.com/moontv/app:1.0" },
      /moontv:image\.repository .*allowed: a fully qualified repository without tag/,
    ],
    [
      "a repository with a digest",
      { repository: `registry.example.com/moontv/app@${D}` },
      /moontv:image\.repository .*allowed: a fully qualified repository without tag/,
    ],
    [
      "a repository in upper case",
      { repository: "ghcr.io/Acme/App" },
      /moontv:image\.repository .*got "ghcr.io\/Acme\/App"; allowed: a fully qualified repository/,
    ],
    ["no platform", { platforms: [] }, /moontv:image\.platforms .*got \[\]; allowed: at least one platform/],
    [
      "a platform docker-build does not know",
      { platforms: ["linux/x86"] },
      /moontv:image\.platforms\.0 .*got "linux\/x86"; allowed: one of linux\/amd64, linux\/arm64/,
    ],
    [
      "an ARM variant docker-build does not name",
      { platforms: ["linux/amd64", "linux/arm/v7"] },
      /moontv:image\.platforms\.1 .*got "linux\/arm\/v7"; allowed: one of linux\/amd64, linux\/arm64/,
    ],
    [
      "a repeated platform",
      { platforms: ["linux/arm64", "linux/arm64"] },
      /moontv:image\.platforms .*allowed: a list without duplicates/,
    ],
    [
      "a version that cannot be a tag",
      { version: "1.0.0+build.5" },
      /moontv:image\.version .*got "1.0.0\+build.5"; allowed: an image tag/,
    ],
    ["a version with a space", { version: "1 2" }, /moontv:image\.version .*got "1 2"; allowed: an image tag/],
    ["a git sha that is a branch", { gitSha: "main" }, /moontv:image\.gitSha .*got "main"; allowed: a git commit id/],
    [
      "a negative size budget",
      { sizeBudgetMiB: -1 },
      /moontv:image\.sizeBudgetMiB .*got -1; allowed: a size in MiB from 1 to 4096/,
    ],
    [
      "a size budget that is no number",
      { sizeBudgetMiB: Number.NaN },
      /moontv:image\.sizeBudgetMiB .*allowed: a size in MiB from 1 to 4096/,
    ],
    [
      "a size budget as text",
      { sizeBudgetMiB: "200" },
      /moontv:image\.sizeBudgetMiB .*got "200"; allowed: a size in MiB from 1 to 4096/,
    ],
    [
      "a Node version that is a name",
      { nodeVersion: "lts" },
      /moontv:image\.nodeVersion .*got "lts"; allowed: a version of a supported Node\.js LTS line the image builds on, 22 \(until 2027-04-30\) or 24 \(until 2028-04-30\)/,
    ],
    [
      "a pnpm version that is not exact",
      { pnpmVersion: "10" },
      /moontv:image\.pnpmVersion .*got "10"; allowed: an exact pnpm version/,
    ],
    [
      "a build base that is no image ref",
      { baseImages: { build: "Node:24 slim" } },
      /moontv:image\.baseImages\.build .*got "Node:24 slim"; allowed: an image reference/,
    ],
    [
      "a runtime base with credentials in it",
      { baseImages: { runtime: "user:pw@ghcr.io/x" } },
      /moontv:image\.baseImages\.runtime .*allowed: an image reference/,
    ],
    [
      "a source URL that is not http(s)",
      { sourceUrl: "git@github.com:x/y" },
      /moontv:image\.sourceUrl .*got "git@github.com:x\/y"; allowed: an http\(s\) URL/,
    ],
    ["an unknown target", { target: "builder" }, /moontv:image\.target .*got "builder"; allowed: runner .* or debug/],
    [
      "no push with several platforms",
      { push: false, platforms: ["linux/amd64", "linux/arm64"] },
      /moontv:image\.push .*got false; allowed: true in prod and with several platforms/,
    ],
  ];
  for (const [what, image, message] of bad) {
    it(`refuses ${what}, naming the key`, () =>
      assert.match(settingsErrorOf(() => settingsFor("dev", { image: { ...build, ...image } })).message, message));
  }

  // Every line past its end of life (December 2026), in each form a version takes, is refused before
  // anything is created, naming the key, that line's end of life and the lines the image builds on.
  const SUPPORTED = /22 \(until 2027-04-30\) or 24 \(until 2028-04-30\)/;
  const refused: [string | number, string][] = [
    ["18", "Node.js 18 reached end of life on 2025-04-30"],
    [18.2, "Node.js 18 reached end of life on 2025-04-30"],
    ["20", "Node.js 20 reached end of life on 2026-04-30"],
    [20, "Node.js 20 reached end of life on 2026-04-30"],
    ["20.19.5", "Node.js 20 reached end of life on 2026-04-30"],
    ["21", "Node.js 21 reached end of life on 2024-06-01"],
    ["23.11", "Node.js 23 reached end of life on 2025-06-01"],
    ["25", "Node.js 25 reached end of life on 2026-06-01"],
    ["16", "Node.js 16 is not a release line this program knows to be supported"],
    ["27", "Node.js 27 is not a release line this program knows to be supported"],
    ["26", "Node.js 26 (supported until 2029-04-30) ships no corepack, which the Dockerfile runs pnpm through"],
  ];
  for (const [nodeVersion, why] of refused) {
    it(`refuses nodeVersion ${JSON.stringify(nodeVersion)}: ${why}`, () => {
      for (const stack of ["dev", "prod"]) {
        const err = settingsErrorOf(() => settingsFor(stack, { image: { ...build, nodeVersion } }));
        assert.equal(err.key, "moontv:image.nodeVersion");
        assert.ok(err.message.includes(`got ${JSON.stringify(nodeVersion)}; allowed: `), err.message);
        assert.match(err.message, SUPPORTED);
        assert.ok(err.message.includes(why), err.message);
      }
    });
  }

  it("takes every form of a supported line's version, as text or as a YAML number", () => {
    for (const [given, taken] of [
      ["24", "24"],
      ["24.22", "24.22"],
      ["24.22.3", "24.22.3"],
      [24, "24"],
      ["22", "22"],
      [22.11, "22.11"],
    ] as const) {
      assert.equal(settingsFor("dev", { image: { ...build, nodeVersion: given } }).image.build!.nodeVersion, taken);
    }
  });

  it("refuses a source URL carrying credentials, without echoing them", () => {
    const err = settingsErrorOf(() =>
      settingsFor("dev", { image: { ...build, sourceUrl: "https://bot:ghp_s3cr3t@github.com/x/y" } }),
    );
    assert.equal(err.key, "moontv:image.sourceUrl");
    assert.match(
      err.message,
      /got "https:\/\/\[redacted\]@github.com\/x\/y"; allowed: an http\(s\) URL without credentials/,
    );
    assert.doesNotMatch(err.message, /s3cr3t|bot:/);
  });

  it("refuses a build in a stack whose name cannot be a tag (every build is tagged with it)", () => {
    const err = settingsErrorOf(() => settingsFor(".hidden", { environment: "dev", image: build }));
    assert.equal(err.key, "moontv:image.repository");
    assert.match(err.message, /a build only in a stack whose name can be an image tag .*"\.hidden" is none/);
    assert.doesNotThrow(() => settingsFor(".hidden", { environment: "dev" }), "a prebuilt image needs no stack tag");
  });

  it("offers only platforms docker-build names", () => {
    for (const p of BUILD_PLATFORMS) assert.ok((Object.values(Platform) as string[]).includes(p), p);
  });

  it("defaults the bases to the Node version's on Debian 13 (the runtime by major), and takes given ones as they are", () => {
    assert.deepEqual(settingsFor("dev", { image: build }).image.build!.baseImages, {
      build: "node:24-trixie-slim",
      runtime: "gcr.io/distroless/nodejs24-debian13",
    });
    assert.deepEqual(settingsFor("dev", { image: { ...build, nodeVersion: "24.22.3" } }).image.build!.baseImages, {
      build: "node:24.22.3-trixie-slim",
      runtime: "gcr.io/distroless/nodejs24-debian13",
    });
    assert.deepEqual(settingsFor("prod", { image: { ...build, nodeVersion: 22 } }).image.build!.baseImages, {
      build: "node:22-trixie-slim",
      runtime: "gcr.io/distroless/nodejs22-debian13",
    });
    const pinned = `docker.io/library/node@${D}`;
    assert.deepEqual(
      settingsFor("prod", { image: { ...build, baseImages: { build: pinned } } }).image.build!.baseImages,
      { build: pinned, runtime: "gcr.io/distroless/nodejs24-debian13" },
    );
    assert.deepEqual(defaultBaseImages("22.11.0"), {
      build: "node:22.11.0-trixie-slim",
      runtime: "gcr.io/distroless/nodejs22-debian13",
    });
  });

  it("defaults: target runner, pushed, not built on preview, Node 24, pnpm from packageManager, main the cache's main branch", () => {
    const b = settingsFor("dev", { image: build }).image.build!;
    assert.deepEqual(
      [b.target, b.push, b.buildOnPreview, b.nodeVersion, b.pnpmVersion, b.cache],
      ["runner", true, false, "24", undefined, { mainBranch: "main" }],
    );
    assert.deepEqual(
      settingsFor("prod", { image: { ...build, cache: { branch: "trunk", mainBranch: "trunk" } } }).image.build!.cache,
      { branch: "trunk", mainBranch: "trunk" },
    );
  });
});
