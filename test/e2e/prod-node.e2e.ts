/**
 * The prod stack really running on the local cluster's real node, with prod's own settings: two app
 * replicas built by BuildKit and scanned by the vulnerability gate (enforce, against a database the spec
 * builds), digests pinned for real through `moontv:registryMirrors`, Redis, Prometheus, the exporters and
 * node-exporter from their stand-in images, every NetworkPolicy enforced by kube-router. Prometheus scrapes
 * every target and fires RedisDown; the policies block what they promise to; rollouts under load drop
 * nothing; the app, Redis, the kubelet and containerd survive their faults; the PodDisruptionBudget
 * refuses an eviction that would break it.
 *
 * Where it departs from prod's file, and why: one platform (the arm64 build is image-platforms.e2e's),
 * Grafana off (the Go module proxy refuses to serve it: AGPL; the README names it), node-exporter on the
 * real node only (`monitoring.nodeExporterNodeSelector`: the fake nodes' pods cannot be scraped), and the
 * MoonTV flavor with a config.json (so that a config.json change can roll out under load).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APP_PORT } from "../../components/app/names";
import { JOBS, PORTS } from "../../components/monitoring/names";
import { REDIS_PORT } from "../../components/redis/names";
import { NODE_NAME, REAL_NODE_LABEL, realNodeNamespaceAnnotations } from "../../engine/cluster/node-network";
import { CONTAINERD_SOCKET, PIDS } from "../../engine/cluster/paths";
import { alive } from "../../engine/cluster/processes";
import { buildTrivyDb, missingScanTools, UNRELATED_ADVISORY } from "../support/trivy-db-fixture";
import { BIN, ROOT, engineEnv, isReady, kubectl, kubectlJson, type Kube } from "./support/engine";
import { request } from "./support/http";
import { createImageStack, type ImageStack } from "./support/image-stack";
import { rolloutUnderLoad, steadyLoad, type LoadResult } from "./support/load";
import { allTargetsUp, prometheusApi } from "./support/prometheus";
import { clientPod, reachFrom, resolveFrom, resolveWithImageTool } from "./support/network";
import { nodeScriptContainer, realNodeNamespace, restrictedPodSecurity } from "./support/pods";
import { waitUntil } from "./support/wait";

const NS = "moontv-prod-node";
const NODE_EXPORTER_NS = `${NS}-node-exporter`;
/** A namespace with no say: once `network.ingressNamespace` is set, it may not reach the app. */
const OTHER_NS = `${NS}-other`;
/** The namespace `network.ingressNamespace` names (where an ingress controller would run). */
const INGRESS_NS = `${NS}-ingress`;
const APP_LABELS = "app.kubernetes.io/name=moontv,app.kubernetes.io/component=web";
/** Requests a second of the rollouts' and faults' load (the issue's figure). */
const LOAD_PER_SECOND = 20;

const podsIn = (ns: string, selector?: string): Kube[] =>
  kubectlJson<{ items: Kube[] }>(["-n", ns, "get", "pods", ...(selector ? ["-l", selector] : [])]).items.filter(
    (p) => !p.metadata.deletionTimestamp,
  );
const appPods = () => podsIn(NS, APP_LABELS);

