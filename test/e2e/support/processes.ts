/**
 * The processes a `pulumi` command starts: the CLI, its plugins (providers, our language host) and the
 * programs and policy packs the host runs. A spec asks which still run after a command ended (or was
 * killed): none may (the cluster's own processes are not counted).
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

/** Every process of a pulumi command still running: by its command line. */
export function pulumiProcesses(): LiveProcess[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .map(read)
    .filter((p): p is LiveProcess => !!p)
    .filter((p) =>
      /(^|\/)pulumi(-resource-[\w-]+|-language-nodejs)?( |$)|language-host\/host\.ts|@pulumi\/pulumi\/cmd\/run/.test(
        p.cmdline,
      ),
    );
}

/** Waits (bounded) until no process of a pulumi command runs; fails listing those that outlived it. */
export async function noPulumiProcessOutlives(what: string, timeoutMs = 20_000): Promise<void> {
  try {
    await waitUntil(`every process of ${what} to end`, timeoutMs, () => pulumiProcesses().length === 0);
  } catch {
    const left = pulumiProcesses().map((p) => `  pid ${p.pid} (parent ${p.ppid}): ${p.cmdline.slice(0, 200)}`);
    throw new Error(`processes outlived ${what}:\n${left.join("\n")}`);
  }
}
