/**
 * For the specs of processes the Pulumi CLI starts and then kills (the language host, the policy pack):
 * start one as the CLI does, wait for the port it prints, SIGKILL it; and count what it left in Node's
 * compile cache (NODE_COMPILE_CACHE), which Node itself writes only at exit.
 */
import { spawn, type SpawnOptions } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Starts `command`, resolves with the first line it prints (its port) and kills it at once. */
export async function firstLineThenKill(command: string, args: string[], opts: SpawnOptions): Promise<string> {
  const child = spawn(command, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (d) => resolve(String(d)));
      child.once("exit", (code) => reject(new Error(`${path.basename(command)} exited ${code}: ${err}`)));
    });
    return line;
  } finally {
    child.kill("SIGKILL");
  }
}

/** A fresh, empty NODE_COMPILE_CACHE directory, removed after `use`. */
export async function withCompileCache<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-compile-cache-"));
  try {
    return await use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** How many modules' compiled code the cache directory holds. */
export function cachedModules(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}
