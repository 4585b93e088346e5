/**
 * The local cluster's real node: containerd runs the pods (images pulled from the cluster's registry), the
 * kubelet's own probes make them Ready, ClusterIP Services route (kube-proxy) from the host and from pods,
 * CoreDNS answers cluster names (and only those), claims are bound and really mounted, no pod has a route
 * off the machine; and the node survives a crash of every cluster process, and `down` leaves the host as
 * it found it. The workloads run the stand-in runtime base's node (E2E_RUNTIME_BASE), a real image.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NODE_NAME, POD_CIDR, REAL_NODE_LABEL } from "../../engine/cluster/node-network";
import { CONTAINERD_SOCKET, PIDS } from "../../engine/cluster/paths";
import { alive } from "../../engine/cluster/processes";
import { LOCAL_PATH_DIR, STORAGE_CLASS } from "../../engine/cluster/local-path";
import { HOST_PATHS, NODE_SYSCTLS } from "../../engine/cluster/host-state";
import { KUBE_ROUTER_IPSET } from "../../engine/cluster/network-policy";
import { BIN, ROOT, engineEnv, isReady, kubectl, kubectlJson, type Kube } from "./support/engine";
import { request } from "./support/http";
import { nodeInPod, nodeScriptContainer, realNodeNamespace, restrictedPodSecurity } from "./support/pods";
import { waitUntil } from "./support/wait";

const NS = `node-${Date.now()}`;
const WEB_PORT = 8080;
/** A tiny HTTP server in the runtime base's own node: answers its pod's name. */
const WEB_SERVER = `require("http").createServer((q, s) => s.end(require("os").hostname())).listen(${WEB_PORT})`;

/** Runs `node -e script` in a pod of the web Deployment; answers its output. */
const nodeInWebPod = (pod: string, script: string) => nodeInPod(NS, pod, script);

function webPods(): Kube[] {
  return kubectlJson(["-n", NS, "get", "pods", "-l", "app=web"]).items;
}

function versionOf(binary: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(path.join(BIN, binary), args, { encoding: "utf8", env });
  return `${r.stdout}${r.stderr}`;
}

function clusterCommand(command: string): string {
  const r = spawnSync(
    process.execPath,
    ["-r", path.join(ROOT, "tools", "ts-register.js"), path.join(ROOT, "engine", "cluster", "cluster.ts"), command],
    { cwd: ROOT, encoding: "utf8", timeout: 600_000 },
  );
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`cluster ${command} exited ${r.status}:\n${out}`);
  return out;
}

/** What a node could leave on the host: rules (no counters), links, mounts, sysctls, paths, processes. */
function hostSnapshot() {
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: "utf8" }).stdout ?? "";
  const rules = ["iptables-save", "ip6tables-save"].map((cmd) =>
    run(cmd, [])
      .split("\n")
      .filter((l) => l && !l.startsWith("#"))
      .map((l) => l.replace(/\[\d+:\d+\]/g, "")),
  );
  const links = run("ip", ["-o", "link", "show"])
    .split("\n")
    .map((l) => /^\d+: ([^:@]+)/.exec(l)?.[1])
    .filter(Boolean);
  // Each mount point with its propagation (`shared:N` or none): up makes "/" shared, down puts it back.
  const mounts = fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => `${l.split(" ")[4]} ${/ shared:\d+/.test(l.split(" - ")[0]) ? "shared" : "private"}`)
    .sort();
  const sysctls = Object.fromEntries(
    Object.keys(NODE_SYSCTLS).map((k) => [k, fs.readFileSync(path.join("/proc/sys", k), "utf8").trim()]),
  );
  const paths = Object.fromEntries(HOST_PATHS.map((p) => [p, fs.existsSync(p)]));
  const ipsets = run("ipset", ["list", "-n"]).split("\n").filter(Boolean).sort();
  const processes = fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map((pid) => {
      try {
        const exe = fs.readlinkSync(`/proc/${pid}/exe`);
        const inPod = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8").includes("/kubepods");
        return exe.startsWith(BIN + "/") || exe.includes("/moontv-engine/") || inPod ? `${pid} ${exe}` : "";
      } catch {
        return ""; // gone meanwhile
      }
    })
    .filter(Boolean);
  return { rules, links, mounts, sysctls, paths, ipsets, processes };
}

async function webReady(): Promise<void> {
  await waitUntil("2 web pods Running and Ready on the real node", 180_000, () => {
    const pods = webPods();
    return pods.length === 2 && pods.every((p) => p.status.phase === "Running" && isReady(p));
  });
}

