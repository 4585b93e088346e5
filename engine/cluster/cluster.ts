/**
 * `npm run cluster -- up | down | status | reset | wipe-builder`: a local Kubernetes cluster built from the
 * pinned modules by `npm run engine:build`: the control plane, a TLS registry and a BuildKit builder, one
 * real node (containerd, the kubelet, the CNI bridge, kube-proxy, CoreDNS) and KWOK's two fake nodes, and
 * `.engine/env` for running `pulumi` and `kubectl` against it by hand. `up` is a list of small steps
 * (steps/), one status line each; every process is started detached, recorded by PID, and stopped by PID;
 * what the node leaves on the host (mounts, the bridge, iptables chains, sysctls) is undone by `down`, and
 * cleared by the next `up` after a crash.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { clearNodeLeftovers, applyNodeHostSettings, recordHost, restoreHost } from "./host-state";
import { ENGINE_DIR, ENV_FILE, KUBECONFIG, STATE, BUILDKIT_STATE, BIN } from "./paths";
import { ensurePki } from "./pki";
import { alive, binary, logTail, readPids, restart, stopAll } from "./processes";
import { runSteps, type ClusterContext, type Step } from "./step";
import { builder, startBuildkitd, waitForBuilder } from "./steps/builder";
import { clusterDns } from "./steps/dns";
import { containerRuntime, waitForContainerd } from "./steps/container-runtime";
import { controlPlane } from "./steps/control-plane";
import { metrics } from "./steps/metrics";
import { networkPolicy } from "./steps/network-policy";
import { nodes } from "./steps/node";
import { podNetwork } from "./steps/pod-network";
import { registry } from "./steps/registry";
import { serviceNetwork } from "./steps/service-network";
import { storage } from "./steps/storage";

/** What `up` runs: each built by `npm run engine:build`. */
export const CLUSTER_BINARIES = [
  "etcd",
  "registry",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubectl",
  "kwok",
  "pulumi",
  "buildkitd",
  "buildx",
  "dockerfile-frontend",
  "containerd",
  "containerd-shim-runc-v2",
  "ctr",
  "kubelet",
  "kube-proxy",
  "bridge",
  "host-local",
  "loopback",
  "portmap",
  "coredns",
  "local-path-provisioner",
  "kube-router",
  "metrics-server",
];

/** `up`, in order: each a file of its own under steps/. */
export const UP_STEPS: Step[] = [
  podNetwork,
  controlPlane,
  registry,
  builder,
  containerRuntime,
  nodes,
  serviceNetwork,
  networkPolicy,
  clusterDns,
  storage,
  metrics,
];

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(1);
}

