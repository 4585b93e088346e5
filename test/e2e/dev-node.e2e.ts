/**
 * The dev stack really running on the local cluster's real node: the app built from test/fixtures/app by
 * BuildKit, Redis from its stand-in image (through `moontv:registryMirrors`), the namespace sent to the real
 * node by `moontv:kubernetes.namespaceAnnotations`. Every container runs under containerd, Ready by the
 * kubelet's own probes; the app finds Redis by its Service name, writes a sign-in to it, keeps to its
 * volumes on a read-only root; its init container waits for Redis; Redis's data outlive its pod and an
 * update; and the README's local deploy block ends with the app answering.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { APP_PORT } from "../../components/app/names";
import { REDIS_PORT } from "../../components/redis/names";
import { NODE_NAME, realNodeNamespaceAnnotations } from "../../engine/cluster/node-network";
import { engineEnv, isReady, kubectl, kubectlJson, pulumi, type Kube } from "./support/engine";
import { createImageStack, type ImageStack } from "./support/image-stack";
import { request } from "./support/http";
import { clientPod, reachFrom, resolveFrom } from "./support/network";
import { crictlInspect } from "./support/node";
import { nodeInPod, realNodeNamespace } from "./support/pods";
import { removeScratch, scratchProject } from "./support/project";
import { readmeBlock } from "./support/readme";
import { waitUntil } from "./support/wait";

const NS = "moontv-dev-node";
/** Where the probes from outside the stack's namespace run. */
const CLIENT_NS = `${NS}-client`;
const APP_LABELS = "app.kubernetes.io/name=moontv,app.kubernetes.io/component=web";

const pods = (selector: string): Kube[] =>
  kubectlJson<{ items: Kube[] }>(["-n", NS, "get", "pods", "-l", selector]).items;
const appPods = () => pods(APP_LABELS).filter((p) => !p.metadata.deletionTimestamp);

function secretValue(name: string, key: string): string {
  const secret = kubectlJson(["-n", NS, "get", "secret", name]);
  return Buffer.from(secret.data[key] as string, "base64").toString("utf8");
}

/** redis-cli in the Redis container, authenticated by its REDISCLI_AUTH (from the Secret redis-auth). */
function redisCli(...args: string[]): string {
  return kubectl(["-n", NS, "exec", "redis-0", "-c", "redis", "--", "redis-cli", ...args]).trim();
}

