import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { stagedImageArgs } from "../../../components/platform/image";
import { settingsFor } from "../../support/settings";

const build = {
  repository: "localhost:5001/moontv",
  context: { location: "https://github.com/MoonTechLab/LunaTV.git", gitRef: "v1.2.3" },
};

describe("platform: image build args from the settings", () => {
  it("maps the build settings onto StagedImage, tagging the stack and pinning bases as the stack says", () => {
    const s = settingsFor("prod", {
      image: { ...build, version: "1.2.3", gitSha: "0a1b2c3d", sourceUrl: "https://github.com/MoonTechLab/LunaTV" },
    });
    const args = stagedImageArgs(s.image.build!, "prod", s.pinImageDigests, "FROM scratch\n");
    assert.equal(args.repository, "localhost:5001/moontv");
    assert.deepEqual(args.platforms, ["linux/amd64", "linux/arm64"]);
    assert.deepEqual(args.tags, { version: "1.2.3", gitSha: "0a1b2c3d", stack: "prod", latest: false });
    assert.deepEqual(args.baseImages, {
      build: "node:24-trixie-slim",
      runtime: "gcr.io/distroless/nodejs24-debian13",
      pin: true,
    });
    assert.equal(args.sizeBudgetMiB, 200);
    assert.deepEqual(args.scan, { mode: "enforce", failOn: ["CRITICAL"], ignoreUnfixed: false, allow: [], db: {} });
    assert.equal(args.dockerfile, "FROM scratch\n");
    assert.deepEqual(args.buildArgs, {
      NODE_VERSION: "24",
      BUILD_BASE_IMAGE: "node:24-trixie-slim",
      RUNTIME_BASE_IMAGE: "gcr.io/distroless/nodejs24-debian13",
      SOURCE_URL: "https://github.com/MoonTechLab/LunaTV",
      REVISION: "0a1b2c3d",
      VERSION: "1.2.3",
    });
    assert.equal(
      stagedImageArgs(settingsFor("dev", { image: build }).image.build!, "dev", false, "").baseImages.pin,
      false,
    );
  });

  it("builds on the bases the settings chose, from nodeVersion unless baseImages are set", () => {
    const exact = stagedImageArgs(
      settingsFor("dev", { image: { ...build, nodeVersion: "24.22.3" } }).image.build!,
      "dev",
      false,
      "",
    );
    assert.equal(exact.baseImages.build, "node:24.22.3-trixie-slim");
    assert.equal(exact.buildArgs.BUILD_BASE_IMAGE, "node:24.22.3-trixie-slim");
    assert.equal(exact.buildArgs.NODE_VERSION, "24.22.3");
    const mirror = stagedImageArgs(
      settingsFor("dev", {
        image: { ...build, baseImages: { runtime: "mirror.example.com/distroless/nodejs24-debian13:nonroot" } },
      }).image.build!,
      "dev",
      false,
      "",
    );
    assert.equal(mirror.baseImages.runtime, "mirror.example.com/distroless/nodejs24-debian13:nonroot");
    assert.equal(mirror.buildArgs.RUNTIME_BASE_IMAGE, "mirror.example.com/distroless/nodejs24-debian13:nonroot");
  });

  it("hands the settings' build defaults on: runner, pushed, not built on preview, main's cache, every stack's budget", () => {
    const args = stagedImageArgs(settingsFor("dev", { image: build }).image.build!, "dev", false, "");
    assert.deepEqual(
      [args.target, args.platforms, args.push, args.buildOnPreview, args.cache, args.sizeBudgetMiB],
      ["runner", ["linux/amd64"], true, false, { mainBranch: "main" }, 250],
    );
  });

  it("passes the builder setting through, and none when it is not set", () => {
    assert.equal(
      stagedImageArgs(settingsFor("dev", { image: { ...build, builder: "moontv" } }).image.build!, "dev", false, "")
        .builder,
      "moontv",
    );
    assert.equal(
      stagedImageArgs(settingsFor("dev", { image: build }).image.build!, "dev", false, "").builder,
      undefined,
    );
  });

  it("pulls the bases through the stack's registry mirrors", () => {
    const s = settingsFor("dev", {
      image: build,
      registryMirrors: { "docker.io": "m.example.com/hub", "gcr.io": "m.example.com/gcr" },
    });
    const args = stagedImageArgs(s.image.build!, "dev", false, "", s.registryMirrors);
    assert.equal(args.buildArgs.BUILD_BASE_IMAGE, "m.example.com/hub/library/node:24-trixie-slim");
    assert.equal(args.buildArgs.RUNTIME_BASE_IMAGE, "m.example.com/gcr/distroless/nodejs24-debian13");
    assert.deepEqual(args.baseImages, {
      build: "m.example.com/hub/library/node:24-trixie-slim",
      runtime: "m.example.com/gcr/distroless/nodejs24-debian13",
      pin: false,
    });
  });

  it("passes registry credentials as a Pulumi secret, never as a build arg", async () => {
    const s = settingsFor(
      "dev",
      { image: { ...build, registry: { username: "bot", password: "registry-token-9" } } },
      { secretKeys: ["image"] },
    );
    const args = stagedImageArgs(s.image.build!, "dev", false, "");
    assert.ok(!JSON.stringify(args.buildArgs).includes("registry-token-9"));
    assert.equal(await pulumi.isSecret(pulumi.output(args.registry!.password)), true);
  });
});
