// Builds the fixture app (test/fixtures/app) with the project's Dockerfile, unchanged, using buildah
// and stand-in base images from Debian packages, then runs the runtime image as its own user with a
// read-only root. Takes about 2–4 minutes on 2 cores (a cold build: fresh storage, empty pnpm store).
//
// The stand-ins are NOT the real bases (full list: docs/image-stand-ins.md):
//  - build base: a bookworm package subset unpacked with dpkg-deb (no apt/dpkg binaries); `apt-get`
//    is a shim that only checks the named packages' files are present (ca-certificates and tzdata
//    are pre-unpacked); node, npm and corepack are this machine's Node 20, no yarn; it carries
//    NODE_EXTRA_CA_CERTS (this machine's CA bundle) and COREPACK_INTEGRITY_KEYS=0, which only this
//    machine needs;
//  - runtime: distroless's package set unpacked the same way, this machine's node at
//    /nodejs/bin/node, this machine's CA bundle, no shell, ENTRYPOINT ["/nodejs/bin/node"];
//  - both amd64 only; sizes are indicative. The image runs in namespaces (tools/image/sandbox.sh),
//    not in a container runtime: no cgroups, seccomp or capability trimming.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOCKERIGNORE_PATH, DOCKERFILE_PATH, dockerfileBuildArgs } from "../../components/image/dockerfile";
import type { Buildah, BuildReport, ImageConfig } from "../../tools/image/buildah";
import { BuildEnv, FIXTURE_APP, openBuildEnv } from "../../tools/image/pipeline";
import { run } from "../../tools/image/proc";
import { Sandbox } from "../../tools/image/sandbox";

const PNPM_OVERRIDE = "10.12.4";
const LABELS = {
  sourceUrl: "https://github.com/example/moontv-fixture",
  revision: "0123456789abcdef0123456789abcdef01234567",
  created: "2025-01-31T12:00:00Z",
  version: "0.1.0-it",
};

/** Every path below `root` (relative, with a leading /), skipping the kernel file systems. */
function walk(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const p = `${rel}/${e.name}`;
    if (["/proc", "/dev", "/sys"].includes(p)) continue;
    out.push(p);
    if (e.isDirectory()) out.push(...walk(root, p));
  }
  return out;
}

