/**
 * `npm run cluster -- up | down | status | reset`: a local Kubernetes control plane on 127.0.0.1, built
 * from the pinned modules by `npm run engine:build` (etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, KWOK's controller faking two nodes), and `.engine/env` for running `pulumi` and
 * `kubectl` against it by hand. Every process is started detached, recorded by PID, and stopped by PID.
 */
import { spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ensurePki, type Pki } from "./pki";
import { freePort, requireBinary } from "./host-tools";
import { waitFor } from "./wait";
import { kwokConfig, fakeNodes, storageClass } from "./objects";
import {
  BUILDER_NAME,
  builderReady,
  buildkitdConfig,
  createBuilder,
  ensureArm64Emulation,
  httpsOk,
  makeRegistryPki,
  pushImages,
  registryConfig,
  registryAddress,
  type RegistryPki,
} from "./builder";
import { hostArch, type StandInArch } from "../image/standins";

const ROOT = path.resolve(__dirname, "..", "..");
const ENGINE_DIR = path.join(ROOT, ".engine");
const BIN = path.join(ENGINE_DIR, "bin");
const STATE = path.join(ENGINE_DIR, "cluster");
const PIDS = path.join(STATE, "pids.json");
const LOGS = path.join(STATE, "logs");
const KUBECONFIG = path.join(STATE, "kubeconfig");
const ENV_FILE = path.join(ENGINE_DIR, "env");

const BINARIES = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubectl",
  "kwok",
  "pulumi",
  "buildkitd",
  "buildx",
  "dockerfile-frontend",
];
const BUILDKIT_STATE = path.join(STATE, "buildkit");
const BUILDKITD_CONFIG = path.join(STATE, "buildkitd.toml");
const BUILDKITD_SOCKET = path.join(STATE, "buildkitd.sock");
// buildx's store and the docker CLI config the provider reads: the engine's own, never ~/.docker.
const DOCKER_CONFIG = path.join(ENGINE_DIR, "docker");

interface Started {
  name: string;
  pid: number;
  port: number;
}

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(1);
}

