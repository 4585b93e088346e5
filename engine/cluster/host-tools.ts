/**
 * What the scripts and specs need from the machine, in one place: a program from a Debian package
 * (found or refused by name) and a free port on 127.0.0.1.
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

/**
 * The path of `binary`, looked up on PATH and in the sbin/bin directories (runc lives in /usr/sbin,
 * which a user's PATH may lack); a missing one fails loudly, naming the Debian package that has it.
 */
export function requireBinary(binary: string, aptPackage: string): string {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/bin", "/sbin", "/bin"]) {
    const candidate = path.join(dir, binary);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${binary} is not installed: apt-get install ${aptPackage} (.ci/run installs it from .ci/apt-packages.txt)`,
  );
}

/** A free TCP port on `host` (default 127.0.0.1), chosen by the kernel. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True when `port` on `host` can be listened on now. */
function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

/** The port kept in `file` by an earlier run when it is free again, else a new one (kept for the next). */
export async function stablePort(file: string, host = "127.0.0.1"): Promise<number> {
  const kept = fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8")) : 0;
  if (kept && (await portFree(host, kept))) return kept;
  const port = await freePort(host);
  fs.writeFileSync(file, String(port));
  return port;
}
