// StagedImage under Pulumi's mock runtime: which docker-build resources it registers, with what.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";

import { StagedImage, StagedImageArgs } from "../../../components/image";
import { setDigestResolver } from "../../../components/shared/pinned-image";
import { setCommitResolver, simulatedCommit } from "../../../components/image/git-source";
import { stagedImageArgsFor } from "../../support/platform-args";
import { deployedImage } from "../../../components/platform/image";
import { settingsFor } from "../../support/settings";

const REPO = "registry.example.com/moontv/app";
const PASSWORD = "s3cr3t-registry-password";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];
const invokes: { token: string; args: Record<string, unknown> }[] = [];
/** Refs whose digest the program asked for (through the resolver installed with the mocks). */
const lookups: string[] = [];

const fakeDigest = (seed: string) => "sha256:" + createHash("sha256").update(seed).digest("hex");
const isSecretWrapper = (v: unknown): v is { value: unknown } =>
  typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] !== undefined;
const unwrap = (v: unknown): unknown => (isSecretWrapper(v) ? v.value : v);

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type === "docker-build:index:Image") {
      const digest = fakeDigest(args.name);
      const tags = unwrap(args.inputs.tags) as string[];
      Object.assign(state, { digest, ref: `${tags[0]}@${digest}` });
    } else if (args.type === "docker-build:index:Index") {
      Object.assign(state, { ref: `${unwrap(args.inputs.tag) as string}@${fakeDigest("index")}` });
    } else if (args.type === "pulumi-nodejs:dynamic:Resource") {
      Object.assign(state, { sizes: { "linux/amd64": 50_000_000, "linux/arm64": 51_000_000 } });
    }
    return { id: `${args.name}-id`, state };
  },
  call(args) {
    invokes.push({ token: args.token, args: args.inputs });
    return {};
  },
};

// The mock API does not pass dependsOn to newResource: read it from the register request itself.
const dependencies = new Map<string, string[]>();
const retained = new Map<string, boolean>();

/** Counts the digest lookups from now on (a new resolver forgets the refs already resolved). */
function countLookups(): void {
  lookups.length = 0;
  setDigestResolver(async (ref) => {
    lookups.push(ref);
    return fakeDigest(ref);
  });
}

/** Installs the mocks (in `before`, so that other spec files' mocks cannot replace them first). */
function installMocks(): void {
  pulumi.runtime.setMocks(mocks, "moontv", "prod", false);
  countLookups();
  setCommitResolver(async (url, ref) => simulatedCommit(url, ref));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const monitor = require("@pulumi/pulumi/runtime/settings").getMonitor() as {
    registerResource(
      req: { getName(): string; getDependenciesList(): string[]; getRetainondelete(): boolean | undefined },
      cb: unknown,
    ): unknown;
  };
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    dependencies.set(req.getName(), req.getDependenciesList());
    retained.set(req.getName(), req.getRetainondelete() === true);
    return registerResource(req, cb);
  };
}

function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

/** A prod build of one platform, built on preview too, through the platform (prod pins the bases). */
const BUILD = {
  repository: REPO,
  context: { location: "https://github.com/MoonTechLab/LunaTV.git", gitRef: "v1.0.0" },
  platforms: ["linux/amd64"],
  version: "1.0.0",
  gitSha: "0123456789abcdef",
  pnpmVersion: "10.14.0",
  registry: { username: "ci-bot", password: PASSWORD },
  sizeBudgetMiB: 200,
  buildOnPreview: true,
};
const baseArgs = (image: Record<string, unknown> = {}, stack = "prod"): StagedImageArgs =>
  stagedImageArgsFor({ ...BUILD, ...image }, stack);
const pinned = (ref: string) => `${ref}@${fakeDigest(ref)}`;