function binary(name: string): string {
  const file = path.join(BIN, name);
  if (!fs.existsSync(file)) fail(`${file} is missing: run \`npm run engine:build\` first`);
  return file;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPids(): Started[] {
  return fs.existsSync(PIDS) ? (JSON.parse(fs.readFileSync(PIDS, "utf8")) as Started[]) : [];
}

function start(name: string, args: string[], port: number, started: Started[], exe = binary(name)): Started {
  fs.mkdirSync(LOGS, { recursive: true });
  const log = fs.openSync(path.join(LOGS, `${name}.log`), "a");
  const child = spawn(exe, args, { detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  child.unref();
  const entry = { name, pid: child.pid!, port };
  started.push(entry);
  fs.writeFileSync(PIDS, JSON.stringify(started, null, 2));
  return entry;
}

function logTail(name: string): string {
  const file = path.join(LOGS, `${name}.log`);
  if (!fs.existsSync(file)) return "(no log)";
  return fs.readFileSync(file, "utf8").split("\n").slice(-15).join("\n");
}

function kubectl(args: string[], input?: string): string {
  const r = spawnSync(binary("kubectl"), ["--kubeconfig", KUBECONFIG, ...args], { encoding: "utf8", input });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

function kubectlSucceeds(args: string[]): boolean {
  return spawnSync(binary("kubectl"), ["--kubeconfig", KUBECONFIG, ...args]).status === 0;
}

function writeKubeconfig(pki: Pki, apiserverPort: number): void {
  const b64 = (f: string) => fs.readFileSync(f).toString("base64");
  fs.writeFileSync(
    KUBECONFIG,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: moontv-local",
      "  cluster:",
      `    server: https://127.0.0.1:${apiserverPort}`,
      `    certificate-authority-data: ${b64(pki.caCert)}`,
      "users:",
      "- name: admin",
      "  user:",
      `    client-certificate-data: ${b64(pki.adminCert)}`,
      `    client-key-data: ${b64(pki.adminKey)}`,
      "contexts:",
      "- name: moontv-local",
      "  context: {cluster: moontv-local, user: admin}",
      "current-context: moontv-local",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
}

/** The passphrase of the local file backend's stacks: made once, kept with the engine, never committed. */
function passphrase(): string {
  const file = path.join(ENGINE_DIR, "passphrase");
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(18).toString("base64url"), { mode: 0o600 });
  return fs.readFileSync(file, "utf8").trim();
}

function envFileText(state: string, image: Record<string, string>): string {
  const vars: Record<string, string> = {
    PATH: `${BIN}:$PATH`,
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
  BINARIES.forEach(binary);
  fs.mkdirSync(STATE, { recursive: true });
  const pki = ensurePki(path.join(STATE, "pki"));
  const started: Started[] = [];
  const t0 = Date.now();
  try {
    const [etcdPort, etcdPeer, apiPort, cmPort, schedPort, kwokPort] = await Promise.all(
      Array.from({ length: 6 }, () => freePort()),
    );
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    start(
      "etcd",
      [
        "--name=moontv",
        `--data-dir=${path.join(STATE, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=moontv=http://127.0.0.1:${etcdPeer}`,
        "--quota-backend-bytes=2147483648",
        "--unsafe-no-fsync", // a throw-away test cluster: durability buys nothing and costs seconds
      ],
      etcdPort,
      started,
    );
    await waitFor(
      "etcd",
      30_000,
      () => httpOk(`${etcdUrl}/health`),
      () => logTail("etcd"),
    );

    start(
      "kube-apiserver",
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        `--cert-dir=${path.join(STATE, "apiserver-certs")}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        "--service-cluster-ip-range=10.96.0.0/16",
        "--authorization-mode=Node,RBAC",
        // PodSecurity and ServiceAccount are on by default; named here so that the claim is visible.
        "--enable-admission-plugins=NodeRestriction,PodSecurity,ServiceAccount",
        "--allow-privileged=true",
        "--endpoint-reconciler-type=none", // a loopback address cannot be the kubernetes Service's endpoint
      ],
      apiPort,
      started,
    );
    writeKubeconfig(pki, apiPort);
    await waitFor(
      "kube-apiserver",
      90_000,
      async () => kubectlSucceeds(["get", "--raw", "/readyz"]),
      () => logTail("kube-apiserver"),
    );

    // Both controllers talk to the API server as the admin and serve their own health port on loopback.
    const controllerFlags = (port: number) => [
      `--kubeconfig=${KUBECONFIG}`,
      `--authentication-kubeconfig=${KUBECONFIG}`,
      `--authorization-kubeconfig=${KUBECONFIG}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      "--leader-elect=false",
    ];
    start(
      "kube-controller-manager",
      [
        ...controllerFlags(cmPort),
        "--use-service-account-credentials=true",
        `--service-account-private-key-file=${pki.serviceAccountKey}`,
        `--root-ca-file=${pki.caCert}`,
        `--cluster-signing-cert-file=${pki.caCert}`,
        `--cluster-signing-key-file=${pki.caKey}`,
        "--controllers=*",
        // Binds the claims of StatefulSets: PVs under this directory, for the host-path StorageClass.
        "--enable-hostpath-provisioner=true",
      ],
      cmPort,
      started,
    );
    start("kube-scheduler", controllerFlags(schedPort), schedPort, started);
    const kwokConfigFile = path.join(STATE, "kwok.yaml");
    fs.writeFileSync(kwokConfigFile, kwokConfig(kwokStageDir()));
    start(
      "kwok",
      [
        `--kubeconfig=${KUBECONFIG}`,
        `--config=${kwokConfigFile}`,
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        `--server-address=127.0.0.1:${kwokPort}`,
        "--node-ip=127.0.0.1",
        // Node leases renewed by KWOK are the heartbeat the node lifecycle controller watches.
        "--node-lease-duration-seconds=40",
      ],
      kwokPort,
      started,
    );

    kubectl(["apply", "-f", "-"], storageClass() + fakeNodes(["kwok-node-0", "kwok-node-1"]));
    await waitFor(
      "two Ready nodes",
      60_000,
      async () => {
        const out = kubectl([
          "get",
          "nodes",
          "-o",
          'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}',
        ]);
        return out.split(" ").filter((s) => s === "True").length >= 2;
      },
      () => logTail("kwok"),
    );
    await waitFor(
      "the default ServiceAccount",
      60_000,
      async () => kubectlSucceeds(["-n", "default", "get", "sa", "default"]),
      () => logTail("kube-controller-manager"),
    );
    const image = await startImageSide(started);
    const state = path.join(STATE, "pulumi-state");
    fs.mkdirSync(state, { recursive: true });
    fs.writeFileSync(ENV_FILE, envFileText(state, image), { mode: 0o600 });
    console.log(
      `cluster: up in ${((Date.now() - t0) / 1000).toFixed(1)} s; API server https://127.0.0.1:${apiPort}; ` +
        `\`source .engine/env\` to use it (logs: .engine/cluster/logs)`,
    );
  } catch (err) {
    await stopAll(started);
    fail(`${(err as Error).message}\n(every process this run started was stopped)`);
  }
}

/** What the builder's programs (buildx, the provider) run with: the engine's store, the registry's CA. */
function builderEnv(pki: RegistryPki): Record<string, string> {
  return {
    DOCKER_CONFIG,
    BUILDX_CONFIG: path.join(DOCKER_CONFIG, "buildx"),
    // BuildKit is the only builder here: the docker CLI inside the provider need not ask a daemon.
    DOCKER_BUILDKIT: "1",
    // Go programs (provider, buildx, pulumi) trust the system's CAs and the registry's.
    SSL_CERT_FILE: pki.bundle,
  };
}

function startBuildkitd(started: Started[]): void {
  start("buildkitd", ["--config", BUILDKITD_CONFIG], 0, started);
}

async function waitForBuilder(env: NodeJS.ProcessEnv): Promise<string> {
  let platforms = "";
  await waitFor(
    `buildkitd through the buildx builder ${BUILDER_NAME}`,
    60_000,
    async () => {
      const r = builderReady(binary("buildx"), env);
      platforms = r.platforms;
      return r.ok;
    },
    () => logTail("buildkitd"),
  );
  return platforms;
}

/**
 * The TLS registry with the stand-in bases and the Dockerfile frontend, buildkitd, and the buildx
 * builder; returns the variables .engine/env exports for them.
 */
async function startImageSide(started: Started[]): Promise<Record<string, string>> {
  if (process.getuid?.() !== 0)
    throw new Error("buildkitd runs rootful (its runc process sandbox needs root): run `up` as root");
  const runc = requireBinary("runc", "runc");
  const registryExe = requireBinary("docker-registry", "docker-registry");
  const at = await registryAddress();
  const pki = makeRegistryPki(path.join(STATE, "registry-pki"), at);
  const port = await freePort(at.ip);
  const registry = `${at.name}:${port}`;
  const registryDir = path.join(STATE, "registry");
  fs.mkdirSync(registryDir, { recursive: true });
  fs.writeFileSync(
    path.join(registryDir, "config.yml"),
    registryConfig(at.ip, port, path.join(registryDir, "data"), pki),
  );
  start("docker-registry", ["serve", path.join(registryDir, "config.yml")], port, started, registryExe);
  await waitFor(
    "docker-registry (TLS)",
    15_000,
    () => httpsOk(`https://${registry}/v2/`, pki.caCert),
    () => logTail("docker-registry"),
  );

  const emulation = ensureArm64Emulation();
  fs.writeFileSync(
    BUILDKITD_CONFIG,
    buildkitdConfig({ root: BUILDKIT_STATE, socket: BUILDKITD_SOCKET, registry, caCert: pki.caCert, runc }),
  );
  startBuildkitd(started);
  const env = { ...process.env, ...builderEnv(pki) };
  fs.mkdirSync(DOCKER_CONFIG, { recursive: true });
  // No credentials (the registry has no auth), but the file must exist: buildah, run with this
  // environment by bench:image, refuses a DOCKER_CONFIG without one.
  const dockerConfigFile = path.join(DOCKER_CONFIG, "config.json");
  if (!fs.existsSync(dockerConfigFile)) fs.writeFileSync(dockerConfigFile, '{ "auths": {} }\n');
  await waitFor(
    "buildkitd's socket",
    30_000,
    async () => fs.existsSync(BUILDKITD_SOCKET),
    () => logTail("buildkitd"),
  );
  createBuilder(binary("buildx"), BUILDKITD_SOCKET, env);
  const platforms = await waitForBuilder(env);
  // The stand-in bases serve every CPU the builder can run: this machine's, and arm64 under QEMU.
  const host = hostArch();
  const archs: StandInArch[] =
    host !== "arm64" && platforms.split(/,\s*/).includes("linux/arm64") ? [host, "arm64"] : [host];
  const bases = await pushImages(registry, binary("dockerfile-frontend"), archs);
  console.log(
    `cluster: registry https://${registry} (CA .engine/cluster/registry-pki/ca.crt); builder ${BUILDER_NAME} ` +
      `(buildkitd, platforms ${platforms}${emulation ? `; no arm64: ${emulation}` : ""})`,
  );
  return {
    ...builderEnv(pki),
    // Node programs (the size check, digest pinning) trust the registry's CA too.
    NODE_EXTRA_CA_CERTS: pki.caCert,
    E2E_REGISTRY: registry,
    E2E_BUILDER: BUILDER_NAME,
    E2E_BUILD_BASE: bases.buildBase,
    E2E_RUNTIME_BASE: bases.runtimeBase,
    // What the bases serve and the builder runs; `no arm64:` says why not when QEMU is missing.
    E2E_PLATFORMS: bases.archs.map((a) => `linux/${a}`).join(","),
    ...(emulation ? { E2E_NO_ARM64: emulation } : {}),
  };
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

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    return res.ok;
  } catch {
    return false;
  }
}

function kwokStageDir(): string {
  const r = spawnSync("go", ["list", "-m", "-f", "{{.Dir}}", "sigs.k8s.io/kwok"], {
    cwd: path.join(ROOT, "engine", "kwok"),
    encoding: "utf8",
  });
  const dir = r.stdout.trim();
  if (r.status !== 0 || !dir) fail(`cannot find the sigs.k8s.io/kwok module (its stage configs): ${r.stderr.trim()}`);
  return path.join(dir, "kustomize", "stage");
}

async function stopAll(list: Started[], forget = true): Promise<void> {
  for (const p of [...list].reverse()) {
    if (!alive(p.pid)) continue;
    process.kill(p.pid, "SIGTERM");
    const deadline = Date.now() + 15_000;
    while (alive(p.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(p.pid)) process.kill(p.pid, "SIGKILL");
    console.log(`cluster: stopped ${p.name} (pid ${p.pid})`);
  }
  if (forget) fs.rmSync(PIDS, { force: true });
}

async function main(): Promise<void> {
  const command = process.argv[2];
  switch (command) {
    case "up":
      return up();
    case "down":
      return stopAll(readPids());
    case "wipe-builder":
      return wipeBuilder();
    case "reset":
      await stopAll(readPids());
      fs.rmSync(STATE, { recursive: true, force: true });
      fs.rmSync(ENV_FILE, { force: true });
      console.log("cluster: state removed (etcd data, certificates, stacks of the local backend)");
      return;
    case "status": {
      const pids = readPids();
      if (!pids.length) console.log("cluster: down");
      for (const p of pids)
        console.log(`${p.name.padEnd(24)} pid ${p.pid} port ${p.port} ${alive(p.pid) ? "running" : "exited"}`);
      return;
    }
    default:
      fail(`unknown command ${JSON.stringify(command ?? "")}; allowed: up, down, status, reset, wipe-builder`);
  }
}

if (require.main === module) {
  main().catch((err) => fail((err as Error).message));
}
