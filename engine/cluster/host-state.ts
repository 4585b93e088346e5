/**
 * What a real node changes on the host, and its undoing. Processes die with a session, but mounts, the
 * bridge, pods' veths, iptables chains, cgroups and sysctls do not: `down` removes and restores them, and
 * `up` first clears what a killed earlier run left. The host's state before the first `up` is written to
 * host-before.json and kept until a `down` has restored it, so a second `up` after a crash never takes
 * the crashed run's changes for the host's own.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BIN, HOST_BEFORE, NODE_DIR } from "./paths";
import { KUBE_ROUTER_IPSET } from "./network-policy";
import { BRIDGE, NODE_IP, POD_CIDR } from "./node-network";

/** Sysctls the node needs: forwarding between the pods' bridge and the node, and bridged traffic through
 * iptables (kube-proxy's DNAT of pod → Service → pod on one bridge). */
export const NODE_SYSCTLS: Record<string, string> = {
  "net/ipv4/ip_forward": "1",
  "net/bridge/bridge-nf-call-iptables": "1",
};

/**
 * Paths outside .engine/ that the kubelet and containerd make whatever they are told: container log links
 * (/var/log/containers), the device-plugin socket directory, the shims' socket directory. Each is removed
 * at `down` only if it did not exist before the first `up`.
 */
export const HOST_PATHS = [
  "/var/log/containers",
  "/var/log/pods",
  "/var/lib/kubelet",
  "/run/containerd",
  "/var/lib/cni",
];

export interface HostBefore {
  sysctls: Record<string, string>;
  /** path → whether it existed */
  paths: Record<string, boolean>;
  /** binfmt_misc mounted, and QEMU's aarch64 handler registered (the builder step does both for arm64) */
  binfmt: { mounted: boolean; aarch64: boolean };
  /** whether the root mount propagates (shared); a kubelet needs it for HostToContainer volume mounts */
  rootShared: boolean;
}

/** True when the mount at "/" is a shared one (its mountinfo line has a `shared:N` field). */
function rootIsShared(): boolean {
  const line = fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .find((l) => l.split(" ")[4] === "/");
  return !!line && / shared:\d+/.test(line.split(" - ")[0]);
}

const BINFMT = "/proc/sys/fs/binfmt_misc";

function binfmtState(): HostBefore["binfmt"] {
  return {
    mounted: fs.existsSync(path.join(BINFMT, "register")),
    aarch64: fs.existsSync(path.join(BINFMT, "qemu-aarch64")),
  };
}

function readSysctl(key: string): string {
  return fs.readFileSync(path.join("/proc/sys", key), "utf8").trim();
}

function writeSysctl(key: string, value: string): void {
  fs.writeFileSync(path.join("/proc/sys", key), value);
}

/** The host's state before the first `up` (kept from a run that did not restore it). */
export function recordHost(): HostBefore {
  if (fs.existsSync(HOST_BEFORE)) return JSON.parse(fs.readFileSync(HOST_BEFORE, "utf8")) as HostBefore;
  const before: HostBefore = {
    sysctls: Object.fromEntries(Object.keys(NODE_SYSCTLS).map((k) => [k, readSysctl(k)])),
    paths: Object.fromEntries(HOST_PATHS.map((p) => [p, fs.existsSync(p)])),
    binfmt: binfmtState(),
    rootShared: rootIsShared(),
  };
  fs.mkdirSync(path.dirname(HOST_BEFORE), { recursive: true });
  fs.writeFileSync(HOST_BEFORE, JSON.stringify(before, null, 2));
  return before;
}

/**
 * The node's settings of the host: its sysctls, and "/" a shared mount (as systemd makes it, and kind's
 * node does with `mount --make-rshared /`): a volume mounted with HostToContainer propagation (node-exporter's
 * view of the host's root) needs it, or containerd refuses the container.
 */
export function applyNodeHostSettings(): void {
  for (const [k, v] of Object.entries(NODE_SYSCTLS)) writeSysctl(k, v);
  if (!rootIsShared()) {
    const r = spawnSync("mount", ["--make-shared", "/"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`mount --make-shared /: ${r.stderr.trim()}`);
  }
}

/** The cluster's bridge, with the node's address on it (made before the API server, which listens there). */
export function makeBridge(): void {
  if (!linkExists(BRIDGE)) ip(["link", "add", BRIDGE, "type", "bridge"]);
  const prefix = POD_CIDR.split("/")[1];
  const addrs = spawnSync("ip", ["-4", "-o", "addr", "show", "dev", BRIDGE], { encoding: "utf8" }).stdout;
  if (!addrs.includes(`${NODE_IP}/${prefix}`)) ip(["addr", "add", `${NODE_IP}/${prefix}`, "dev", BRIDGE]);
  ip(["link", "set", BRIDGE, "up"]);
}

function linkExists(name: string): boolean {
  return spawnSync("ip", ["link", "show", name], { stdio: "ignore" }).status === 0;
}

function ip(args: string[]): void {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
}

/** Every process in the kubelet's pod cgroups (containers, and the shims' children), in every hierarchy. */
function podCgroupDirs(): string[] {
  const dirs: string[] = [];
  const base = "/sys/fs/cgroup";
  if (!fs.existsSync(base)) return dirs;
  const walk = (dir: string) => {
    dirs.push(dir);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(dir, e.name));
  };
  for (const controller of fs.readdirSync(base)) {
    const pods = path.join(base, controller, "kubepods");
    if (fs.existsSync(pods)) walk(pods);
  }
  return dirs;
}

