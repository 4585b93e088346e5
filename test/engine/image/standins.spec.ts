// The stand-in bases' root file systems (engine/image/standins.ts) for this machine's CPU, made as the
// image specs make them (cached under the cache root): they must carry the Debian release and the exact
// Node.js the image defaults to, not this machine's own. The Redis stand-in's release (bookworm) is
// checked by test/engine/image/redis-standin.spec.ts (its Redis is bookworm's 7.0).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { IMAGE_BUILD_DEFAULTS, IMAGE_DEBIAN } from "../../../stacks/settings/defaults";
import { cacheRoot } from "../../../engine/image/pipeline";
import { run } from "../../../engine/image/proc";
import {
  debFiles,
  debianUpstreamVersion,
  installedVersion,
  prepareStandInRootfs,
  pruneOtherRecipes,
  RECIPE_IDLE_MS,
  standInNodeVersion,
  type StandInRootfs,
} from "../../../engine/image/standins";
import * as os from "os";
import { requireBinary } from "../../support/servers";

const NODE_VERSION_FILE = path.resolve(__dirname, "../../../.node-version");

describe("stand-in bases: Debian release and Node.js", function () {
  this.timeout(10 * 60 * 1000);
  let rootfs: StandInRootfs;

  before(async function () {
    for (const [bin, pkg] of [
      ["apt-get", "apt"],
      ["dpkg-deb", "dpkg"],
      ["chroot", "coreutils"],
    ])
      requireBinary(bin, pkg);
    fs.mkdirSync(cacheRoot(), { recursive: true });
    rootfs = await prepareStandInRootfs(cacheRoot());
  });

  it("carries the exact Node.js .node-version pins, of the image's default line", () => {
    const pinned = fs.readFileSync(NODE_VERSION_FILE, "utf8").trim();
    assert.equal(standInNodeVersion(), pinned);
    assert.equal(rootfs.nodeVersion, pinned);
    assert.equal(pinned.split(".")[0], IMAGE_BUILD_DEFAULTS.nodeVersion);
  });

  it("runs that node in both root file systems (the official build from npm, not this machine's)", async () => {
    const machine = (await run("/usr/bin/node", ["--version"]).catch(() => ({ stdout: "none" }))).stdout.trim();
    for (const [dir, node] of [
      [rootfs.runtimeDir, "/nodejs/bin/node"],
      [rootfs.buildDir, "/usr/local/bin/node"],
    ]) {
      const { stdout } = await run("chroot", [dir, node, "--version"]);
      assert.equal(stdout.trim(), `v${rootfs.nodeVersion}`, `${dir}${node}`);
      if (machine !== `v${rootfs.nodeVersion}`) assert.notEqual(stdout.trim(), machine);
    }
  });

  it("is Debian 13 (trixie), the release of node:24-trixie-slim and distroless nodejs24-debian13", () => {
    for (const dir of [rootfs.runtimeDir, rootfs.buildDir]) {
      const osRelease = fs.readFileSync(path.join(dir, "usr/lib/os-release"), "utf8");
      assert.match(osRelease, new RegExp(`^VERSION_CODENAME=${IMAGE_DEBIAN.codename}$`, "m"), dir);
      assert.match(osRelease, new RegExp(`^VERSION_ID="${IMAGE_DEBIAN.version}"$`, "m"), dir);
    }
    // The build stand-in records its packages for the apt-get shim: trixie's (t64 libssl, gcc 14).
    const status = fs.readFileSync(path.join(rootfs.buildDir, "var/lib/dpkg/status"), "utf8");
    assert.match(installedVersion(status, "base-files"), /^13\./);
    assert.match(installedVersion(status, "gcc-14-base"), /^14\./);
    assert.ok(installedVersion(status, "libssl3t64"));
  });

  it("keeps the merged /usr that base-files ships (links, not directories)", () => {
    for (const dir of [rootfs.runtimeDir, rootfs.buildDir]) {
      for (const d of ["bin", "sbin", "lib"]) assert.equal(fs.readlinkSync(path.join(dir, d)), `usr/${d}`, dir);
    }
  });
});

describe("stand-in recipes: pruning", () => {
  it("keeps a recipe another checkout used within a day, removes one idle longer, and marks its own as used", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-recipes-"));
    try {
      const now = Date.now();
      const make = (name: string, ageMs: number) => {
        fs.mkdirSync(path.join(root, name, "build"), { recursive: true });
        const t = new Date(now - ageMs);
        fs.utimesSync(path.join(root, name), t, t);
      };
      make("current", 3 * RECIPE_IDLE_MS);
      make("in-use-elsewhere", RECIPE_IDLE_MS / 24);
      make("idle", RECIPE_IDLE_MS + 60_000);
      pruneOtherRecipes(path.join(root, "current"), now);
      assert.deepEqual(fs.readdirSync(root).sort(), ["current", "in-use-elsewhere"]);
      assert.equal(fs.statSync(path.join(root, "current")).mtimeMs, now);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("stand-in package lists", () => {
  it("name a package's non-ASCII files literally, in the C locale too (CI runs under env -i)", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-deb-"));
    const saved = { LC_ALL: process.env.LC_ALL, LANG: process.env.LANG };
    try {
      const pkg = path.join(root, "pkg");
      fs.mkdirSync(path.join(pkg, "DEBIAN"), { recursive: true });
      fs.mkdirSync(path.join(pkg, "usr", "share", "certs"), { recursive: true });
      fs.writeFileSync(path.join(pkg, "usr", "share", "certs", "Főtanúsítvány.crt"), "x");
      fs.writeFileSync(
        path.join(pkg, "DEBIAN", "control"),
        "Package: moontv-utf8\nVersion: 1\nArchitecture: all\nMaintainer: spec <spec@example.com>\nDescription: spec\n",
      );
      await run("dpkg-deb", ["--build", "--root-owner-group", pkg, path.join(root, "p.deb")]);
      process.env.LC_ALL = "C";
      delete process.env.LANG;
      assert.ok((await debFiles(path.join(root, "p.deb"))).includes("/usr/share/certs/Főtanúsítvány.crt"));
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("Debian versions read from a stand-in", () => {
  it("keeps the upstream version only (no epoch, no Debian revision)", () => {
    assert.equal(debianUpstreamVersion("5:7.0.15-1~deb12u10"), "7.0.15");
    assert.equal(debianUpstreamVersion("7.2.4-1"), "7.2.4");
    assert.equal(debianUpstreamVersion("1.14"), "1.14");
    assert.throws(() => debianUpstreamVersion("x-1"), /cannot read an upstream version/);
  });

  it("finds a package's version in a dpkg status file", () => {
    const status =
      "Package: redis-tools\nVersion: 5:7.0.15-1\n\nPackage: redis-server\nStatus: install ok installed\nVersion: 5:7.0.14-1\n";
    assert.equal(installedVersion(status, "redis-server"), "5:7.0.14-1");
    assert.throws(() => installedVersion(status, "redis"), /no version of redis/);
  });
});
