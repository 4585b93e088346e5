/**
 * The policy pack's process, spawned as the Pulumi CLI spawns it: its program run in its own directory,
 * ready once it prints its port. Only Node.js built-ins are loaded here, so a caller can start the pack
 * before loading anything heavy and let the two overlap (the pack itself takes about a second to boot).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

export const DEFAULT_PACK_DIR = path.resolve(__dirname, "../../policy");

export interface StartOptions {
  /** The pack's directory (holds package.json, index.ts). Default: the repository's `policy/`. */
  packDir?: string;
  /** How long to wait for the pack to print its port, in ms. Default 60000. */
  startTimeoutMs?: number;
}

/** A spawned pack: its process and the port it will print (rejects, with its stderr, if it never does). */
export interface PackProcess {
  child: ChildProcess;
  port: Promise<number>;
}

const TS_REGISTER = path.join(__dirname, "..", "ts-register.js");

export function spawnPackProcess(opts: StartOptions = {}): PackProcess {
  // Like the CLI: run in the pack's directory (PolicyPack reads ./package.json for its version).
  // The project's cached transpile-only loader (tools/ts-register.js); the CLI uses its own.
  const child = spawn(process.execPath, ["-r", TS_REGISTER, "index.ts"], {
    cwd: opts.packDir ?? DEFAULT_PACK_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = readPort(child, opts.startTimeoutMs ?? 60_000);
  // A caller that fails before it awaits the port must not crash the process with an unhandled rejection.
  port.catch(() => child.kill("SIGKILL"));
  return { child, port };
}

function readPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(
      () => fail(new Error(`The policy pack printed no port within ${timeoutMs} ms.\n${err}`)),
      timeoutMs,
    );
    const fail = (e: Error) => {
      clearTimeout(timer);
      reject(e);
    };
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("error", fail);
    child.on("exit", (code) =>
      fail(new Error(`The policy pack exited (code ${code}) before printing its port.\n${err}`)),
    );
  });
}

/** Ends the process (SIGTERM, then SIGKILL after 3 s) and waits for it to exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
