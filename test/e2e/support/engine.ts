/**
 * The real engine for the end-to-end specs: the binaries `npm run engine:build` left in .engine/bin, the
 * local control plane of `npm run cluster`, and a `pulumi` runner with the environment of .engine/env.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CLUSTER_BINARIES } from "../../../engine/cluster/cluster";

export const ROOT = path.resolve(__dirname, "..", "..", "..");
export const ENGINE = path.join(ROOT, ".engine");
export const BIN = path.join(ENGINE, "bin");
const ENV_FILE = path.join(ENGINE, "env");

/** What the specs run besides the cluster's own binaries; each built by `npm run engine:build`. */
export const ENGINE_BINARIES = [
  ...CLUSTER_BINARIES,
  "pulumi-language-nodejs",
  "pulumi-resource-kubernetes",
  "pulumi-resource-random",
  "pulumi-resource-pulumi-nodejs",
  "pulumi-resource-docker-build",
  "buildctl",
  "crictl",
];

export function requireEngine(): void {
  const missing = ENGINE_BINARIES.filter((b) => !fs.existsSync(path.join(BIN, b)));
  if (missing.length) {
    throw new Error(
      `missing from .engine/bin: ${missing.join(", ")}; run \`npm run engine:build\` (CI's .ci/run does)`,
    );
  }
}

/** The variables .engine/env exports, with $PATH expanded, over this process's environment. */
export function engineEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (!fs.existsSync(ENV_FILE))
    throw new Error(`${ENV_FILE} is missing: the cluster is not up (npm run cluster -- up)`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of fs.readFileSync(ENV_FILE, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(?:'([^']*)'|"([^"]*)")$/.exec(line);
    if (!m) continue;
    env[m[1]] = m[2] ?? m[3].replace("$PATH", process.env.PATH ?? "");
  }
  // A spec must see the engine fail rather than fetch anything.
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  return { ...env, ...extra };
}

function clusterCommand(command: "up" | "down" | "status"): { status: number | null; output: string } {
  const r = spawnSync(
    process.execPath,
    ["-r", path.join(ROOT, "tools", "ts-register.js"), path.join(ROOT, "engine", "cluster", "cluster.ts"), command],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300_000,
    },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

let startedHere = false;

/** Brings the local cluster up unless it already is; remembers whether this run started it. */
export function ensureCluster(): void {
  requireEngine();
  const status = clusterCommand("status");
  if (/running/.test(status.output) && fs.existsSync(ENV_FILE)) return;
  const up = clusterCommand("up");
  if (up.status !== 0) throw new Error(`npm run cluster -- up failed:\n${up.output}`);
  startedHere = true;
}

/** Stops the cluster if this run started it (a cluster brought up by hand is left running). */
export function releaseCluster(): void {
  if (startedHere) clusterCommand("down");
  startedHere = false;
}

export interface CommandResult {
  code: number | null;
  /** The command's process ID, also the ID of the session it and everything it started run in. */
  pid: number;
  stdout: string;
  stderr: string;
  output: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Sees the output as it comes; may kill the process (SIGKILL) to fake a crash at that point. */
  onOutput?: (output: string, kill: () => void) => void;
}

/** Runs a command with the engine's environment; never throws on a non-zero exit. */
export function run(command: string, args: string[], opts: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    // A session of its own (detached: setsid, sid = pid): what a killed command leaves behind, even in
    // process groups of their own (the CLI's plugins), can be found by it and reaped.
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: engineEnv(opts.env),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let output = "";
    const kill = () => child.kill("SIGKILL");
    child.stdout.on("data", (d) => {
      stdout += d;
      output += d;
      opts.onOutput?.(output, kill);
    });
    child.stderr.on("data", (d) => ((stderr += d), (output += d)));
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), opts.timeoutMs ?? 900_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, pid: child.pid ?? 0, stdout, stderr, output, ms: Date.now() - t0 });
    });
  });
}

export function pulumi(args: string[], opts: RunOptions) {
  return run(path.join(BIN, "pulumi"), [...args, "--non-interactive", "--color=never"], opts);
}

/** `pulumi …` that must succeed; the failure names the command and shows its output. */
export async function pulumiOk(args: string[], opts: RunOptions): Promise<CommandResult> {
  const r = await pulumi(args, opts);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output.slice(-6000)}`);
  return r;
}

export function kubectl(args: string[], input?: string): string {
  const r = spawnSync(path.join(BIN, "kubectl"), args, { env: engineEnv(), encoding: "utf8", input, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** `kubectl …` expected to fail; returns its error text. */
export function kubectlFails(args: string[], input?: string): string {
  const r = spawnSync(path.join(BIN, "kubectl"), args, { env: engineEnv(), encoding: "utf8", input, timeout: 120_000 });
  if (r.status === 0) throw new Error(`kubectl ${args.join(" ")} succeeded, expected a refusal:\n${r.stdout}`);
  return r.stderr;
}

/** A Kubernetes object as kubectl prints it: specs read fields without declaring every kind's type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Kube = { [field: string]: any };

/** True when a pod's or a node's condition `Ready` is True. */
export function isReady(o: Kube): boolean {
  return !!o.status?.conditions?.some((c: Kube) => c.type === "Ready" && c.status === "True");
}

export function kubectlJson<T = Kube>(args: string[]): T {
  return JSON.parse(kubectl([...args, "-o", "json"])) as T;
}