function crictl(...args: string[]): string {
  const r = spawnSync(path.join(BIN, "crictl"), ["--runtime-endpoint", `unix://${CONTAINERD_SOCKET}`, ...args], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`crictl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function clusterCommand(...args: string[]): string {
  const r = spawnSync(
    process.execPath,
    ["-r", path.join(ROOT, "tools", "ts-register.js"), path.join(ROOT, "engine", "cluster", "cluster.ts"), ...args],
    { cwd: ROOT, encoding: "utf8", timeout: 180_000 },
  );
  if (r.status !== 0) throw new Error(`cluster ${args.join(" ")} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Every container of `pods`: its ID and restart count, to compare before and after a fault. */
function containerStates(pods: Kube[]): Record<string, string> {
  return Object.fromEntries(
    pods.flatMap((p) =>
      (p.status.containerStatuses as Kube[]).map((c) => [
        `${p.metadata.name}/${c.name}`,
        `${c.containerID} ${c.restartCount}`,
      ]),
    ),
  );
}

function describeLoad(r: LoadResult): string {
  return `${r.sent} requests in ${(r.ms / 1000).toFixed(1)} s, ${r.failed} failed${r.failures.length ? `:\n  ${r.failures.slice(0, 20).join("\n  ")}` : ""}`;
}

describe("the prod stack on the real node (e2e)", function () {
  let stack: ImageStack;
  let serviceUrl: string;
  let prometheusUrl: string;
  let work: string;
  const figures: Record<string, string> = {};

  const prometheus = (query: string) => prometheusApi(prometheusUrl, query);

  async function upOk(what: string): Promise<void> {
    const r = await stack.up();
    if (r.code !== 0) throw new Error(`pulumi up (${what}) exited ${r.code}:\n${r.output.slice(-8000)}`);
  }

  /** Writes the MoonTV config.json the stack mounts: `sites` video sources. */
  function writeConfigJson(sites: number): void {
    const api_site = Object.fromEntries(
      Array.from({ length: sites }, (_, i) => [
        `site${i}`,
        { api: `http://site${i}.example/api.php/provide/vod`, name: `Site ${i}` },
      ]),
    );
    fs.writeFileSync(
      path.join(stack.project, "config", "prod-node.config.json"),
      JSON.stringify({ cache_time: 7200, api_site }),
    );
  }

  /** A `pulumi up` while the steady load runs against Service moontv; the app's pods must all be replaced. */
  async function rollout(what: string): Promise<LoadResult> {
    const r = await rolloutUnderLoad({
      url: `${serviceUrl}/login`,
      perSecond: LOAD_PER_SECOND,
      replicas: 2,
      pods: appPods,
      update: () => upOk(what),
    });
    figures[`rollout (${what})`] = `${(r.ms / 1000).toFixed(1)} s, ${r.load.sent} requests, ${r.load.failed} failed`;
    return r.load;
  }

  before(async function () {
    const env = engineEnv();
    const mirrors = JSON.parse(env.E2E_REGISTRY_MIRRORS ?? "{}") as Record<string, string>;
    assert.ok(
      mirrors["docker.io"] && mirrors["quay.io"],
      `.engine/env's E2E_REGISTRY_MIRRORS (${env.E2E_REGISTRY_MIRRORS}) lacks docker.io or quay.io: restart the cluster`,
    );
    const missing = missingScanTools();
    if (missing) throw new Error(missing);
    for (const ns of [NS, NODE_EXPORTER_NS, OTHER_NS, INGRESS_NS])
      kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=180s"]);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-prod-node-"));
    // The gate runs as prod's: enforce, on a database of its own holding an advisory no image has.
    const db = path.join(work, "trivy-db");
    buildTrivyDb(path.join(work, "trivy-db-build"), db, [UNRELATED_ADVISORY]);
    stack = await createImageStack({
      name: "prod-node",
      stack: "prod",
      namespace: NS,
      repo: `e2e/moontv-prod-${Date.now().toString(36)}`,
      image: { platforms: ["linux/amd64"], scan: { mode: "enforce", db: { directory: db } } },
      config: {
        "moontv:registryMirrors": mirrors,
        "moontv:kubernetes": { namespaceAnnotations: realNodeNamespaceAnnotations() },
        "moontv:monitoring": {
          grafana: false,
          nodeExporterNodeSelector: `${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
        },
        "moontv:app": { replicas: 2, flavor: "moontv", configJson: "config/prod-node.config.json" },
      },
    });
    writeConfigJson(2);
    const t0 = Date.now();
    await upOk("from empty");
    figures["pulumi up prod, empty to converged"] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    const svc = kubectlJson(["-n", NS, "get", "service", "moontv"]);
    serviceUrl = `http://${svc.spec.clusterIP}:${svc.spec.ports[0].port}`;
    const prom = kubectlJson(["-n", NS, "get", "pod", "prometheus-0"]);
    prometheusUrl = `http://${prom.status.podIP}:${PORTS.prometheus}`;
    realNodeNamespace(OTHER_NS);
    realNodeNamespace(INGRESS_NS);
    await Promise.all([clientPod(OTHER_NS, "client"), clientPod(INGRESS_NS, "client")]);
  });

  after(async function () {
    for (const ns of [OTHER_NS, INGRESS_NS]) kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=false"]);
    if (stack) await stack.remove();
    for (const ns of [NS, NODE_EXPORTER_NS]) kubectl(["delete", "namespace", ns, "--ignore-not-found", "--wait=false"]);
    if (work) fs.rmSync(work, { recursive: true, force: true });
    console.log(
      `      figures: ${Object.entries(figures)
        .map(([k, v]) => `${k}: ${v}`)
        .join("; ")}`,
    );
  });

  it("every pod of prod runs on the real node, Ready by its own probes, 0 restarts, in a namespace enforcing restricted", () => {
    const ns = kubectlJson(["get", "namespace", NS]);
    assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    const pods = podsIn(NS);
    const names = pods.map((p) => p.metadata.name as string);
    for (const want of [/^moontv-/, /^redis-0$/, /^prometheus-0$/, /^redis-exporter-/, /^blackbox-exporter-/])
      assert.ok(
        names.some((n) => want.test(n)),
        `a pod matching ${want} among ${names}`,
      );
    assert.equal(appPods().length, 2, "two app replicas");
    const nodeExporters = podsIn(NODE_EXPORTER_NS);
    assert.deepEqual(
      nodeExporters.map((p) => p.spec.nodeName),
      [NODE_NAME],
      "node-exporter runs on the real node only (its node selector)",
    );
    for (const pod of [...pods, ...nodeExporters]) {
      const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
      assert.equal(pod.spec.nodeName, NODE_NAME, `${name} runs on the real node`);
      assert.ok(isReady(pod), `${name} is Ready:\n${JSON.stringify(pod.status.conditions)}`);
      for (const c of pod.status.containerStatuses as Kube[]) {
        assert.ok(c.state.running, `${name}/${c.name} is running: ${JSON.stringify(c.state)}`);
        assert.equal(c.restartCount, 0, `${name}/${c.name} restarted`);
        assert.match(c.containerID, /^containerd:\/\//);
      }
    }
    // Digests pinned for real: every third-party image is deployed by digest, from the mirror.
    for (const pod of pods.filter((p) => !/^moontv-/.test(p.metadata.name)))
      for (const c of pod.spec.containers as Kube[])
        assert.match(c.image, /@sha256:[0-9a-f]{64}$/, `${pod.metadata.name}/${c.name}`);
  });

  it("the HPA reads the app's CPU from the cluster's metrics API (metrics-server)", async () => {
    let hpa: Kube = {};
    await waitUntil("the HPA to read the app's CPU", 150_000, () => {
      hpa = kubectlJson(["-n", NS, "get", "hpa", "moontv"]);
      const cpu = (hpa.status.currentMetrics as Kube[] | undefined)?.find((m) => m.resource?.name === "cpu");
      const active = (hpa.status.conditions as Kube[] | undefined)?.find((c) => c.type === "ScalingActive");
      return typeof cpu?.resource.current.averageUtilization === "number" && active?.status === "True";
    }).catch(() => {
      throw new Error(`the HPA reads no CPU: ${JSON.stringify(hpa.status)}`);
    });
    figures["app CPU as the HPA reads it"] =
      `${hpa.status.currentMetrics[0].resource.current.averageUtilization} % of requests`;
  });

  it("Prometheus scrapes every target (up == 1), has the rule files loaded, and the blackbox probe sees the app", async () => {
    const targets = await allTargetsUp(prometheusUrl, 180_000);
    const jobs = new Set(targets.map((t) => t.labels.job));
    for (const job of [JOBS.prometheus, JOBS.redis, JOBS.app, JOBS.node])
      assert.ok(jobs.has(job), `job ${job} in ${[...jobs]}`);
    const up = await prometheus(`query?query=${encodeURIComponent("min(up)")}`);
    assert.equal(up.result[0].value[1], "1", `min(up): ${JSON.stringify(up.result)}`);
    // The probe's result is its last scrape's: one taken while the app was still starting says 0.
    let probe: Kube = {};
    await waitUntil("probe_success == 1 (blackbox-exporter reaches the app)", 75_000, async () => {
      probe = await prometheus(`query?query=${encodeURIComponent("probe_success")}`);
      return probe.result[0]?.value[1] === "1";
    }).catch(() => {
      throw new Error(`probe_success: ${JSON.stringify(probe.result)}`);
    });
    const groups: Kube[] = (await prometheus("rules")).groups;
    const alerts = groups.flatMap((g) => g.rules.map((r: Kube) => r.name));
    for (const a of ["MoonTVDown", "RedisDown", "TargetDown"])
      assert.ok(alerts.includes(a), `alert ${a} loaded: ${alerts}`);
    for (const g of groups) for (const r of g.rules) assert.notEqual(r.health, "err", `rule ${r.name}: ${r.lastError}`);
  });

  it("the NetworkPolicies are enforced: from another namespace Redis and Prometheus refuse while the app answers; the app reaches Redis and DNS", () => {
    const redis = `redis.${NS}`;
    const prom = `prometheus.${NS}`;
    assert.equal(reachFrom(OTHER_NS, "client", redis, REDIS_PORT), "refused", "Redis from another namespace");
    assert.equal(reachFrom(OTHER_NS, "client", prom, PORTS.prometheus), "refused", "Prometheus from another namespace");
    assert.equal(reachFrom(OTHER_NS, "client", `moontv.${NS}`, APP_PORT), "open", "the app from another namespace");
    assert.equal(reachFrom(NS, "deploy/moontv", "redis", REDIS_PORT, "moontv"), "open", "Redis from the app");
    for (const name of ["redis", "prometheus", "moontv", "kubernetes.default"])
      assert.match(resolveFrom(NS, "deploy/moontv", name, "moontv"), /^10\.96\./, `the app resolves ${name}`);
  });

  it("every pod of the namespace resolves Service names from inside (exec), with its image's own resolver (redis-exporter, scratch, has none); node-exporter, denied all egress, cannot", () => {
    // Short names go through the pod's search path (busybox's nslookup searches dotless names only).
    const names = ["redis", "prometheus", "moontv", "kubernetes.default.svc.cluster.local"];
    const withoutResolver: string[] = [];
    for (const pod of podsIn(NS)) {
      for (const c of pod.spec.containers as Kube[]) {
        const where = `${NS}/${pod.metadata.name}/${c.name}`;
        for (const name of names) {
          if (c.name === "moontv") {
            // The app's image is the distroless Node runtime: Node's resolver (getaddrinfo) is the one it uses.
            assert.match(resolveFrom(NS, pod.metadata.name, name, c.name), /^10\.96\./, `${where} resolves ${name}`);
            continue;
          }
          const r = resolveWithImageTool(NS, pod.metadata.name, c.name, name);
          if (!r) {
            withoutResolver.push(c.name);
            break;
          }
          assert.ok(
            r.addresses.length > 0 && r.addresses.every((a) => a.startsWith("10.96.")),
            `${where} resolves ${name} to Service addresses with ${r.tool}: ${r.output}`,
          );
        }
      }
    }
    // Its name resolution shows in the target that scrapes it: redis_up needs the name `redis` resolved.
    assert.deepEqual(withoutResolver, ["redis-exporter"], "the containers with no resolver program");
    // node-exporter needs no egress, so its namespace's default-deny has no DNS exception: kube-router
    // refuses the query. A DNS rule added there would make this fail.
    const nodeExporters = podsIn(NODE_EXPORTER_NS);
    assert.equal(nodeExporters.length, 1, "one node-exporter pod to ask");
    for (const pod of nodeExporters) {
      const r = resolveWithImageTool(
        NODE_EXPORTER_NS,
        pod.metadata.name,
        "node-exporter",
        `prometheus.${NS}.svc.cluster.local`,
      );
      assert.ok(r, "node-exporter's image has a resolver program (busybox)");
      assert.deepEqual(r.addresses, [], `node-exporter resolved a name: ${r.output}`);
      assert.match(r.output, /Connection refused/, "kube-router refuses node-exporter's DNS query");
    }
  });

  it("with network.ingressNamespace only that namespace reaches the app; a range in network.egressExcept is unreachable from the app", async () => {
    // A server on this machine, in the pod network, on a port the app may reach (80): its /32 is the range.
    kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "web", namespace: OTHER_NS },
        spec: {
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurity(),
          containers: [
            nodeScriptContainer(
              "web",
              engineEnv().E2E_RUNTIME_BASE!,
              `require("http").createServer((q, s) => s.end("ok")).listen(80)`,
            ),
          ],
        },
      }),
    );
    let webIp = "";
    await waitUntil("the web pod Ready", 120_000, () => {
      const pod = kubectlJson(["-n", OTHER_NS, "get", "pod", "web"]);
      webIp = pod.status.podIP ?? "";
      return !!webIp && !!isReady(pod);
    });
    assert.equal(reachFrom(NS, "deploy/moontv", webIp, 80, "moontv"), "open", "the web pod from the app, before");
    await stack.setConfig("moontv:network.ingressNamespace", INGRESS_NS);
    await stack.setConfig("moontv:network.egressExcept[0]", `${webIp}/32`);
    await upOk("ingressNamespace and egressExcept");
    await waitUntil(
      "kube-router to apply the new policies",
      60_000,
      () => reachFrom(OTHER_NS, "client", `moontv.${NS}`, APP_PORT) !== "open",
    );
    assert.equal(reachFrom(OTHER_NS, "client", `moontv.${NS}`, APP_PORT), "refused", "the app from another namespace");
    assert.equal(
      reachFrom(INGRESS_NS, "client", `moontv.${NS}`, APP_PORT),
      "open",
      "the app from the ingress namespace",
    );
    assert.equal(reachFrom(NS, "deploy/moontv", webIp, 80, "moontv"), "refused", "the excepted range from the app");
    assert.equal(reachFrom(NS, "deploy/moontv", "redis", REDIS_PORT, "moontv"), "open", "Redis from the app, still");
    // The blackbox exporter still probes the app (the policy lets it in beside the ingress namespace).
    const probe = await prometheus(`query?query=${encodeURIComponent("probe_success")}`);
    assert.equal(probe.result[0]?.value[1], "1", `probe_success: ${JSON.stringify(probe.result)}`);
  });

  it(`a rollout that changes an env value drops nothing (${LOAD_PER_SECOND} requests/s through Service moontv)`, async () => {
    await stack.setConfig("moontv:app.siteName", "MoonTV rollout test");
    const r = await rollout("siteName");
    assert.equal(r.failed, 0, describeLoad(r));
    assert.ok(r.sent >= LOAD_PER_SECOND * 10, `the load ran through the rollout: ${describeLoad(r)}`);
    const env = kubectlJson(["-n", NS, "get", "deployment", "moontv"]).spec.template.spec.containers[0].env as Kube[];
    assert.ok(
      env.some((e) => e.value === "MoonTV rollout test"),
      "the new env value is deployed",
    );
  });

  it("a rollout that changes config.json drops nothing, and the new pods serve the new sites", async () => {
    writeConfigJson(3);
    const r = await rollout("config.json");
    assert.equal(r.failed, 0, describeLoad(r));
    const answer = await request(`${serviceUrl}/api/search/resources`);
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(
      (JSON.parse(answer.body) as Kube[]).map((s) => s.key),
      ["site0", "site1", "site2"],
    );
  });

  it("the PodDisruptionBudget lets one app pod be evicted and refuses the second (Eviction API)", async () => {
    const [first, second] = appPods().map((p) => p.metadata.name as string);
    const evict = (pod: string) =>
      spawnSync(
        path.join(BIN, "kubectl"),
        ["create", "--raw", `/api/v1/namespaces/${NS}/pods/${pod}/eviction`, "-f", "-"],
        {
          env: engineEnv(),
          encoding: "utf8",
          input: JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace: NS } }),
        },
      );
    const one = evict(first);
    assert.equal(one.status, 0, `the first eviction is allowed: ${one.stderr}`);
    const two = evict(second);
    assert.notEqual(two.status, 0, "the second eviction is refused");
    assert.match(two.stderr, /TooManyRequests|disruption budget/i, two.stderr);
    await waitUntil("two app pods Ready again", 180_000, () => appPods().length === 2 && appPods().every(isReady));
  });

  it("the app's process killed (SIGKILL) is restarted by the kubelet, and the Service keeps answering from the other replica", async () => {
    const [victim] = appPods();
    const id = (victim.status.containerStatuses as Kube[])[0].containerID.replace("containerd://", "");
    const load = steadyLoad(`${serviceUrl}/login`, LOAD_PER_SECOND, 120_000);
    let r: LoadResult;
    try {
      await new Promise((res) => setTimeout(res, 2_000));
      crictl("stop", "--timeout", "0", id);
      await waitUntil("the kubelet to restart the app's container, Ready again", 120_000, () => {
        const pod = kubectlJson(["-n", NS, "get", "pod", victim.metadata.name]);
        const c = (pod.status.containerStatuses as Kube[])[0];
        return c.restartCount === 1 && !!c.state.running && !!isReady(pod);
      });
      await new Promise((res) => setTimeout(res, 2_000));
    } finally {
      r = await load.stop();
    }
    figures["load while an app container was killed"] = `${r.sent} requests, ${r.failed} failed`;
    const silent = r.okPerSecond.map((n, s) => [s, n]).filter(([, n]) => n === 0);
    assert.deepEqual(silent, [], `every second some request answered 200: ${describeLoad(r)}`);
  });

  it("Redis killed (SIGKILL) and its pod deleted loses no key the app wrote at least 1 s before", async () => {
    const secret = kubectlJson(["-n", NS, "get", "secret", "moontv-auth"]);
    const value = (k: string) => Buffer.from(secret.data[k] as string, "base64").toString("utf8");
    const login = await request(
      `${serviceUrl}/api/login`,
      "POST",
      JSON.stringify({ username: value("USERNAME"), password: value("PASSWORD") }),
    );
    assert.equal(login.status, 200, login.body);
    const key = `u:${value("USERNAME")}:session`;
    const redisCli = (...args: string[]) =>
      kubectl(["-n", NS, "exec", "redis-0", "-c", "redis", "--", "redis-cli", ...args]).trim();
    const stored = redisCli("GET", key);
    assert.ok(stored, `the sign-in is in Redis (${key})`);
    // AOF everysec: what was acknowledged a second ago is on disk.
    await new Promise((res) => setTimeout(res, 1_100));
    const redisPod = kubectlJson(["-n", NS, "get", "pod", "redis-0"]);
    const id = (redisPod.status.containerStatuses as Kube[])
      .find((c) => c.name === "redis")!
      .containerID.replace("containerd://", "");
    crictl("stop", "--timeout", "0", id);
    kubectl(["-n", NS, "delete", "pod", "redis-0", "--wait=true"]);
    await waitUntil("a new redis-0 Ready", 180_000, () => {
      const pod = podsIn(NS).find((p) => p.metadata.name === "redis-0");
      return !!pod && pod.metadata.uid !== redisPod.metadata.uid && !!isReady(pod);
    });
    assert.equal(redisCli("GET", key), stored, "the key survived the kill");
  });

  it("RedisDown fires within its for plus the scrape and evaluation intervals after Redis is scaled to 0, and resolves when it is back", async () => {
    const alertState = async () =>
      ((await prometheus("alerts")).alerts as Kube[]).find((a) => a.labels.alertname === "RedisDown")?.state as
        string | undefined;
    // The Redis kill before may have left RedisDown pending (its exporter saw Redis gone): it must clear
    // first, within the scrape and evaluation after Redis came back.
    await waitUntil(
      "RedisDown inactive before Redis is stopped",
      150_000,
      async () => (await alertState()) === undefined,
    );
    // prod: scrape and evaluation every 30 s, RedisDown `for: 1m`. The exporter sees Redis gone at its
    // next scrape (≤ 30 s), the rule at its next evaluation (≤ 30 s), then 1 m pending, then fires at the
    // next evaluation (≤ 30 s): at most 150 s, plus 15 s of slack.
    const limit = 165_000;
    kubectl(["-n", NS, "scale", "statefulset", "redis", "--replicas=0"]);
    const t0 = Date.now();
    try {
      await waitUntil("RedisDown firing", limit, async () => (await alertState()) === "firing");
      figures["RedisDown firing after Redis stopped"] = `${((Date.now() - t0) / 1000).toFixed(0)} s`;
    } finally {
      kubectl(["-n", NS, "scale", "statefulset", "redis", "--replicas=1"]);
    }
    await waitUntil("RedisDown resolved", 150_000, async () => (await alertState()) === undefined);
    await waitUntil("redis-0 Ready", 120_000, () =>
      podsIn(NS).some((p) => p.metadata.name === "redis-0" && isReady(p)),
    );
  });

  it("the kubelet and containerd restarted leave every pod running: same containers, no restart", async () => {
    await waitUntil("every pod Ready", 120_000, () => podsIn(NS).every(isReady));
    const before = containerStates(podsIn(NS));
    const restartedAt = Date.now();
    clusterCommand("restart", "containerd", "kubelet");
    // The new kubelet must run and report: its lease renewed after the restart, the node Ready.
    await waitUntil("the restarted kubelet's heartbeat, the node Ready and every pod Ready", 120_000, () => {
      const lease = kubectlJson(["-n", "kube-node-lease", "get", "lease", NODE_NAME]);
      const node = kubectlJson(["get", "node", NODE_NAME]);
      return Date.parse(lease.spec.renewTime) > restartedAt && isReady(node) && podsIn(NS).every(isReady);
    });
    const pids = JSON.parse(fs.readFileSync(PIDS, "utf8")) as Array<{ name: string; pid: number }>;
    for (const name of ["containerd", "kubelet"]) {
      const p = pids.find((e) => e.name === name);
      assert.ok(p && alive(p.pid), `${name} runs after its restart`);
    }
    assert.deepEqual(containerStates(podsIn(NS)), before);
    const r = await request(`${serviceUrl}/login`);
    assert.equal(r.status, 200);
  });
});
