import { spawn, spawnSync, type ChildProcess } from "child_process";

/** Fails loudly, naming the Debian package, when a server binary the spec needs is missing. */
export function requireBinary(binary: string, aptPackage: string): string {
  const found = spawnSync("sh", ["-c", `command -v ${binary}`], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error(`${binary} is not installed: apt-get install ${aptPackage} (CI installs it from .ci/apt-packages.txt)`);
  return found;
}

/** A free TCP port on 127.0.0.1, chosen by the kernel (the one helper the cluster script uses too). */
export { freePort } from "../../engine/cluster/net";

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
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, log: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in ${timeoutMs} ms\n${log()}`);
}
