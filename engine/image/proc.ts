// Child-process helpers for the image tools: every command is spawned without a shell, its output
// captured, and a failure reported with the command line and the tail of its output.
import { spawn, SpawnOptions } from "child_process";

/** A program from a Debian package, or a clear error naming the package. */
export { requireBinary } from "../cluster/host-tools";

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Wall-clock seconds. */
  seconds: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to stdin. */
  input?: string;
  /** Kill the command after this many seconds (default 1800). */
  timeoutSeconds?: number;
  /** Mirror the output to this process's stderr (long builds show progress). */
  echo?: boolean;
}

/** Runs `cmd args…`; resolves with its output, rejects (naming the command) on a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const stdin = opts.input === undefined ? "ignore" : "pipe";
    const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [stdin, "pipe", "pipe"] };
    const child = spawn(cmd, args, spawnOpts);
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), (opts.timeoutSeconds ?? 1800) * 1000);
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (opts.echo) process.stderr.write(d);
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (opts.echo) process.stderr.write(d);
    });
    child.stdin?.on("error", () => undefined); // a command may exit without reading its input
    child.stdin?.end(opts.input);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code === 0) return resolve({ stdout, stderr, seconds });
      const tail = (stdout + stderr).split("\n").slice(-40).join("\n");
      reject(new Error(`\`${[cmd, ...args].join(" ")}\` failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}
