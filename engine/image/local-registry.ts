// A registry on 127.0.0.1 at a port chosen at run time, storage in a temporary directory; stopped by PID.
//
// The server is the CNCF distribution registry v3 built from the pinned module (engine/distribution,
// `.engine/bin/registry`). Debian's docker-registry (distribution 2.8.2) loses races between two clients
// pushing the same content to one repository: its filesystem driver writes every link file (a blob's
// or a manifest's membership of a repository, a tag's target) in place, truncating it first
// (registry/storage/driver/filesystem/driver.go, PutContent and Writer), so a request that reads a link
// while another client's upload or manifest re-writes it finds it empty. A manifest PUT then fails with
// DIGEST_INVALID + MANIFEST_BLOB_UNKNOWN, a GET or HEAD with 500. BuildKit meets exactly that when two
// platforms that share layers push to one repository at once (test/e2e/image-platforms.e2e.ts).
// distribution v3.1.2 (pinned) writes each file to a temporary one and renames it over the old one
// (distribution/distribution#4624); v3.0.0 still wrote in place. test/e2e/registry-race.e2e.ts holds it.
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { freePort, requireBinary } from "../cluster/host-tools";

/** distribution v3, built by `npm run engine:build` (engine/distribution). */
export const ENGINE_REGISTRY = path.resolve(__dirname, "..", "..", ".engine", "bin", "registry");

/**
 * What the registry runs with besides the caller's environment: distribution v3 exports OpenTelemetry
 * traces to an OTLP collector at localhost:4318 unless `OTEL_TRACES_EXPORTER` says otherwise (its
 * docs/content/about/configuration.md, "Disable traces export"). Debian's 2.8.2 ignores it.
 */
export const REGISTRY_ENV: Readonly<Record<string, string>> = { OTEL_TRACES_EXPORTER: "none" };

/** The engine's distribution v3 binary; a missing one fails naming the build that makes it. */
export function engineRegistry(): string {
  if (!fs.existsSync(ENGINE_REGISTRY)) {
    throw new Error(`${ENGINE_REGISTRY} is missing: run \`npm run engine:build\` (its target "registry")`);
  }
  return ENGINE_REGISTRY;
}

/**
 * The server startRegistry runs unless told: the engine's distribution v3 once built, else Debian's
 * docker-registry (2.8.2). `npm test` runs before the engine is built (.ci/run), and its specs push with
 * one client at a time, which 2.8.2 serves correctly; the cluster (builder.ts registryServer) and the e2e
 * specs run v3.
 */
export function defaultRegistryServer(): string {
  return fs.existsSync(ENGINE_REGISTRY) ? ENGINE_REGISTRY : requireBinary("docker-registry", "docker-registry");
}

export interface RegistryConfigOptions {
  /** `ip:port` to listen on. */
  addr: string;
  /** Root of the filesystem storage. */
  dataDir: string;
  /** Serving certificate and key (PEM files): https instead of http. */
  tls?: { certificate: string; key: string };
  /** An htpasswd file (bcrypt entries): basic auth in front of every request. */
  htpasswd?: string;
  /** Accept image indexes whose entries are not manifests of the repository: see RegistryOptions. */
  incompleteIndexes?: boolean;
}

/**
 * The registry's config.yml: filesystem storage, deletes enabled (docker-build deletes by digest), warnings
 * only, no access log. Every key has the same meaning in distribution 2.8 and v3 (configuration/
 * configuration.go of both), so either server takes it.
 */
export function registryConfigYaml(opts: RegistryConfigOptions): string {
  const lines = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${opts.dataDir}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${opts.addr}`,
  ];
  if (opts.tls) lines.push("  tls:", `    certificate: ${opts.tls.certificate}`, `    key: ${opts.tls.key}`);
  if (opts.htpasswd) lines.push("auth:", "  htpasswd:", "    realm: moontv-test", `    path: ${opts.htpasswd}`);
  // v3 only (2.8.2 ignores the key): no check that an index's entries are manifests of the repository.
  if (opts.incompleteIndexes) lines.push("validation:", "  manifests:", "    indexes:", "      platforms: none");
  return lines.join("\n") + "\n";
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`, usable as an image name prefix. */
  host: string;
  /** `http://<host>`, or `https://<host>` when started with TLS. */
  url: string;
  /** The executable that serves it. */
  server: string;
  pid: number;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Serve https with this certificate and key; `ca` (PEM file) verifies it while waiting for `/v2/`. */
  tls?: { certificate: string; key: string; ca: string };
  /** The registry executable (default: defaultRegistryServer()). */
  server?: string;
  /**
   * Store image indexes whose entries are not manifests of the repository, such as BuildKit's legacy
   * registry cache (`image-manifest=false`: an index listing layers and the cache config). distribution v3
   * refuses them by default (MANIFEST_BLOB_UNKNOWN: its index validation looks only for manifests); 2.8.2
   * took any blob of the repository. The project's own cache is an image manifest (components/image/cache.ts).
   */
  incompleteIndexes?: boolean;
}

/** The status of GET `url`, or 0 when nothing answers. */
function probe(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const done = (status: number) => resolve(status);
    const req = url.startsWith("https:")
      ? https.get(url, { ca, agent: false }, (res) => (res.resume(), done(res.statusCode ?? 0)))
      : http.get(url, { agent: false }, (res) => (res.resume(), done(res.statusCode ?? 0)));
    req.on("error", () => done(0));
    req.setTimeout(2_000, () => req.destroy());
  });
}

/**
 * Starts the registry with its own config and storage in a temporary directory (deletes enabled); with
 * `auth`, behind htpasswd (bcrypt) basic auth. Resolves once `/v2/` answers.
 */
export async function startRegistry(
  auth?: { username: string; password: string },
  opts: RegistryOptions = {},
): Promise<LocalRegistry> {
  const bin = opts.server ?? defaultRegistryServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-registry-"));
  const port = await freePort();
  let htpasswd: string | undefined;
  if (auth) {
    const tool = requireBinary("htpasswd", "apache2-utils");
    const line = execFileSync(tool, ["-Bbn", auth.username, auth.password]).toString().trim();
    htpasswd = path.join(dir, "htpasswd");
    fs.writeFileSync(htpasswd, line + "\n");
  }
  const host = `127.0.0.1:${port}`;
  fs.writeFileSync(
    path.join(dir, "config.yml"),
    registryConfigYaml({
      addr: host,
      dataDir: path.join(dir, "data"),
      tls: opts.tls,
      htpasswd,
      incompleteIndexes: opts.incompleteIndexes,
    }),
  );
  const log = fs.openSync(path.join(dir, "registry.log"), "w");
  const child: ChildProcess = spawn(bin, ["serve", path.join(dir, "config.yml")], {
    stdio: ["ignore", log, log],
    env: { ...process.env, ...REGISTRY_ENV },
  });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `${opts.tls ? "https" : "http"}://${host}`;
  const ca = opts.tls ? fs.readFileSync(opts.tls.ca) : undefined;
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
      throw new Error(`${bin} exited at start: ${text.slice(-2000)}`);
    }
    const status = await probe(`${url}/v2/`, ca);
    if (status === 200 || status === 401) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${bin} did not answer on ${url} within 15 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, url, server: bin, pid: child.pid as number, stop };
}
