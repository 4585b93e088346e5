// The Redis stand-in (engine/image/redis-standin.ts) built from Debian's packages, pushed to a real
// registry (Debian's docker-registry) where the local cluster puts it, pulled into a fresh buildah storage
// and run for real the way the program's StatefulSet runs the official image: its container command, uid
// and gid 999, a read-only root, /data writable, redis.conf from the ConfigMap and the password file
// from the Secret, the probe's own command. Then once as the official image runs by default (as root,
// through its entrypoint). No container runtime here: engine/image/sandbox.sh stands in for one (see
// docs/image-stand-ins.md). Every missing program fails the set-up, naming its Debian package.
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  buildRedisStatefulSet,
  clusterRedisConfOptions,
  REDIS_CONF_PATH,
  REDIS_DATA_DIR,
  REDIS_GID,
  REDIS_PORT,
  REDIS_SECRET_DIR,
  REDIS_UID,
  redisPingProbe,
  renderRedisAuthConf,
  renderRedisConf,
} from "../../../components/redis";
import { redisArgs } from "../../../components/platform/redis";
import { mirroredImage } from "../../../components/shared/mirror";
import { redisStandInRef, standInMirrors } from "../../../engine/cluster/builder";
import { Buildah, type ImageConfig } from "../../../engine/image/buildah";
import { startRegistry, type LocalRegistry } from "../../../engine/image/local-registry";
import { cacheRoot } from "../../../engine/image/pipeline";
import { pushRedisStandIn, type RedisStandIn } from "../../../engine/image/redis-standin";
import { Sandbox } from "../../../engine/image/sandbox";
import { hostArch } from "../../../engine/image/standins";
import { asContainerRuns, type Container } from "../../support/container";
import { settingsFor } from "../../support/settings";

/** The command of the StatefulSet's exec probes (startup, liveness, readiness). */
function probeCommand(): string[] {
  return (redisPingProbe().exec as { command: string[] }).command;
}