/** Those of `ips` that kube-proxy's rules still send Service traffic to (its DNAT targets). */
function dnatTo(ips: string[]): string[] {
  const r = spawnSync("iptables-save", ["-t", "nat"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`iptables-save: ${r.stderr}`);
  return ips.filter((ip) => r.stdout.includes(`--to-destination ${ip}:`));
}

describe("the dev stack on the real node (e2e)", function () {
  let stack: ImageStack;
  let serviceUrl: string;
  let signedIn: { key: string; token: string };
  const times: Record<string, number> = {};

  before(async function () {
    const env = engineEnv();
    assert.ok(env.E2E_REGISTRY_MIRRORS, ".engine/env exports no E2E_REGISTRY_MIRRORS: restart the cluster");
    kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=180s"]);
    stack = await createImageStack({
      name: "dev-node",
      namespace: NS,
      repo: `e2e/moontv-node-${Date.now().toString(36)}`,
      config: {
        "moontv:registryMirrors": JSON.parse(env.E2E_REGISTRY_MIRRORS!),
        "moontv:kubernetes": { namespaceAnnotations: realNodeNamespaceAnnotations() },
      },
    });
    const t0 = Date.now();
    const r = await stack.up();
    times.up = Date.now() - t0;
    if (r.code !== 0) throw new Error(`pulumi up exited ${r.code}:\n${r.output.slice(-8000)}`);
    const svc = kubectlJson(["-n", NS, "get", "service", "moontv"]);
    serviceUrl = `http://${svc.spec.clusterIP}:${svc.spec.ports[0].port}`;
    realNodeNamespace(CLIENT_NS);
    await clientPod(CLIENT_NS, "client");
  });

  after(async function () {
    kubectl(["delete", "namespace", CLIENT_NS, "--ignore-not-found", "--wait=false"]);
    if (stack) await stack.remove();
    console.log(
      `      times: ${Object.entries(times)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(", ")}`,
    );
  });

  it("every container of every pod runs on the real node under containerd, Ready by the kubelet's probes, 0 restarts; the app ran both init containers", () => {
    const all = kubectlJson<{ items: Kube[] }>(["-n", NS, "get", "pods"]).items;
    assert.ok(all.length >= 2, `pods: ${all.map((p) => p.metadata.name)}`);
    for (const pod of all) {
      const name = pod.metadata.name;
      assert.equal(pod.spec.nodeName, NODE_NAME, `${name} runs on the real node`);
      assert.ok(isReady(pod), `${name} is Ready`);
      for (const c of pod.status.containerStatuses as Kube[]) {
        assert.ok(c.state.running, `${name}/${c.name} is running`);
        assert.equal(c.restartCount, 0, `${name}/${c.name} restarted`);
        assert.match(c.containerID, /^containerd:\/\//);
      }
    }
    const [app] = appPods();
    const inits = app.status.initContainerStatuses as Kube[];
    assert.deepEqual(
      inits.map((c) => [c.name, c.state.terminated?.reason, c.state.terminated?.exitCode]),
      [
        ["seed-public", "Completed", 0],
        ["wait-for-redis", "Completed", 0],
      ],
    );
  });

  it("the app answers GET /login and /api/server-config with 200 through Service moontv, from the host and from a pod", async () => {
    for (const route of ["/login", "/api/server-config"]) {
      const r = await request(`${serviceUrl}${route}`);
      assert.equal(r.status, 200, `${route} from the host: ${r.body.slice(0, 300)}`);
    }
    // From a pod of another namespace (the app takes any ingress on its port; a pod of its own namespace
    // without a role may send nothing but DNS), by the Service's DNS name (CoreDNS).
    const port = new URL(serviceUrl).port;
    const answers = nodeInPod(
      CLIENT_NS,
      "client",
      `const http = require("http");
       const get = (p) => new Promise((ok, no) => http.get("http://moontv.${NS}:${port}" + p, (r) => { r.resume(); ok(p + " " + r.statusCode); }).on("error", no));
       Promise.all(["/login", "/api/server-config"].map(get)).then((s) => console.log(s.join("\\n")), (e) => { console.error(e.message); process.exit(1); });`,
    );
    assert.deepEqual(answers.split("\n"), ["/login 200", "/api/server-config 200"]);
  });

  it("the NetworkPolicies are enforced (kube-router): Redis answers the app only; a pod without a role reaches nothing but DNS", async () => {
    const redis = `redis.${NS}`;
    assert.equal(reachFrom(CLIENT_NS, "client", redis, REDIS_PORT), "refused", "Redis from another namespace");
    assert.equal(reachFrom(NS, "deploy/moontv", "redis", REDIS_PORT, "moontv"), "open", "Redis from the app");
    assert.match(resolveFrom(NS, "deploy/moontv", "redis", "moontv"), /^10\.96\./, "the app resolves Redis");
    // A pod of the namespace with no role: the default deny holds it, the DNS policy lets it resolve.
    await clientPod(NS, "no-role");
    try {
      assert.match(resolveFrom(NS, "no-role", "moontv"), /^10\.96\./, "DNS from a pod without a role");
      assert.equal(reachFrom(NS, "no-role", "redis", REDIS_PORT), "refused", "Redis from a pod without a role");
      assert.equal(reachFrom(NS, "no-role", "moontv", APP_PORT), "refused", "the app from a pod without a role");
    } finally {
      kubectl(["-n", NS, "delete", "pod", "no-role", "--ignore-not-found", "--wait=false"]);
    }
  });

  it("a sign-in through the app writes its session to Redis (redis-cli in the Redis pod, authenticated)", async () => {
    const username = secretValue("moontv-auth", "USERNAME");
    const password = secretValue("moontv-auth", "PASSWORD");
    const r = await request(`${serviceUrl}/api/login`, "POST", JSON.stringify({ username, password }));
    assert.equal(r.status, 200, r.body);
    const cookie = ([] as string[]).concat(r.headers["set-cookie"] ?? []).find((c) => c.startsWith("auth="));
    assert.ok(cookie, "the app set its auth cookie");
    const token = cookie.slice("auth=".length).split(";")[0];
    const key = `u:${username}:session`;
    assert.equal(redisCli("GET", key), token, "the session in Redis is the cookie's");
    assert.ok(Number(redisCli("TTL", key)) > 0, "the session expires");
    // Without the password Redis answers nothing.
    const anonymous = kubectl([
      "-n",
      NS,
      "exec",
      "redis-0",
      "-c",
      "redis",
      "--",
      "env",
      "REDISCLI_AUTH=",
      "redis-cli",
      "GET",
      key,
    ]);
    assert.match(anonymous, /NOAUTH/);
    signedIn = { key, token };
  });

  it("the read-only root holds: the app wrote only its volumes, and no log says EROFS or EACCES", () => {
    const [app] = appPods();
    const status = (app.status.containerStatuses as Kube[]).find((c) => c.name === "moontv")!;
    const spec = crictlInspect(status.containerID).info.runtimeSpec;
    assert.equal(spec.root.readonly, true, "containerd runs the app on a read-only root");
    // The only writable mounts from the pod's volumes are the two emptyDirs the Deployment declares.
    const writableVolumes = (spec.mounts as Kube[])
      .filter((m) => /\/volumes\//.test(m.source) && !(m.options as string[]).includes("ro"))
      .map((m) => m.destination)
      .sort();
    assert.deepEqual(writableVolumes, ["/app/.next/cache", "/app/public"]);
    for (const container of ["seed-public", "wait-for-redis", "moontv"]) {
      const log = kubectl(["-n", NS, "logs", app.metadata.name, "-c", container]);
      assert.doesNotMatch(log, /EROFS|EACCES|read-only file system|permission denied/i, `${container}'s log`);
    }
  });

  it("the init container really waits: with Redis scaled to 0 a new app pod stays in wait-for-redis, and starts once Redis is back", async () => {
    kubectl(["-n", NS, "scale", "statefulset", "redis", "--replicas=0"]);
    try {
      await waitUntil("redis-0 to be gone", 120_000, () => pods("app.kubernetes.io/name=redis").length === 0);
      const [old] = appPods();
      kubectl(["-n", NS, "delete", "pod", old.metadata.name, "--wait=true"]);
      let waiting = "";
      await waitUntil("a new app pod in wait-for-redis", 120_000, () => {
        const pod = appPods().find((p) => p.metadata.name !== old.metadata.name);
        const wait = (pod?.status.initContainerStatuses as Kube[] | undefined)?.find(
          (c) => c.name === "wait-for-redis",
        );
        if (pod && wait?.state.running) waiting = pod.metadata.name;
        return !!waiting;
      });
      // Long enough for a wait that gave up to show (a failed init container restarts or fails the pod).
      await new Promise((r) => setTimeout(r, 15_000));
      const held = kubectlJson(["-n", NS, "get", "pod", waiting]);
      const wait = (held.status.initContainerStatuses as Kube[]).find((c) => c.name === "wait-for-redis")!;
      assert.ok(wait.state.running, `wait-for-redis still running: ${JSON.stringify(wait.state)}`);
      assert.equal(wait.restartCount, 0);
      assert.equal(held.status.phase, "Pending", "the app's container has not started");
      kubectl(["-n", NS, "scale", "statefulset", "redis", "--replicas=1"]);
      await waitUntil("the same app pod Ready once Redis is back", 240_000, () => {
        const pod = kubectlJson(["-n", NS, "get", "pod", waiting]);
        return isReady(pod);
      });
      const started = kubectlJson(["-n", NS, "get", "pod", waiting]);
      const done = (started.status.initContainerStatuses as Kube[]).find((c) => c.name === "wait-for-redis")!;
      assert.equal(done.state.terminated?.exitCode, 0);
      assert.equal(done.restartCount, 0);
    } finally {
      kubectl(["-n", NS, "scale", "statefulset", "redis", "--replicas=1"]);
      await waitUntil("redis-0 Ready", 240_000, () => pods("app.kubernetes.io/name=redis").some(isReady));
    }
  });

  it("Redis's data survive: the sign-in is still there after redis-0 is deleted, and after an update that changes a Redis setting", async () => {
    assert.ok(signedIn, "the sign-in spec ran first");
    const claim = () => kubectlJson(["-n", NS, "get", "pvc", "data-redis-0"]);
    const before = { uid: claim().metadata.uid, volume: claim().spec.volumeName };
    const redisPodUid = () => kubectlJson(["-n", NS, "get", "pod", "redis-0"]).metadata.uid as string;
    const redisReady = async (what: string, oldUid: string) =>
      waitUntil(what, 240_000, () => {
        const pod = kubectlJson(["-n", NS, "get", "pod", "redis-0"]);
        return pod.metadata.uid !== oldUid && isReady(pod);
      });

    const first = redisPodUid();
    kubectl(["-n", NS, "delete", "pod", "redis-0", "--wait=true"]);
    await redisReady("a new redis-0 Ready", first);
    assert.equal(redisCli("GET", signedIn.key), signedIn.token, "after the pod was deleted");

    const second = redisPodUid();
    await stack.setConfig("moontv:redis.maxmemory", "80mb");
    const r = await stack.up();
    assert.equal(r.code, 0, r.output.slice(-4000));
    await redisReady("redis-0 replaced by the update", second);
    assert.equal(redisCli("CONFIG", "GET", "maxmemory").split("\n")[1], String(80 * 1024 * 1024));
    assert.equal(redisCli("GET", signedIn.key), signedIn.token, "after the update");
    assert.deepEqual(
      { uid: claim().metadata.uid, volume: claim().spec.volumeName },
      before,
      "the same claim and volume",
    );
    assert.equal(redisCli("CONFIG", "GET", "appendonly").split("\n")[1], "yes");
  });

  it("the MoonTV flavor with app.configJson: /api/search/resources returns the mounted site list", async () => {
    const oldIps = appPods().map((p) => p.status.podIP as string);
    await stack.setConfig("moontv:app.flavor", "moontv");
    await stack.setConfig("moontv:app.configJson", "config/moontv.config.json");
    const r = await stack.up();
    assert.equal(r.code, 0, r.output.slice(-4000));
    const config = JSON.parse(fs.readFileSync(path.join(stack.project, "config", "moontv.config.json"), "utf8"));
    const want = Object.entries(config.api_site as Record<string, { api: string; name: string }>).map(
      ([key, site]) => ({ key, name: site.name, api: site.api }),
    );
    await waitUntil(
      "every app pod on the new config",
      120_000,
      () => appPods().length === 1 && appPods().every(isReady),
    );
    // kube-proxy drops a replaced pod's rules a moment after its endpoint goes: until then a connection
    // to the Service may go to the old pod's address, where nothing answers (seen in CI: no answer in 10 s).
    await waitUntil("kube-proxy to stop sending to the replaced app pod", 60_000, () => dnatTo(oldIps).length === 0);
    const answer = await request(`${serviceUrl}/api/search/resources`);
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(JSON.parse(answer.body), want);
  });

  it("the README's local deploy block runs as written and ends with the app answering at the URL it prints", async () => {
    // A project of its own with the stack files as committed; the image is the one this suite built.
    const project = scratchProject("readme-deploy");
    const env = { MOONTV_IMAGE: (await stack.outputs()).imageRef as string };
    // The block uses .engine/env's own backend, as a user would: clear what a failed run may have left.
    await pulumi(["stack", "rm", "--yes", "--force", "dev"], { cwd: project });
    kubectl(["delete", "namespace", "moontv-dev", "--ignore-not-found", "--wait=true", "--timeout=180s"]);
    const lines = readmeBlock(fs.readFileSync(path.join(project, "README.md"), "utf8"), "local-deploy");
    const t0 = Date.now();
    const r = spawnSync("bash", ["-c", ["set -euo pipefail", ...lines].join("\n")], {
      cwd: project,
      env: engineEnv(env),
      encoding: "utf8",
      timeout: 900_000,
    });
    times.readmeBlock = Date.now() - t0;
    try {
      assert.equal(r.status, 0, `the README's commands failed:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
      const url = /^MoonTV: (http:\/\/\S+)$/m.exec(r.stdout)?.[1];
      assert.ok(url, `the block printed the app's URL:\n${r.stdout.slice(-2000)}`);
      assert.equal(r.stdout.trimEnd().split("\n").pop(), "200", "the block ends with the app's answer");
      assert.equal((await request(url)).status, 200);
    } finally {
      await pulumi(["destroy", "--yes", "--stack", "dev"], { cwd: project });
      await pulumi(["stack", "rm", "--yes", "dev"], { cwd: project });
      if (!process.env.MOONTV_E2E_KEEP) removeScratch(project);
    }
  });
});