/** Builds a StagedImage with a unique name and returns what it registered. */
async function build(name: string, args: StagedImageArgs) {
  const img = new StagedImage(name, args);
  const [ref, sizes] = await Promise.all([settle(img.ref), settle(img.sizes)]);
  // Give the dynamic resource's registration time to reach the mock after its inputs settle.
  await new Promise((r) => setTimeout(r, 50));
  const mine = registered.filter((r) => r.name.startsWith(`${name}-`) || r.name === name);
  return {
    img,
    ref,
    sizes,
    images: mine.filter((r) => r.type === "docker-build:index:Image"),
    indexes: mine.filter((r) => r.type === "docker-build:index:Index"),
    dynamic: mine.filter(
      (r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.inputs.kind === "moontv:image:SizeBudgetCheck",
    ),
    gates: mine.filter(
      (r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.inputs.kind === "moontv:image:VulnerabilityGate",
    ),
    component: mine.find((r) => r.type === "moontv:image:StagedImage"),
  };
}

describe("StagedImage (mocks)", function () {
  this.timeout(30_000);
  before(installMocks);
  after(() => (setDigestResolver(), setCommitResolver()));

  describe("two platforms (prod)", () => {
    let r: Awaited<ReturnType<typeof build>>;
    before(async () => {
      r = await build("multi", baseArgs({ platforms: ["linux/amd64", "linux/arm64"], cache: { branch: "main" } }));
    });

    it("registers the component with its type token", () => {
      assert.ok(r.component, "moontv:image:StagedImage registered");
    });

    it("one docker-build Image per platform, each for one platform, target runner, inline Dockerfile, git context", () => {
      assert.deepEqual(
        r.images.map((i) => i.name),
        ["multi-amd64", "multi-arm64"],
      );
      for (const [i, platform] of [
        [r.images[0], "linux/amd64"],
        [r.images[1], "linux/arm64"],
      ] as const) {
        assert.deepEqual(i.inputs.platforms, [platform]);
        assert.equal(i.inputs.target, "runner");
        assert.deepEqual(i.inputs.dockerfile, { inline: "FROM scratch AS runner\n" });
        // The tag as the commit it names when the program runs (git-source.ts).
        const url = "https://github.com/MoonTechLab/LunaTV.git";
        assert.deepEqual(i.inputs.context, { location: `${url}#${simulatedCommit(url, "v1.0.0")}` });
        assert.equal(i.inputs.push, true);
        assert.equal(i.inputs.buildOnPreview, true);
      }
    });

    it("each platform has its own registry cache in mode max and reads main's", () => {
      const arm = r.images[1].inputs;
      assert.deepEqual(arm.cacheFrom, [
        { registry: { ref: `${REPO}:cache-arm64` } },
        { registry: { ref: `${REPO}:cache-arm64-main` } },
      ]);
      assert.deepEqual(arm.cacheTo, [
        { registry: { ref: `${REPO}:cache-arm64`, mode: "max", imageManifest: true, ociMediaTypes: true } },
        { registry: { ref: `${REPO}:cache-arm64-main`, mode: "max", imageManifest: true, ociMediaTypes: true } },
      ]);
      assert.equal(
        (r.images[0].inputs.cacheTo as { registry: { ref: string } }[])[0].registry.ref,
        `${REPO}:cache-amd64`,
      );
    });

    it("platform images carry suffixed tags; an Index per tag joins them, fully qualified", () => {
      assert.deepEqual(
        r.images.map((i) => i.inputs.tags),
        [[`${REPO}:1.0.0-amd64`], [`${REPO}:1.0.0-arm64`]],
      );
      assert.deepEqual(
        r.indexes.map((i) => i.inputs.tag),
        [`${REPO}:1.0.0`, `${REPO}:sha-0123456`, `${REPO}:prod`],
      );
      for (const idx of r.indexes) {
        assert.deepEqual(idx.inputs.sources, [
          `${REPO}:1.0.0-amd64@${fakeDigest("multi-amd64")}`,
          `${REPO}:1.0.0-arm64@${fakeDigest("multi-arm64")}`,
        ]);
      }
      assert.deepEqual(r.img.tags, [`${REPO}:1.0.0`, `${REPO}:sha-0123456`, `${REPO}:prod`]);
    });

    it("ref is repo@<index digest>", () => {
      assert.equal(r.ref, `${REPO}@${fakeDigest("index")}`);
    });

    it("labels include the size budget label and the revision", () => {
      const labels = r.images[0].inputs.labels as Record<string, string>;
      assert.equal(labels["dev.moontv.size-budget-mib"], "200");
      assert.equal(labels["org.opencontainers.image.revision"], "0123456789abcdef");
    });

    it("credentials go to registries as secrets, never into build args", () => {
      for (const i of [...r.images]) {
        assert.ok(isSecretWrapper(i.inputs.registries), "registries arrive as a secret");
        assert.deepEqual(unwrap(i.inputs.registries), [
          { address: "registry.example.com", username: "ci-bot", password: PASSWORD },
        ]);
        assert.ok(!JSON.stringify(i.inputs.buildArgs).includes(PASSWORD));
        assert.deepEqual(i.inputs.buildArgs, {
          NODE_VERSION: "24",
          BUILD_BASE_IMAGE: pinned("node:24-trixie-slim"),
          RUNTIME_BASE_IMAGE: pinned("gcr.io/distroless/nodejs24-debian13"),
          PNPM_VERSION: "10.14.0",
          REVISION: "0123456789abcdef",
          VERSION: "1.0.0",
        });
      }
      for (const idx of r.indexes) assert.ok(isSecretWrapper(idx.inputs.registry), "index registry is a secret");
    });

    it("the size check is a dynamic resource with the policy contract props and a secret password", async () => {
      assert.equal(r.dynamic.length, 1);
      const d = r.dynamic[0];
      assert.equal(d.name, "multi-size");
      assert.equal(d.inputs.kind, "moontv:image:SizeBudgetCheck");
      assert.equal(d.inputs.imageRef, `${REPO}@${fakeDigest("index")}`);
      assert.equal(d.inputs.sizeBudgetMiB, 200);
      assert.ok(isSecretWrapper(d.inputs.registryPassword));
      assert.equal(unwrap(d.inputs.registryPassword), PASSWORD);
      assert.equal(d.inputs.registryUsername, "ci-bot");
      assert.deepEqual(r.sizes, { "linux/amd64": 50_000_000, "linux/arm64": 51_000_000 });
    });

    it("images and indexes are retained on delete: a destroy never pulls a digest another stack may run", () => {
      for (const r2 of [...r.images, ...r.indexes]) assert.equal(retained.get(r2.name), true, r2.name);
      assert.equal(retained.get("multi-size"), false);
    });

    it("no builder given: docker-build picks buildx's current builder", () => {
      for (const i of r.images) assert.equal(i.inputs.builder, undefined);
    });

    it("the size check is ordered after the pushed index", async () => {
      assert.ok(dependencies.get("multi-size")?.includes(await settle(r.img.indexes[0].urn)));
    });

    it("prod's vulnerability gate scans the pushed index with the build's credentials as a secret, after the push", async () => {
      assert.equal(r.gates.length, 1);
      const g = r.gates[0];
      assert.equal(g.name, "multi-scan");
      assert.equal(g.inputs.imageRef, `${REPO}@${fakeDigest("index")}`);
      assert.deepEqual(
        [g.inputs.mode, g.inputs.failOn, g.inputs.ignoreUnfixed, g.inputs.allow, g.inputs.db],
        ["enforce", ["CRITICAL"], false, [], {}],
      );
      assert.match(g.inputs.dbKey as string, /^default@\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual(g.inputs.lapsed, []);
      assert.ok(isSecretWrapper(g.inputs.registryPassword));
      assert.equal(unwrap(g.inputs.registryPassword), PASSWORD);
      assert.equal(g.inputs.registryUsername, "ci-bot");
      assert.ok(dependencies.get("multi-scan")?.includes(await settle(r.img.indexes[0].urn)));
      assert.equal(retained.get("multi-scan"), false);
    });
  });

  describe("one platform (dev)", () => {
    let r: Awaited<ReturnType<typeof build>>;
    before(async () => {
      const args = stagedImageArgsFor(
        { repository: "127.0.0.1:5000/moontv", context: { location: "../moontv" }, target: "debug" },
        "dev",
      );
      // No budget: the component then only measures (every stack has one).
      r = await build("single", { ...args, sizeBudgetMiB: undefined });
    });

    it("one Image with every tag and no Index; ref is repo@<image digest>", () => {
      assert.equal(r.images.length, 1);
      assert.equal(r.indexes.length, 0);
      assert.deepEqual(r.images[0].inputs.tags, ["127.0.0.1:5000/moontv:dev"]);
      assert.deepEqual(r.images[0].inputs.platforms, ["linux/amd64"]);
      assert.equal(r.images[0].inputs.target, "debug");
      assert.equal(r.images[0].inputs.buildOnPreview, false);
      assert.deepEqual(r.images[0].inputs.context, { location: "../moontv" });
      assert.equal(r.ref, `127.0.0.1:5000/moontv@${fakeDigest("single-amd64")}`);
    });

    it("no budget: no budget label, the sizes are still measured", () => {
      assert.ok(!("dev.moontv.size-budget-mib" in (r.images[0].inputs.labels as object)));
      assert.equal(r.dynamic.length, 1);
      assert.equal(r.dynamic[0].inputs.sizeBudgetMiB, undefined);
      assert.equal(r.dynamic[0].inputs.registryPassword, undefined);
    });

    it("dev's scan is off by default: no vulnerability gate", () => assert.equal(r.gates.length, 0));
  });

  it("pinned bases: unpinned ones resolved to a digest (no provider invoke) and passed as build args", async () => {
    const pinnedRuntime = `gcr.io/distroless/nodejs24-debian13@${fakeDigest("rt")}`;
    countLookups();
    const r = await build("pins", baseArgs({ baseImages: { runtime: pinnedRuntime } }));
    assert.deepEqual(lookups, ["node:24-trixie-slim"]);
    assert.deepEqual(invokes, []);
    assert.deepEqual(r.images[0].inputs.buildArgs, {
      NODE_VERSION: "24",
      PNPM_VERSION: "10.14.0",
      REVISION: "0123456789abcdef",
      VERSION: "1.0.0",
      BUILD_BASE_IMAGE: pinned("node:24-trixie-slim"),
      RUNTIME_BASE_IMAGE: pinnedRuntime,
    });
  });

  it("a named builder goes to every platform's build", async () => {
    const r = await build("named", baseArgs({ platforms: ["linux/amd64", "linux/arm64"], builder: "moontv-remote" }));
    assert.deepEqual(
      r.images.map((i) => i.inputs.builder),
      [{ name: "moontv-remote" }, { name: "moontv-remote" }],
    );
  });

  it("the app waits for both gates: the size check and the vulnerability gate (a failed scan stops the rollout)", async () => {
    const settings = settingsFor(
      "prod",
      { image: { ...BUILD, platforms: ["linux/amd64"] } },
      { secretKeys: ["image"] },
    );
    const parent = new pulumi.ComponentResource("moontv:test:Parent", "gates-parent");
    const deployed = deployedImage(settings, parent);
    assert.equal(deployed.gates.length, 2);
    assert.equal(deployed.gates[0], deployed.build!.sizeCheck);
    assert.equal(deployed.gates[1], deployed.build!.scanGate);
    const dev = deployedImage(settingsFor("dev", { image: { ...BUILD } }, { secretKeys: ["image"] }), parent);
    assert.deepEqual(dev.gates, [dev.build!.sizeCheck], "dev's scan is off: the size check only");
  });

  it("push false: no size check, ref is the primary tag", async () => {
    const r = await build("nopush", baseArgs({ push: false }, "dev"));
    assert.equal(r.dynamic.length, 0);
    assert.equal(r.images[0].inputs.push, false);
    assert.equal(r.ref, `${REPO}:1.0.0`);
    assert.deepEqual(r.sizes, {});
  });

  // Bad settings are the schema's (test/stacks/image-settings.spec.ts); this is the callers' guard.
  it("a build arg named like a secret stops before any resource is registered", () => {
    const before = registered.length;
    assert.throws(
      () => new StagedImage("bad", { ...baseArgs(), buildArgs: { NPM_TOKEN: "x" } }),
      /image.buildArgs "NPM_TOKEN" look like secrets/,
    );
    assert.equal(registered.filter((r) => r.name.startsWith("bad")).length, 0);
    assert.ok(registered.length >= before);
  });
});
