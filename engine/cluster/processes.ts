/**
 * The cluster's processes: each started detached with its log under .engine/cluster/logs, recorded by
 * PID in pids.json, and stopped by PID (never by name: another cluster or a user's process may share it).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BIN, LOGS, PIDS } from "./paths";

export interface Started {
  name: string;
  pid: number;
  port: number;
  /** How it was started, so that `cluster restart <name>` starts it again the same way. */
  exe?: string;
  args?: string[];
  /** The variables it was given beyond (or unlike) the starting process's own environment. */
  env?: Record<string, string>;
}

export function binary(name: string): string {
  const file = path.join(BIN, name);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run engine:build\` first`);
  return file;
}

/** True while `pid` runs (a zombie, killed but not yet reaped by init, counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export function readPids(): Started[] {
  return fs.existsSync(PIDS) ? (JSON.parse(fs.readFileSync(PIDS, "utf8")) as Started[]) : [];
}

export function start(
  name: string,
  args: string[],
  port: number,
  started: Started[],
  exe = binary(name),
  env: NodeJS.ProcessEnv = process.env,
): Started {
  fs.mkdirSync(LOGS, { recursive: true });
  const log = fs.openSync(path.join(LOGS, `${name}.log`), "a");
  const child = spawn(exe, args, { detached: true, stdio: ["ignore", log, log], env });
  fs.closeSync(log);
  child.unref();
  const ownEnv = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && process.env[e[0]] !== e[1]),
  );
  const entry: Started = { name, pid: child.pid!, port, exe, args, env: ownEnv };
  started.push(entry);
  fs.writeFileSync(PIDS, JSON.stringify(started, null, 2));
  return entry;
}

/**
 * Stops the named processes and starts each again as it was started, in the order named, each once the
 * previous one is `ready` (a component's crash and its supervisor's restart, as systemd does on a real
 * node); the others keep running.
 */
export async function restart(names: string[], ready: (name: string) => Promise<void>): Promise<Started[]> {
  const all = readPids();
  const chosen = names.map((name) => {
    const p = all.find((e) => e.name === name);
    if (!p) throw new Error(`no process named ${name} in the cluster; running: ${all.map((e) => e.name).join(", ")}`);
    if (!p.exe || !p.args) throw new Error(`${name} was started by an older \`up\`: \`down\` and \`up\` first`);
    return p;
  });
  await stopAll(chosen, false);
  const rest = all.filter((p) => !chosen.includes(p));
  for (const p of chosen) {
    start(p.name, p.args!, p.port, rest, p.exe, { ...process.env, ...p.env });
    await ready(p.name);
  }
  return rest.filter((p) => names.includes(p.name));
}

/** The last lines of a component's log, for an error that names it. */
export function logTail(name: string, lines = 15): string {
  const file = path.join(LOGS, `${name}.log`);
  if (!fs.existsSync(file)) return "(no log)";
  return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** Stops each process (last started first): SIGTERM, then SIGKILL after 15 s. */
export async function stopAll(list: Started[], forget = true): Promise<void> {
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