/** Every line of `/proc/<pid>/status`'s Uid field of the processes named `name`, read inside the sandbox. */
async function uidsOf(s: Sandbox, name: string): Promise<string[]> {
  const script = `for f in /proc/[0-9]*/status; do grep -q "^Name:[[:space:]]*${name}$" "$f" && grep "^Uid:" "$f"; done; true`;
  const r = await s.exec(["sh", "-c", script]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split("\n").filter(Boolean);
}

async function waitUntil(what: string, probe: () => Promise<boolean>, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    // A sandbox whose process has not started yet cannot be exec'd into: not ready, not an error.
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} within ${ms} ms:\n${log().slice(-3000)}`);
}

describe("the Redis stand-in's place in the cluster registry", () => {
  it("is where the dev stack pulls its Redis image when given the cluster's registry mirrors", () => {
    const registry = "moontv-host.example:41234";
    const settings = settingsFor("dev", { registryMirrors: standInMirrors(registry) });
    const args = redisArgs(settings, "ns", (ref) => mirroredImage(ref, settings.registryMirrors));
    assert.equal(args.image, redisStandInRef(registry));
    assert.match(redisStandInRef(registry), /^moontv-host\.example:41234\/mirror\/docker\.io\/library\/redis:/);
  });
});

describe("the Redis stand-in built, pushed, pulled and run as the StatefulSet runs it", function () {
  this.timeout(15 * 60 * 1000);
  const password = randomBytes(24).toString("hex");
  let registry: LocalRegistry;
  let maker: Buildah;
  let puller: Buildah;
  let pushed: RedisStandIn;
  let config: ImageConfig;
  let image: { cid: string; root: string };
  let scratch: string;
  let container: Container;
  const sandboxes: Sandbox[] = [];

  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-redis-standin-"));
    const cache = cacheRoot();
    fs.mkdirSync(cache, { recursive: true });
    registry = await startRegistry();
    maker = new Buildah(fs.mkdtempSync(path.join(cache, "redis-standin-")));
    puller = new Buildah(fs.mkdtempSync(path.join(cache, "redis-pull-")));
    pushed = await pushRedisStandIn(maker, cache, [hostArch()], redisStandInRef(registry.host));
    // A storage that never saw the image: what a node gets is what the registry holds.
    await puller.exec(["pull", "--tls-verify=false", pushed.ref]);
    config = await puller.imageConfig(pushed.ref);
    image = await puller.mountImage(pushed.ref);
    const statefulSet = buildRedisStatefulSet({
      redis: settingsFor("dev").redis,
      namespace: "ns",
      instance: "dev",
      image: pushed.ref,
      configHash: "spec",
    });
    container = (statefulSet.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];
  });

  after(async () => {
    const errors: string[] = [];
    for (const s of sandboxes) await s.stop().catch((e: Error) => errors.push(e.message));
    if (puller) await puller.destroy();
    if (maker) await maker.destroy();
    if (registry) await registry.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    assert.deepEqual(errors, [], "every sandbox must stop with its PID 1");
  });

  /** The data volume: a fresh directory owned by `owner` (the claim, with fsGroup 999), or the given one. */
  function dataDir(owner: number, existing?: string): string {
    if (existing) return existing;
    const dir = fs.mkdtempSync(path.join(scratch, "data-"));
    fs.chownSync(dir, owner, owner);
    return dir;
  }

  /** Starts the image as the StatefulSet's container: its command, uid/gid 999, redis.conf and the
   * password file mounted read-only as the ConfigMap and the Secret are, REDISCLI_AUTH from the Secret. */
  async function startAsPod(data: string): Promise<Sandbox> {
    const dir = fs.mkdtempSync(path.join(scratch, "pod-"));
    const conf = path.join(dir, "redis.conf");
    fs.writeFileSync(conf, renderRedisConf(clusterRedisConfOptions(settingsFor("dev").redis)), { mode: 0o444 });
    const auth = path.join(dir, "auth.conf");
    // The Secret's volume: mode 0440, group 999 (fsGroup).
    fs.writeFileSync(auth, renderRedisAuthConf(password), { mode: 0o440 });
    fs.chownSync(auth, 0, REDIS_GID);
    const s = Sandbox.start({
      rootfs: image.root,
      config: asContainerRuns(config, container, REDIS_UID, REDIS_GID),
      volumes: [{ hostDir: data, target: REDIS_DATA_DIR }],
      files: [
        { hostFile: conf, target: REDIS_CONF_PATH },
        { hostFile: auth, target: `${REDIS_SECRET_DIR}/auth.conf` },
      ],
      env: { REDISCLI_AUTH: password },
      scratchDir: path.join(dir, "sandbox"),
    });
    sandboxes.push(s);
    const probe = probeCommand();
    await waitUntil(
      "the pod's ping probe did not pass",
      async () => s.exitCode === null && (await s.exec(probe)).code === 0,
      30_000,
      () => s.output,
    );
    return s;
  }

  it("carries the official image's configuration: entrypoint, command, /data, port 6379, no USER", () => {
    assert.deepEqual(config.Entrypoint, ["docker-entrypoint.sh"]);
    assert.deepEqual(config.Cmd, ["redis-server"]);
    assert.equal(config.WorkingDir, REDIS_DATA_DIR);
    assert.deepEqual(Object.keys(config.ExposedPorts ?? {}), [`${REDIS_PORT}/tcp`]);
    assert.deepEqual(Object.keys(config.Volumes ?? {}), [REDIS_DATA_DIR]);
    assert.ok(!config.User, `the official image sets no USER, got ${config.User}`);
    assert.ok(config.Env?.includes(`REDIS_VERSION=${pushed.redisVersion}`), String(config.Env));
    assert.match(config.Labels?.["org.opencontainers.image.description"] ?? "", /STAND-IN/);
  });

  it("has the redis user and group 999, /data owned by them, redis-server and redis-cli on PATH", () => {
    const passwd = fs.readFileSync(path.join(image.root, "etc/passwd"), "utf8");
    const group = fs.readFileSync(path.join(image.root, "etc/group"), "utf8");
    assert.match(passwd, new RegExp(`^redis:x:${REDIS_UID}:${REDIS_GID}:`, "m"));
    assert.match(group, new RegExp(`^redis:x:${REDIS_GID}:`, "m"));
    const data = fs.statSync(path.join(image.root, REDIS_DATA_DIR));
    assert.deepEqual([data.uid, data.gid], [REDIS_UID, REDIS_GID]);
    const pathDirs = (config.Env?.find((e) => e.startsWith("PATH=")) ?? "").slice(5).split(":");
    for (const program of ["redis-server", "redis-cli", "sh", "grep"]) {
      assert.ok(
        pathDirs.some((d) => d && fs.existsSync(path.join(image.root, d, program))),
        `${program} not on PATH ${pathDirs.join(":")}`,
      );
    }
    assert.ok(!fs.existsSync(path.join(image.root, "etc/redis/redis.conf")), "Debian's service config must go");
  });

  describe("as the StatefulSet runs it: uid 999, read-only root, /data writable", () => {
    let pod: Sandbox;
    let data: string;
    before(async () => {
      data = dataDir(REDIS_UID);
      pod = await startAsPod(data);
    });

    it("answers the pod's probe (redis-cli ping | grep PONG) only with the password", async () => {
      const probe = probeCommand();
      assert.equal((await pod.exec(probe)).code, 0);
      const pong = await pod.exec(["redis-cli", "-h", "127.0.0.1", "-p", String(REDIS_PORT), "ping"]);
      assert.equal(pong.stdout.trim(), "PONG", pong.stderr);
      assert.notEqual((await pod.exec(["env", "REDISCLI_AUTH=not-the-password", ...probe])).code, 0);
      assert.notEqual((await pod.exec(["env", "-u", "REDISCLI_AUTH", ...probe])).code, 0);
    });

    it("runs redis-server as 999 with the mounted config, its data dir /data", async () => {
      assert.deepEqual(await uidsOf(pod, "redis-server"), [
        `Uid:\t${REDIS_UID}\t${REDIS_UID}\t${REDIS_UID}\t${REDIS_UID}`,
      ]);
      const info = await pod.exec(["redis-cli", "-p", String(REDIS_PORT), "info", "server"]);
      assert.match(info.stdout, new RegExp(`^config_file:${REDIS_CONF_PATH}\\r?$`, "m"));
      assert.match(info.stdout, new RegExp(`^redis_version:${pushed.redisVersion.replace(/\./g, "\\.")}\\r?$`, "m"));
      const dir = await pod.exec(["redis-cli", "-p", String(REDIS_PORT), "config", "get", "dir"]);
      assert.deepEqual(dir.stdout.trim().split("\n"), ["dir", REDIS_DATA_DIR]);
    });

    it("writes what it is given to the AOF in /data, owned by 999, and nowhere on the root", async () => {
      const set = await pod.exec(["redis-cli", "-p", String(REDIS_PORT), "set", "u:admin:standin", "written-by-spec"]);
      assert.equal(set.stdout.trim(), "OK", set.stderr);
      const aofDir = path.join(data, "appendonlydir");
      const incr = () => fs.readdirSync(aofDir).filter((f) => f.endsWith(".incr.aof"));
      // appendfsync everysec: on disk within about a second.
      await waitUntil(
        "the key did not reach the AOF in /data",
        async () =>
          fs.existsSync(aofDir) &&
          incr().some((f) => fs.readFileSync(path.join(aofDir, f), "utf8").includes("u:admin:standin")),
        5_000,
        () => pod.output,
      );
      for (const f of fs.readdirSync(aofDir)) {
        const st = fs.statSync(path.join(aofDir, f));
        assert.equal(st.uid, REDIS_UID, `${f} is owned by ${st.uid}`);
      }
      const root = await pod.exec(["sh", "-c", "touch /probe /etc/probe /tmp/probe 2>&1; true"]);
      assert.equal((root.stdout.match(/Read-only file system/g) ?? []).length, 3, root.stdout);
    });

    it("keeps the data across a restart (the AOF is read back from /data)", async () => {
      await pod.stop();
      sandboxes.splice(sandboxes.indexOf(pod), 1);
      pod = await startAsPod(data);
      const get = await pod.exec(["redis-cli", "-p", String(REDIS_PORT), "get", "u:admin:standin"]);
      assert.equal(get.stdout.trim(), "written-by-spec", get.stderr + pod.output.slice(-2000));
    });
  });

  it("as the official image runs by default (root, its entrypoint): takes over /data and steps down to redis", async () => {
    const data = dataDir(0);
    fs.writeFileSync(path.join(data, "left-by-root"), "x");
    const dir = fs.mkdtempSync(path.join(scratch, "default-"));
    const s = Sandbox.start({
      rootfs: image.root,
      config: { ...config, User: "0:0" },
      volumes: [{ hostDir: data, target: REDIS_DATA_DIR }],
      scratchDir: path.join(dir, "sandbox"),
    });
    sandboxes.push(s);
    await waitUntil(
      "redis-server did not answer PONG",
      async () => s.exitCode === null && (await s.exec(["redis-cli", "ping"])).stdout.trim() === "PONG",
      30_000,
      () => s.output,
    );
    assert.deepEqual(await uidsOf(s, "redis-server"), [`Uid:\t${REDIS_UID}\t${REDIS_UID}\t${REDIS_UID}\t${REDIS_UID}`]);
    assert.equal(fs.statSync(path.join(data, "left-by-root")).uid, REDIS_UID, "the entrypoint must chown /data");
  });
});