function pidsIn(dir: string): number[] {
  try {
    return fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** PIDs of the shims our containerd started (their executable is ours), which outlive a killed containerd. */
function ourShims(): number[] {
  const shim = path.join(BIN, "containerd-shim-runc-v2");
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const exe = fs.readlinkSync(`/proc/${entry}/exe`);
      if (exe === shim) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

function kill(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Mount points under the node's directories, deepest first. */
function nodeMounts(): string[] {
  const lines = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n");
  const points = lines
    .map((l) => l.split(" ")[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, " "))
    .filter((p) => p.startsWith(NODE_DIR + "/") || p.startsWith("/run/containerd/"));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

const IPTABLES = ["iptables", "ip6tables"];
const TABLES = ["filter", "nat", "mangle", "raw"];
/** Chains the kubelet, kube-proxy and the CNI plugins make: all of them named so. */
const OUR_CHAIN = /^(KUBE-|CNI-)/;

/** Removes every KUBE- and CNI- chain and every rule that jumps to one, in every table. */
export function removeIptablesChains(): void {
  for (const cmd of IPTABLES) {
    for (const table of TABLES) {
      const r = spawnSync(cmd, ["-w", "-t", table, "-S"], { encoding: "utf8" });
      if (r.status !== 0) continue;
      const lines = r.stdout.split("\n");
      // Rules in built-in chains that jump to ours: delete them by their own spec.
      for (const line of lines) {
        const m = /^-A (\S+) (.*-j (\S+).*)$/.exec(line);
        if (m && !OUR_CHAIN.test(m[1]) && OUR_CHAIN.test(m[3]))
          spawnSync(cmd, ["-w", "-t", table, "-D", m[1], ...splitRule(m[2])], { stdio: "ignore" });
      }
      const chains = lines.map((l) => /^-N (\S+)$/.exec(l)?.[1]).filter((c): c is string => !!c && OUR_CHAIN.test(c));
      for (const c of chains) spawnSync(cmd, ["-w", "-t", table, "-F", c], { stdio: "ignore" });
      for (const c of chains) spawnSync(cmd, ["-w", "-t", table, "-X", c], { stdio: "ignore" });
    }
  }
}

/** Destroys kube-router's ipsets (after the chains that match on them are gone); the host's own stay. */
export function removeIpsets(): void {
  const r = spawnSync("ipset", ["list", "-n"], { encoding: "utf8" });
  if (r.status !== 0) return;
  for (const name of r.stdout.split("\n").filter((n) => KUBE_ROUTER_IPSET.test(n)))
    spawnSync("ipset", ["destroy", name], { stdio: "ignore" });
}

/** Splits an `iptables -S` rule into arguments (quoted comments kept whole). */
export function splitRule(rule: string): string[] {
  const args: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(rule); m; m = re.exec(rule)) args.push(m[1] !== undefined ? m[1].replace(/\\"/g, '"') : m[2]);
  return args;
}

/** Deletes the pods' veths (ports of the bridge) and the bridge. */
function removeLinks(): void {
  if (!linkExists(BRIDGE)) return;
  const ports = spawnSync("ip", ["-o", "link", "show", "master", BRIDGE], { encoding: "utf8" }).stdout;
  for (const line of ports.split("\n")) {
    const name = /^\d+: ([^@:]+)/.exec(line)?.[1];
    if (name) spawnSync("ip", ["link", "del", name], { stdio: "ignore" });
  }
  spawnSync("ip", ["link", "del", BRIDGE], { stdio: "ignore" });
}

function removeCgroups(dirs: string[]): void {
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // busy or gone: a process we could not kill is reported by the caller
    }
  }
}

/**
 * Clears what a node left on the host: the pods' processes and the shims, the mounts under the node's
 * directories, the veths and the bridge, the KUBE-/CNI- iptables chains, the pods' cgroups. Safe to run
 * when nothing is left. Answers what it found, for the status line.
 */
export function clearNodeLeftovers(): string[] {
  const found: string[] = [];
  const shims = ourShims();
  let cgroups = podCgroupDirs();
  const podPids = [...new Set(cgroups.flatMap(pidsIn))];
  if (shims.length + podPids.length) found.push(`${shims.length} shims, ${podPids.length} pod processes`);
  kill([...podPids, ...shims]);
  const mounts = nodeMounts();
  for (const m of mounts) spawnSync("umount", ["-l", m], { stdio: "ignore" });
  if (mounts.length) found.push(`${mounts.length} mounts`);
  if (linkExists(BRIDGE)) found.push(`bridge ${BRIDGE}`);
  removeLinks();
  removeIptablesChains();
  removeIpsets();
  // The killed processes leave their cgroups a moment later.
  for (let i = 0; i < 20 && cgroups.some((d) => pidsIn(d).length); i++) spawnSync("sleep", ["0.1"]);
  removeCgroups(cgroups);
  cgroups = podCgroupDirs();
  if (cgroups.length) found.push(`${cgroups.length} cgroups left busy`);
  return found;
}

/** Puts back the sysctls and removes the host paths that did not exist before the first `up`. */
export function restoreHost(): void {
  if (!fs.existsSync(HOST_BEFORE)) return;
  const before = JSON.parse(fs.readFileSync(HOST_BEFORE, "utf8")) as HostBefore;
  for (const [k, v] of Object.entries(before.sysctls)) writeSysctl(k, v);
  for (const [p, existed] of Object.entries(before.paths)) if (!existed) fs.rmSync(p, { recursive: true, force: true });
  const now = binfmtState();
  if (now.aarch64 && !before.binfmt.aarch64) fs.writeFileSync(path.join(BINFMT, "qemu-aarch64"), "-1");
  if (now.mounted && !before.binfmt.mounted) spawnSync("umount", [BINFMT], { stdio: "ignore" });
  if (!before.rootShared && rootIsShared()) spawnSync("mount", ["--make-private", "/"], { stdio: "ignore" });
  fs.rmSync(HOST_BEFORE, { force: true });
}