/** The passphrase of the local file backend's stacks: made once, kept with the engine, never committed. */
function passphrase(): string {
  const file = path.join(ENGINE_DIR, "passphrase");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(18).toString("base64url"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

function envFileText(state: string, image: Record<string, string>): string {
  const vars: Record<string, string> = {
    // The engine's binaries, then the Node.js that ran `up` (the language host runs programs and packs on
    // the first node on PATH).
    PATH: `${BIN}:${path.dirname(process.execPath)}:$PATH`,
    KUBECONFIG,
    PULUMI_HOME: path.join(ENGINE_DIR, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase(),
    // The engine takes exactly the plugins engine:build installed (providers in PULUMI_HOME, the language
    // host beside the CLI), never one found on PATH, and never tries a download.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    // Node.js 22+ keeps the code V8 compiled of each module here, so the program and the policy pack
    // (TypeScript's compiler, the SDKs) start faster at every preview: measured, the pack's share of a
    // prod preview fell from +30 % to +20 % (README, Benchmarks).
    NODE_COMPILE_CACHE: path.join(ENGINE_DIR, "node-compile-cache"),
    ...image,
  };
  return (
    "# Written by `npm run cluster -- up`; source it to run pulumi and kubectl against the local cluster.\n" +
    Object.entries(vars)
      .map(([k, v]) => (k === "PATH" ? `export PATH="${v}"` : `export ${k}='${v}'`))
      .join("\n") +
    "\n"
  );
}

async function up(): Promise<void> {
  const running = readPids().filter((p) => alive(p.pid));
  if (running.length) {
    console.log(
      `cluster: already up (${running.map((p) => `${p.name} ${p.pid}`).join(", ")}); \`down\` first to restart`,
    );
    return;
  }
  CLUSTER_BINARIES.forEach(binary);
  if (process.getuid?.() !== 0)
    fail("the node (containerd, the kubelet, the pods' network) and buildkitd need root: run `up` as root");
  fs.mkdirSync(STATE, { recursive: true });
  const left = clearNodeLeftovers();
  if (left.length) console.log(`cluster: cleared what an earlier run left: ${left.join(", ")}`);
  recordHost();
  applyNodeHostSettings();
  const ctx: ClusterContext = { started: [], pki: ensurePki(path.join(STATE, "pki")), env: {} };
  const t0 = Date.now();
  try {
    await runSteps(UP_STEPS, ctx);
  } catch (err) {
    await stopAll(ctx.started);
    clearNodeLeftovers();
    restoreHost();
    fail(`${(err as Error).message}\n(every process this run started was stopped, and the host restored)`);
  }
  const state = path.join(STATE, "pulumi-state");
  fs.mkdirSync(state, { recursive: true });
  fs.writeFileSync(ENV_FILE, envFileText(state, ctx.env), { mode: 0o600 });
  console.log(
    `cluster: up in ${((Date.now() - t0) / 1000).toFixed(1)} s; \`source .engine/env\` to use it (logs: .engine/cluster/logs)`,
  );
}

/** `down`: every process by PID, then what the node left on the host. */
async function down(): Promise<void> {
  await stopAll(readPids());
  const left = clearNodeLeftovers();
  if (left.length) console.log(`cluster: removed ${left.join(", ")}`);
  restoreHost();
}

/**
 * When a restarted process counts as up: containerd once it answers on its socket (the kubelet, started
 * next, exits if it does not); any other once it still runs 3 s after its start.
 */
async function restartedReady(name: string): Promise<void> {
  if (name === "containerd") return waitForContainerd();
  await new Promise((r) => setTimeout(r, 3_000));
  const p = readPids().find((e) => e.name === name);
  if (!p || !alive(p.pid)) throw new Error(`${name} exited after its restart; its log ends:\n${logTail(name)}`);
}

/** `wipe-builder`: buildkitd restarted with empty state (a fresh builder, as on another machine). */
async function wipeBuilder(): Promise<void> {
  const pids = readPids();
  const old = pids.find((p) => p.name === "buildkitd");
  if (!old || !alive(old.pid)) fail("buildkitd is not running: `npm run cluster -- up` first");
  await stopAll([old], false);
  fs.rmSync(BUILDKIT_STATE, { recursive: true, force: true });
  const rest = pids.filter((p) => p !== old);
  startBuildkitd(rest);
  const env = { ...process.env };
  for (const line of fs.readFileSync(ENV_FILE, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)='([^']*)'$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  await waitForBuilder(env);
  console.log("cluster: buildkitd restarted with empty state");
}

async function main(): Promise<void> {
  const command = process.argv[2];
  switch (command) {
    case "up":
      return up();
    case "down":
      return down();
    case "wipe-builder":
      return wipeBuilder();
    case "restart": {
      const names = process.argv.slice(3);
      if (!names.length) fail("restart: name the processes to restart, e.g. `restart kubelet containerd`");
      for (const p of await restart(names, restartedReady)) console.log(`cluster: restarted ${p.name} (pid ${p.pid})`);
      return;
    }
    case "reset":
      await down();
      fs.rmSync(STATE, { recursive: true, force: true });
      fs.rmSync(ENV_FILE, { force: true });
      console.log("cluster: state removed (etcd data, certificates, images, stacks of the local backend)");
      return;
    case "status": {
      const pids = readPids();
      if (!pids.length) console.log("cluster: down");
      for (const p of pids)
        console.log(`${p.name.padEnd(24)} pid ${p.pid} port ${p.port} ${alive(p.pid) ? "running" : "exited"}`);
      return;
    }
    default:
      fail(`unknown command ${JSON.stringify(command ?? "")}; allowed: up, down, status, reset, wipe-builder, restart`);
  }
}

if (require.main === module) {
  main().catch((err) => fail((err as Error).message));
}