describe("the real node (e2e)", function () {
  let image: string;

  before(async function () {
    image = engineEnv().E2E_RUNTIME_BASE ?? "";
    assert.ok(image, ".engine/env exports no E2E_RUNTIME_BASE: the cluster's stand-ins are missing");
    realNodeNamespace(NS);
    const web = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            securityContext: restrictedPodSecurity(),
            containers: [
              {
                ...nodeScriptContainer("web", image, WEB_SERVER),
                ports: [{ containerPort: WEB_PORT }],
                readinessProbe: { httpGet: { path: "/", port: WEB_PORT }, periodSeconds: 1 },
              },
            ],
          },
        },
      },
    };
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: NS },
      spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: WEB_PORT }] },
    };
    kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [web, service] }));
    await webReady();
  });

  after(() => {
    kubectl(["delete", "namespace", NS, "--wait=false", "--ignore-not-found"]);
  });

  it("each piece of the node reports the version it was built from", () => {
    assert.match(versionOf("kubelet", ["--version"]), /Kubernetes v1\.36\.1/);
    assert.match(versionOf("kube-proxy", ["--version"]), /Kubernetes v1\.36\.1/);
    assert.match(versionOf("containerd", ["--version"]), /containerd github\.com\/containerd\/containerd\/v2 v2\.4\.2/);
    assert.match(versionOf("ctr", ["--version"]), /ctr github\.com\/containerd\/containerd\/v2 v2\.4\.2/);
    assert.match(versionOf("containerd-shim-runc-v2", ["-v"]), /v2\.4\.2/);
    for (const plugin of ["bridge", "host-local", "loopback", "portmap"])
      assert.match(versionOf(plugin, [], { ...process.env, CNI_COMMAND: "VERSION" }), /"cniVersion"/, plugin);
    assert.match(versionOf("bridge", []), /CNI bridge plugin v1\.10\.0/);
    assert.match(versionOf("coredns", ["-version"]), /CoreDNS-1\.15\.0/);
    assert.match(versionOf("local-path-provisioner", ["--version"]), /version v0\.0\.30/);
    assert.match(versionOf("kube-router", ["--version"]), /kube-router version v2\.1\.0,/);
    assert.match(versionOf("metrics-server", ["--version"]), /v0\.8\.0/);
    const node = kubectlJson(["get", "node", NODE_NAME]);
    assert.equal(node.status.nodeInfo.kubeletVersion, "v1.36.1");
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/v?2\.4\.2/);
  });

  it("runs a Deployment's pods under containerd, Ready by the kubelet's own probe, with pod IPs on the bridge", () => {
    const prefix = POD_CIDR.split(".").slice(0, 3).join(".") + ".";
    for (const pod of webPods()) {
      assert.equal(pod.spec.nodeName, NODE_NAME, `${pod.metadata.name} runs on the real node`);
      assert.equal(pod.spec.nodeSelector?.[REAL_NODE_LABEL.key], REAL_NODE_LABEL.value, "the namespace's selector");
      assert.ok(pod.status.podIP.startsWith(prefix), `${pod.metadata.name}: pod IP ${pod.status.podIP} in ${POD_CIDR}`);
      const web = pod.status.containerStatuses.find((c: Kube) => c.name === "web");
      assert.equal(web.restartCount, 0);
      assert.ok(web.state.running, JSON.stringify(web.state));
      assert.match(web.containerID, /^containerd:\/\//);
    }
    const r = spawnSync(
      path.join(BIN, "crictl"),
      [
        "--runtime-endpoint",
        `unix://${CONTAINERD_SOCKET}`,
        "ps",
        "--name",
        "^web$",
        "--label",
        `io.kubernetes.pod.namespace=${NS}`,
        "-q",
      ],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split("\n").length, 2, "crictl lists both web containers");
  });

  it("routes a ClusterIP Service from the host and, by its DNS name, from a pod", async () => {
    const svc = kubectlJson(["-n", NS, "get", "service", "web"]);
    const names = new Set(webPods().map((p) => p.metadata.name));
    // kube-proxy programs a Service's rules a moment after its endpoints turn ready: wait for that, then
    // every answer must come from one of the two pods, and both must answer.
    const seen = new Set<string>();
    await waitUntil(`Service web (${svc.spec.clusterIP}) to route from the host to both pods`, 30_000, async () => {
      const pod = (await request(`http://${svc.spec.clusterIP}/`, "GET", undefined, 2_000)).body;
      assert.ok(names.has(pod), `an answer from ${pod}, not one of the web pods`);
      seen.add(pod);
      return seen.size === names.size;
    });
    const [first] = webPods();
    const answer = nodeInWebPod(
      first.metadata.name,
      `fetch("http://web.${NS}.svc.cluster.local/").then(r => r.text()).then(t => console.log(t))`,
    );
    assert.ok(names.has(answer), `a pod reached the Service by name: ${answer}`);
  });

  it("resolves cluster names only, and gives pods no route off the machine", () => {
    const [pod] = webPods();
    const name = pod.metadata.name;
    assert.equal(
      nodeInWebPod(
        name,
        `require("dns").lookup("kubernetes.default.svc.cluster.local", (e, a) => console.log(e ? e.code : a))`,
      ),
      "10.96.0.1",
    );
    // CoreDNS forwards nothing: a name outside the cluster gets no answer (and no query leaves the machine).
    assert.doesNotMatch(
      nodeInWebPod(name, `require("dns").lookup("example.com", (e, a) => console.log(e ? e.code : a))`),
      /^\d+\.\d+\.\d+\.\d+$/,
    );
    // /proc/net/route: destination 00000000 is a default route; a pod has none.
    const routes = nodeInWebPod(name, `console.log(require("fs").readFileSync("/proc/net/route", "utf8"))`);
    const destinations = routes
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[1]);
    assert.ok(destinations.length > 0, routes);
    assert.ok(!destinations.includes("00000000"), `no default route in the pod:\n${routes}`);
  });

  it("binds a claim with the local-path provisioner on the real node, and a non-root pod writes to it", async () => {
    const ns = `${NS}-claim`;
    realNodeNamespace(ns);
    try {
      const claim = {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: "data", namespace: ns },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      };
      // As the program's pods run: a uid of their own, nothing else allowed (PodSecurity restricted).
      const pod = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "writer", namespace: ns },
        spec: {
          restartPolicy: "Never",
          securityContext: restrictedPodSecurity(),
          containers: [
            {
              name: "writer",
              image,
              args: ["-e", `require("fs").writeFileSync("/data/marker", "${ns}")`],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              volumeMounts: [{ name: "data", mountPath: "/data" }],
            },
          ],
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
        },
      };
      kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: [claim, pod] }));
      await waitUntil("the writer pod to succeed", 120_000, () => {
        const phase = kubectlJson(["-n", ns, "get", "pod", "writer"]).status.phase;
        if (phase === "Failed") throw new Error(kubectl(["-n", ns, "logs", "writer"]));
        return phase === "Succeeded";
      });
      const bound = kubectlJson(["-n", ns, "get", "pvc", "data"]);
      assert.equal(bound.status.phase, "Bound");
      assert.equal(bound.metadata.annotations["volume.kubernetes.io/selected-node"], NODE_NAME);
      const volume = kubectlJson(["get", "pv", bound.spec.volumeName]);
      assert.equal(volume.spec.storageClassName, STORAGE_CLASS);
      assert.equal(path.dirname(volume.spec.hostPath.path), LOCAL_PATH_DIR);
      const marker = path.join(volume.spec.hostPath.path, "marker");
      assert.equal(fs.readFileSync(marker, "utf8"), ns, `the pod's write landed in the volume's directory ${marker}`);
      assert.equal(fs.statSync(marker).uid, 1001, "written by the pod's uid");
    } finally {
      kubectl(["delete", "namespace", ns, "--wait=false"]);
    }
  });

  it("`down` stops every process of the cluster and leaves the host's iptables, links, mounts, sysctls and paths as `up` found them", async () => {
    clusterCommand("down");
    const found = hostSnapshot();
    assert.deepEqual(found.processes, [], "no process of the cluster outlives `down`");
    assert.deepEqual(
      found.ipsets.filter((n) => KUBE_ROUTER_IPSET.test(n)),
      [],
      "no ipset of kube-router outlives `down`",
    );
    clusterCommand("up");
    assert.notDeepEqual(hostSnapshot().links, found.links, "up made the bridge and the pods' veths");
    clusterCommand("down");
    assert.deepEqual(hostSnapshot(), found);
    clusterCommand("up");
    await webReady();
  });

  it("comes back after every cluster process is killed (SIGKILL): up clears what was left, the pods run again", async () => {
    const pids = JSON.parse(fs.readFileSync(PIDS, "utf8")) as Array<{ pid: number }>;
    for (const { pid } of pids) process.kill(pid, "SIGKILL");
    await waitUntil("the killed processes to be gone", 10_000, () => pids.every(({ pid }) => !alive(pid)));
    const out = clusterCommand("up");
    assert.match(out, /cleared what an earlier run left: .*(shims|mounts|bridge)/);
    for (const step of [
      "pod network",
      "control plane",
      "registry",
      "builder",
      "container runtime",
      "node",
      "service network",
      "network policy",
      "DNS",
      "storage",
      "metrics",
    ])
      assert.match(out, new RegExp(`✓ ${step} \\(\\d+\\.\\d s\\)`), `a status line for ${step}`);
    await webReady();
  });
});
