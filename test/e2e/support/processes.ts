/**
 * The processes of ours that a `pulumi` command starts: our language host and the programs and policy
 * packs it runs. A spec asks which still run after a command ended (or was killed): none may. Pulumi's
 * own plugins are not counted: after a CLI killed with SIGKILL, the kubernetes provider and the SDK's
 * dynamic-provider script were seen running 20 s later, which is upstream's behaviour, not our host's.
 */
import * as fs from "fs";
import { waitUntil } from "./wait";

export interface LiveProcess {
  pid: number;
  ppid: number;
  cmdline: string;
}

function read(pid: string): LiveProcess | undefined {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    const ppid = Number(/^PPid:\s*(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return { pid: Number(pid), ppid, cmdline };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Every process of our language host still running, by its command line: the host, programs, packs. */
export function languageHostProcesses(): LiveProcess[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .map(read)
    .filter((p): p is LiveProcess => !!p)
    .filter((p) => /language-host\/host\.ts|@pulumi\/pulumi\/cmd\/run/.test(p.cmdline));
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
