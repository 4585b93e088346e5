// Runs a built image as its own user with a read-only root (see sandbox.sh), and lets a test exec
// into it (as `docker exec` / the HEALTHCHECK would) or send it HTTP requests through its private
// network namespace. Stopped by PID.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { ImageConfig } from "./buildah";
import { requireBinary } from "./proc";

export interface SandboxOptions {
  /** The image's mounted root (a buildah working container: missing mount points are created in
   * its writable layer before it is bound read-only, as runc does). */
  rootfs: string;
  config: ImageConfig;
  /** The only writable places: host directories bound over paths of the image. */
  volumes: Array<{ hostDir: string; target: string }>;
  /** Host files or directories bound read-only over paths of the image (a ConfigMap key mounted with
   * subPath, a whole ConfigMap, a read-only hostPath volume). */
  files?: Array<{ hostFile: string; target: string }>;
  /** Added to (or overriding) the image's Env. */
  env?: Record<string, string>;
  /** A directory for the mount point and the environment file (removed by stop()). */
  scratchDir: string;
}

/** What httpRequest sends besides the URL (a subset of fetch's RequestInit that survives JSON). */
export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

const SCRIPT = path.join(__dirname, "sandbox.sh");

/** "1001:1001" → [1001, 1001]; names cannot be resolved without the image's passwd, and the
 * Dockerfile's USER must be numeric anyway. */
export function numericUser(user: string | undefined): [number, number] {
  const m = /^(\d+)(?::(\d+))?$/.exec(user ?? "");
  if (!m) throw new Error(`image USER must be numeric uid[:gid], got ${JSON.stringify(user ?? "")}`);
  return [Number(m[1]), Number(m[2] ?? m[1])];
}

export class Sandbox {
  private out = "";
  private constructor(
    private readonly child: ChildProcess,
    private readonly env: string[],
    private readonly uid: number,
    private readonly gid: number,
    private readonly scratch: string,
  ) {
    child.stdout?.on("data", (d: Buffer) => (this.out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (this.out += d.toString()));
  }

  static start(o: SandboxOptions): Sandbox {
    requireBinary("unshare", "util-linux");
    requireBinary("nsenter", "util-linux");
    requireBinary("ip", "iproute2");
    const [uid, gid] = numericUser(o.config.User);
    const env = [...(o.config.Env ?? [])];
    for (const [k, v] of Object.entries(o.env ?? {})) {
      const i = env.findIndex((e) => e.startsWith(`${k}=`));
      if (i >= 0) env.splice(i, 1);
      env.push(`${k}=${v}`);
    }
    for (const d of ["proc", "dev", ...o.volumes.map((v) => v.target.slice(1))]) {
      fs.mkdirSync(path.join(o.rootfs, d), { recursive: true });
    }
    for (const f of o.files ?? []) {
      const target = path.join(o.rootfs, f.target.slice(1));
      // The mount point: a directory for a directory, a file for a file.
      if (fs.statSync(f.hostFile).isDirectory()) fs.mkdirSync(target, { recursive: true });
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (!fs.existsSync(target)) fs.writeFileSync(target, "");
      }
    }
    const mnt = path.join(o.scratchDir, "root");
    fs.mkdirSync(mnt, { recursive: true });
    const envFile = path.join(o.scratchDir, "env");
    fs.writeFileSync(envFile, env.join("\n") + "\n");
    const argv = [...(o.config.Entrypoint ?? []), ...(o.config.Cmd ?? [])];
    if (argv.length === 0) throw new Error("image has neither ENTRYPOINT nor CMD");
    const args = [
      "--mount",
      "--net",
      "--pid",
      "--fork",
      "--kill-child",
      "--propagation",
      "private",
      "bash",
      SCRIPT,
      o.rootfs,
      mnt,
      o.config.WorkingDir || "/",
      String(uid),
      String(gid),
      envFile,
      ...o.volumes.map((v) => `${v.hostDir}:${v.target}`),
      ...(o.files ?? []).map((f) => `${f.hostFile}:${f.target}:ro`),
      "--",
      ...argv,
    ];
    const child = spawn("unshare", args, { stdio: ["ignore", "pipe", "pipe"] });
    return new Sandbox(child, env, uid, gid, o.scratchDir);
  }

  /** stdout + stderr of the image's command so far. */
  get output(): string {
    return this.out;
  }

