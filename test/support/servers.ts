import { spawn, type ChildProcess } from "child_process";

/** The machine's programs and ports, as the cluster script finds them (one helper for both). */
export { freePort, requireBinary } from "../../engine/cluster/host-tools";

/** A server process started by a spec; `stop` kills it by PID and waits for it to exit. */
export interface RunningServer {
  pid: number;
  port: number;
  process: ChildProcess;
  log: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export function startServer(command: string, args: string[], port: number): RunningServer {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid!,
    port,
    process: child,
    log: () => log,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
      await exited;
    },
  };
}

/** Polls until `probe` resolves true, or fails with the server's log after `timeoutMs`. */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  log: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs} ms\n${log()}`);
}
