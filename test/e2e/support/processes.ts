/**
 * The processes of ours that a `pulumi` command starts: our language host and the programs and policy
 * packs it runs. A spec asks which still run after a command ended (or was killed): none may. Pulumi's
 * own plugins are not counted: after a CLI killed with SIGKILL, the providers (kubernetes, random) and
 * the SDK's dynamic-provider script keep running, re-parented to init, until something kills them: that
 * is upstream's behaviour, not our host's. The spec that kills the CLI reaps them by session: the CLI puts
 * each plugin in a process group of its own (so a Ctrl-C reaches the CLI alone), but all stay in the
 * session support/engine's run() opened for the command.
 */
import * as fs from "fs";
import { waitUntil } from "./wait";

export interface LiveProcess {
  pid: number;
  ppid: number;
  /** Session: a command run by support/engine's run() and everything it started share the command's pid. */
  sid: number;
  cmdline: string;
}

function read(pid: string): LiveProcess | undefined {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    // stat: "pid (comm) state ppid pgrp session …"; comm may hold spaces and parentheses: read after the last ")".
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, ppid, , sid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // A zombie has ended (it waits for init to reap it): not a process that outlived anything.
    if (state === "Z") return undefined;
    return { pid: Number(pid), ppid: Number(ppid), sid: Number(sid), cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

function liveProcesses(): LiveProcess[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .map(read)
    .filter((p): p is LiveProcess => !!p);
}

/** Every process of our language host still running, by its command line: the host, programs, packs. */
export function languageHostProcesses(): LiveProcess[] {
  return liveProcesses().filter((p) => /language-host\/host\.ts|@pulumi\/pulumi\/cmd\/run/.test(p.cmdline));
}

/** Kills (SIGKILL) every process still in session `sid` and returns what it found there. */
export function reapSession(sid: number): LiveProcess[] {
  const left = liveProcesses().filter((p) => p.sid === sid);
  for (const p of left) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // ended meanwhile
    }
  }
  return left;
}

/** Waits (bounded) until no process of our language host runs; fails listing those that outlived it. */
export async function noHostProcessOutlives(what: string, timeoutMs = 20_000): Promise<void> {
  try {
    await waitUntil(`every process of ${what} to end`, timeoutMs, () => languageHostProcesses().length === 0);
  } catch {
    const left = languageHostProcesses().map((p) => `  pid ${p.pid} (parent ${p.ppid}): ${p.cmdline.slice(0, 200)}`);
    throw new Error(`processes outlived ${what}:\n${left.join("\n")}`);
  }
}