  /** Exit code once the command has ended, else null. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** Waits up to `ms` for the command to end; its exit code, or null if still running. */
  waitExit(ms: number): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(null), ms);
      this.child.once("exit", (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
  }

  /** PID (in the host's namespace) of the image's process: unshare → sandbox.sh (PID 1 inside) → app. */
  private innerPid(): number {
    const childOf = (pid: number) => {
      const c = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
      if (!c) throw new Error(`sandbox process ${pid} has no running child:\n${this.out.slice(-2000)}`);
      return Number(c.split(/\s+/)[0]);
    };
    return childOf(childOf(this.child.pid as number));
  }

  /** Runs argv inside the sandbox (its mounts, network, root and working directory) as the image's
   * user with the image's environment, like `docker exec` or a HEALTHCHECK. */
  exec(argv: string[], timeoutMs = 30000): Promise<ExecResult> {
    const target = String(this.innerPid());
    const args = [
      "-i",
      ...this.env,
      "/usr/bin/nsenter",
      "--target",
      target,
      "--mount",
      "--net",
      "--pid",
      "--root",
      "--wd",
      "--setgid",
      String(this.gid),
      "--setuid",
      String(this.uid),
      "--",
      ...argv,
    ];
    return collect(spawn("/usr/bin/env", args, { stdio: ["ignore", "pipe", "pipe"] }), timeoutMs);
  }

  /** GET http://127.0.0.1:<port><urlPath> from inside the sandbox's network (with this machine's node). */
  httpGet(urlPath: string, port = 3000): Promise<HttpAnswer> {
    return this.httpRequest(urlPath, {}, port);
  }

  /** A request to http://127.0.0.1:<port><urlPath> from inside the sandbox's network (with this machine's
   * node); redirects are answers, not followed. */
  async httpRequest(urlPath: string, init: HttpRequestInit, port = 3000): Promise<HttpAnswer> {
    // The request (which may carry a password) goes through the environment, not the command line that
    // every user of the machine can read.
    const script = `fetch(${JSON.stringify(`http://127.0.0.1:${port}${urlPath}`)}, {redirect: "manual", ...JSON.parse(process.env.SANDBOX_HTTP_INIT)})
      .then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text(), headers: Object.fromEntries(r.headers) })),
            (e) => console.log(JSON.stringify({ status: 0, body: String(e.cause ?? e), headers: {} })))`;
    const [cmd, ...args] = this.inNetwork([process.execPath, "-e", script]);
    const env = { ...process.env, SANDBOX_HTTP_INIT: JSON.stringify(init) };
    const r = await collect(spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] }), 15000);
    if (r.code !== 0) throw new Error(`${init.method ?? "GET"} ${urlPath} could not run: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  /** `argv` as a command that runs it (one of this machine's programs, on its file system) in the sandbox's
   * network namespace, where the image's 127.0.0.1 is: a server the app reaches there, or a client of the
   * app's. nsenter executes it in place, so the PID of the command started is the program's. */
  inNetwork(argv: string[]): string[] {
    return ["nsenter", "--target", String(this.innerPid()), "--net", "--", ...argv];
  }

  /** Polls `urlPath` until it answers 2xx; throws with the app's output if the app exits or the
   * time runs out. Returns the seconds it took. */
  async waitHealthy(urlPath: string, timeoutMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      if (this.exitCode !== null)
        throw new Error(`the app exited with ${this.exitCode} before answering:\n${this.out.slice(-3000)}`);
      const r = await this.httpGet(urlPath).catch(() => ({ status: 0 }));
      if (r.status >= 200 && r.status < 300) return (Date.now() - started) / 1000;
      if (Date.now() - started > timeoutMs)
        throw new Error(`no 2xx on ${urlPath} within ${timeoutMs} ms:\n${this.out.slice(-3000)}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }

  /** Kills the sandbox by PID (its namespace's processes die with it) and removes the scratch dir. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      let app: number | undefined;
      try {
        app = this.innerPid();
      } catch {
        app = undefined;
      }
      const ended = new Promise((res) => this.child.once("exit", res));
      process.kill(this.child.pid as number, "SIGKILL");
      await ended;
      // The namespace dies with its PID 1; make sure of it rather than leave a server behind.
      const alive = () =>
        app !== undefined &&
        fs.existsSync(`/proc/${app}/status`) &&
        !/State:\s+Z/.test(fs.readFileSync(`/proc/${app}/status`, "utf8"));
      for (let i = 0; alive() && i < 50; i++) await new Promise((r) => setTimeout(r, 100));
      if (alive()) {
        process.kill(app as number, "SIGKILL");
        throw new Error(`sandboxed process ${app} outlived its sandbox (killed)`);
      }
    }
    fs.rmSync(this.scratch, { recursive: true, force: true });
  }
}

function collect(child: ChildProcess, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