describe("the project's Dockerfile built for real (buildah, stand-in bases)", function () {
  this.timeout(25 * 60 * 1000);
  let env: BuildEnv;
  let buildah: Buildah;
  let config: ImageConfig;
  let runner: { cid: string; root: string };
  let debug: { cid: string; root: string };
  const sandboxes: Sandbox[] = [];
  let scratch: string;
  const builds: Record<string, BuildReport> = {};

  before(async function () {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-image-it-"));
    env = await openBuildEnv();
    buildah = await env.newBuildah("it");
    // PNPM_VERSION differs from the fixture's packageManager (10.14.0), as MoonTV's and LunaTV's
    // versions differ: the override must win. (The benchmark builds without it.)
    const buildArgs = dockerfileBuildArgs({
      buildBaseImage: env.images.buildBase, runtimeBaseImage: env.images.runtimeBase, pnpmVersion: PNPM_OVERRIDE, ...LABELS,
    });
    for (const target of ["runner", "debug"]) {
      builds[target] = await buildah.bud({
        contextDir: FIXTURE_APP, dockerfile: DOCKERFILE_PATH, ignoreFile: DOCKERIGNORE_PATH,
        target, tag: `localhost/moontv-it:${target}`, buildArgs, echo: !!process.env.MOONTV_IMAGE_VERBOSE,
      });
    }
    config = await buildah.imageConfig("localhost/moontv-it:runner");
    runner = await buildah.mountImage("localhost/moontv-it:runner");
    debug = await buildah.mountImage("localhost/moontv-it:debug");
  });

  after(async function () {
    const errors: string[] = [];
    for (const s of sandboxes) await s.stop().catch((e: Error) => errors.push(e.message));
    if (env) await env.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    assert.deepEqual(errors, [], "every sandbox must stop with its PID 1");
  });

  /** Starts the runner image as its own user with a read-only root; `writable` decides whether
   * /app/public (pre-filled from the image, as the deployment's init step does) and
   * /app/.next/cache (empty, like an emptyDir) are volumes. */
  async function startRunner(opts: { writable: boolean; env?: Record<string, string>; cmd?: string[] }): Promise<Sandbox> {
    const dir = fs.mkdtempSync(path.join(scratch, "run-"));
    const volumes: Array<{ hostDir: string; target: string }> = [];
    if (opts.writable) {
      fs.mkdirSync(path.join(dir, "public"));
      fs.mkdirSync(path.join(dir, "cache"));
      await run("cp", ["-a", `${runner.root}/app/public/.`, path.join(dir, "public")]);
      fs.chownSync(path.join(dir, "cache"), 1001, 1001);
      volumes.push({ hostDir: path.join(dir, "public"), target: "/app/public" }, { hostDir: path.join(dir, "cache"), target: "/app/.next/cache" });
    }
    const cfg = opts.cmd ? { ...config, Cmd: opts.cmd } : config;
    const s = Sandbox.start({ rootfs: runner.root, config: cfg, volumes, env: opts.env, scratchDir: path.join(dir, "sandbox") });
    sandboxes.push(s);
    return s;
  }

  it("installed and built with the pnpm version given as PNPM_VERSION", () => {
    assert.match(builds.runner.log, new RegExp(`Done in [\\d.]+m?s using pnpm v${PNPM_OVERRIDE.replace(/\./g, "\\.")}`));
    assert.ok(builds.runner.steps.some((s) => s.instruction.includes("install --frozen-lockfile") && !s.cached));
    assert.ok(builds.debug.steps.filter((s) => s.instruction.includes("install --frozen-lockfile")).every((s) => s.cached), "debug reuses the cached install");
  });

  it("configures the runner as a numeric non-root user with node start.js, port 3000 and OCI labels", () => {
    assert.match(config.User ?? "", /^[1-9]\d*:[1-9]\d*$/);
    assert.deepEqual(config.Entrypoint, ["/nodejs/bin/node"]);
    assert.deepEqual(config.Cmd, ["start.js"]);
    assert.equal(config.WorkingDir, "/app");
    assert.ok(config.ExposedPorts && "3000/tcp" in config.ExposedPorts);
    assert.equal(config.Healthcheck?.Test[0], "CMD", "HEALTHCHECK kept (--format docker) in exec form");
    assert.equal(config.Labels?.["org.opencontainers.image.source"], LABELS.sourceUrl);
    assert.equal(config.Labels?.["org.opencontainers.image.revision"], LABELS.revision);
    assert.equal(config.Labels?.["org.opencontainers.image.created"], LABELS.created);
    assert.equal(config.Labels?.["org.opencontainers.image.version"], LABELS.version);
  });

  describe("running the runner image with a read-only root", () => {
    let app: Sandbox;
    before(async () => {
      app = await startRunner({ writable: true, env: { SITE_NAME: "Fixture-Runtime-Name" } });
      await app.waitHealthy("/login", 60000);
    });

    it("runs as its own non-root user", async () => {
      const r = await app.exec(["/nodejs/bin/node", "-e", "console.log(JSON.stringify([process.getuid(), process.getgid(), process.cwd()]))"]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), [1001, 1001, "/app"]);
    });

    it("passes its own HEALTHCHECK command once the server is up", async () => {
      const test = config.Healthcheck?.Test ?? [];
      assert.equal(test[0], "CMD");
      const r = await app.exec(test.slice(1));
      assert.equal(r.code, 0, `HEALTHCHECK exited ${r.code}: ${r.stderr}`);
    });

    it("answers GET /login with 200 and reads SITE_NAME at run time (force-dynamic patch applied)", async () => {
      const r = await app.httpGet("/login");
      assert.equal(r.status, 200);
      assert.ok(r.body.includes("Fixture-Runtime-Name"), "the page was prerendered at build time");
    });

    it("serves the edge-declared route from the Node runtime (edge→nodejs rewrite applied)", async () => {
      const r = await app.httpGet("/api/server-config");
      assert.equal(r.status, 200);
      assert.deepEqual(JSON.parse(r.body), { SiteName: "Fixture-Runtime-Name", StorageType: "localstorage", Runtime: "nodejs" });
      const manifest = JSON.parse(fs.readFileSync(path.join(runner.root, "app/.next/server/middleware-manifest.json"), "utf8"));
      assert.deepEqual(manifest.functions, {}, "no edge function may be left in the build");
    });

    it("regenerated public/manifest.json on the public volume and serves public files", async () => {
      const r = await app.httpGet("/manifest.json");
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body).name, "Fixture-Runtime-Name");
      assert.equal((await app.httpGet("/robots.txt")).status, 200);
    });

    it("can write only to /app/public and /app/.next/cache; config.json is readable", async () => {
      const probe = `
        const fs = require('fs'); const out = {};
        for (const p of ['/app/public/probe', '/app/.next/cache/probe', '/app/probe', '/app/.next/probe', '/app/server.js', '/tmp/probe', '/probe', '/etc/probe', '/nodejs/probe']) {
          try { fs.writeFileSync(p, 'x'); out[p] = 'ok'; } catch (e) { out[p] = e.code; }
        }
        out.config = Object.keys(JSON.parse(fs.readFileSync('/app/config.json', 'utf8')).api_site).length;
        console.log(JSON.stringify(out));`;
      const r = await app.exec(["/nodejs/bin/node", "-e", probe]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out["/app/public/probe"], "ok");
      assert.equal(out["/app/.next/cache/probe"], "ok");
      for (const p of ["/app/probe", "/app/.next/probe", "/app/server.js", "/tmp/probe", "/probe", "/etc/probe", "/nodejs/probe"]) {
        assert.equal(out[p], "EROFS", `${p} must not be writable`);
      }
      assert.equal(out.config, 1);
    });
  });

  it("fails at start (exit 1) when /app/public is not writable, so the read-only check is real", async () => {
    const s = await startRunner({ writable: false });
    const code = await s.waitExit(30000);
    assert.equal(code, 1, `expected exit 1, got ${code}:\n${s.output}`);
    assert.match(s.output, /EROFS/);
  });

  it("fails its HEALTHCHECK while no server answers", async () => {
    const s = await startRunner({ writable: true, cmd: ["-e", "setTimeout(() => {}, 600000)"] });
    await new Promise((r) => setTimeout(r, 300));
    const r = await s.exec((config.Healthcheck?.Test ?? []).slice(1));
    assert.equal(r.code, 1);
  });

  it("holds no pnpm store, no sources, no devDependencies, no build cache and no shell", () => {
    const paths = walk(runner.root);
    const dev = Object.keys(JSON.parse(fs.readFileSync(path.join(FIXTURE_APP, "package.json"), "utf8")).devDependencies);
    assert.ok(dev.length > 0);
    const findings: string[] = [];
    for (const p of paths) {
      if (/(^|\/)(\.pnpm-store|pnpm\/store|\.local\/share\/pnpm|\.cache\/pnpm)(\/|$)|^\/opt\/corepack/.test(p)) findings.push(`pnpm store/corepack: ${p}`);
      if (/^\/app\/(src|\.git|\.next\/standalone|\.next\/runtime-cache)(\/|$)|\/pnpm-lock\.yaml$|^\/app\/(tsconfig\.json|next\.config\.js)$/.test(p)) findings.push(`source or build leftover: ${p}`);
      if (/^\/app\/.*\.tsx?$/.test(p) && !/\.d\.ts$/.test(p) && !p.includes("/node_modules/")) findings.push(`source file: ${p}`);
      for (const d of dev) if (p.endsWith(`/node_modules/${d}`) || p.includes(`/.pnpm/${d.replace("/", "+")}@`)) findings.push(`devDependency ${d}: ${p}`);
    }
    assert.deepEqual(findings, []);
    assert.deepEqual(fs.readdirSync(path.join(runner.root, "app/.next/cache")), [], ".next/cache must be empty");
    const cacheStat = fs.statSync(path.join(runner.root, "app/.next/cache"));
    assert.deepEqual([cacheStat.uid, cacheStat.gid], [1001, 1001]);
    for (const sh of ["bin/sh", "bin/bash", "usr/bin/sh"]) assert.ok(!fs.existsSync(path.join(runner.root, sh)), `${sh} in the runner`);
    // Positive control: the walk does see the app.
    assert.ok(paths.includes("/app/server.js") && paths.includes("/app/start.js") && paths.includes("/app/config.json"));
    assert.ok(paths.some((p) => p.endsWith("/node_modules/next")));
  });

  it("debug target: the runner's /app files on the build base, with a shell and a numeric non-root user", async () => {
    const rel = (root: string) => walk(path.join(root, "app")).sort();
    assert.deepEqual(rel(debug.root), rel(runner.root));
    assert.ok(fs.existsSync(path.join(debug.root, "bin/sh")), "debug needs a shell");
    const cfg = await buildah.imageConfig("localhost/moontv-it:debug");
    assert.match(cfg.User ?? "", /^[1-9]\d*:[1-9]\d*$/);
    // The runner's contract (ENTRYPOINT node, CMD the script): the Deployment's init containers pass only args.
    assert.deepEqual(cfg.Entrypoint, ["node"]);
    assert.deepEqual(cfg.Cmd, ["start.js"]);
  });
});
