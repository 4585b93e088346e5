// Debian's docker-registry on 127.0.0.1 at a port chosen at run time, storage in a temporary
// directory; stopped by PID.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort, requireBinary } from "../cluster/host-tools";

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, usable as an image name prefix. */
  host: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts docker-registry with its own config and storage in a temporary directory (deletes enabled);
 * with `auth`, behind htpasswd (bcrypt) basic auth. Resolves once `/v2/` answers.
 */
export async function startRegistry(auth?: { username: string; password: string }): Promise<LocalRegistry> {
  const bin = requireBinary("docker-registry", "docker-registry");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-registry-"));
  const port = await freePort();
  let authYaml = "";
  if (auth) {
    const htpasswd = requireBinary("htpasswd", "apache2-utils");
    const line = execFileSync(htpasswd, ["-Bbn", auth.username, auth.password]).toString().trim();
    fs.writeFileSync(path.join(dir, "htpasswd"), line + "\n");
    authYaml = `auth:\n  htpasswd:\n    realm: moontv-test\n    path: ${path.join(dir, "htpasswd")}\n`;
  }
  fs.writeFileSync(
    path.join(dir, "config.yml"),
    `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, "data")}\n` +
      `  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authYaml}`,
  );
  const log = fs.openSync(path.join(dir, "registry.log"), "w");
  const child: ChildProcess = spawn(bin, ["serve", path.join(dir, "config.yml")], { stdio: ["ignore", log, log] });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const host = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, "SIGTERM");
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      const text = fs.readFileSync(path.join(dir, "registry.log"), "utf8");
      await stop();
      throw new Error(`docker-registry exited at start: ${text.slice(-2000)}`);
    }
    const status = await fetch(`http://${host}/v2/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200 || status === 401) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not answer on ${host} within 15 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, pid: child.pid as number, stop };
}
