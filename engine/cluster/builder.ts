/**
 * The local cluster's image side: a TLS registry (distribution v3 from engine/distribution, deletes enabled;
 * not Debian's docker-registry 2.8.2, which loses concurrent pushes of the same content: see
 * engine/image/local-registry.ts) holding the
 * stand-in base images and the Dockerfile frontend, a rootful buildkitd (OCI worker on Debian's runc) that
 * trusts the registry's CA, and a buildx `remote` builder pointing at it, so that the docker-build
 * provider builds and pushes for real. The registry's CA is made anew at every `up`.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import { promises as dns } from "dns";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { Buildah } from "../image/buildah";
import { engineRegistry, REGISTRY_ENV, registryConfigYaml } from "../image/local-registry";
import { cacheRoot } from "../image/pipeline";
import { issueCertificate, makeCa } from "./pki";
import { prepareStandInRootfs, pushStandIns, type StandInArch, type StandInImages } from "../image/standins";
import { pushRedisStandIn, type RedisStandIn } from "../image/redis-standin";
import {
  pushMonitoringStandIns,
  type MonitoringStandIn,
  type MonitoringStandInName,
} from "../image/monitoring-standins";
import { redisImage } from "../../components/redis/image";
import { mirroredImage } from "../../components/shared/mirror";
import { REDIS_DEFAULTS } from "../../stacks/settings/defaults";

/** Name of the buildx builder `up` creates (`moontv:image.builder`, E2E_BUILDER). */
export const BUILDER_NAME = "moontv-local";
/** The frontend a `# syntax=docker/dockerfile:1` line names; served from the registry as a docker.io mirror. */
export const FRONTEND_REPO = "docker/dockerfile";
export const FRONTEND_TAG = "1";
const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export interface RegistryPki {
  caCert: string;
  cert: string;
  key: string;
  /** The system's CA bundle plus the registry's CA: SSL_CERT_FILE of Go programs (provider, buildx). */
  bundle: string;
}

/** Where the registry listens (`ip`, a loopback address) and the name image refs give it. */
export interface RegistryAddress {
  name: string;
  ip: string;
}

/**
 * The registry is named by this machine's host name, which must resolve to a loopback address (where it
 * listens), not by an IP. docker-build's Index runs `buildx imagetools create`, which takes registry
 * settings only from the builder's stored buildkitd config, and a `remote` builder can store none; without
 * one, containerd's resolver speaks plain HTTP to `localhost` and to every loopback IP whatever the
 * registry serves, so a TLS registry addressed so cannot take an index. A name gets https.
 */
export async function registryAddress(): Promise<RegistryAddress> {
  const name = os.hostname();
  const { address } = await dns.lookup(name, { family: 4 }).catch((err: Error) => {
    throw new Error(
      `the local registry is named by this machine's host name, and "${name}" does not resolve (${err.message}): add "127.0.0.1 ${name}" to /etc/hosts`,
    );
  });
  if (!/^127\./.test(address)) {
    throw new Error(
      `the local registry is named by this machine's host name, and "${name}" resolves to ${address}, not a loopback address: add "127.0.0.1 ${name}" to /etc/hosts`,
    );
  }
  return { name, ip: address };
}

/** A fresh CA and a serving certificate for the registry's name and address (and 127.0.0.1, localhost). */
export function makeRegistryPki(dir: string, at: RegistryAddress): RegistryPki {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  makeCa(dir, "moontv-local-registry-ca", 30);
  issueCertificate(
    dir,
    "server",
    `/CN=${at.name}`,
    `keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${at.name},IP:${at.ip},IP:127.0.0.1,DNS:localhost\n`,
    30,
  );
  const bundle = path.join(dir, "ca-bundle.crt");
  const system = fs.existsSync(SYSTEM_CA_BUNDLE) ? fs.readFileSync(SYSTEM_CA_BUNDLE, "utf8") : "";
  fs.writeFileSync(bundle, system + "\n" + fs.readFileSync(path.join(dir, "ca.crt"), "utf8"));
  return {
    caCert: path.join(dir, "ca.crt"),
    cert: path.join(dir, "server.crt"),
    key: path.join(dir, "server.key"),
    bundle,
  };
}

/** What `up` runs as the registry: distribution v3's binary (.engine/bin/registry) and its environment. */
export function registryServer(): { exe: string; env: NodeJS.ProcessEnv } {
  return { exe: engineRegistry(), env: { ...process.env, ...REGISTRY_ENV } };
}

/** The registry's configuration: TLS on ip:port, deletes enabled (docker-build deletes by digest). */
export function registryConfig(ip: string, port: number, dataDir: string, pki: RegistryPki): string {
  return registryConfigYaml({ addr: `${ip}:${port}`, dataDir, tls: { certificate: pki.cert, key: pki.key } });
}

/**
 * buildkitd's configuration: rootful OCI worker on Debian's runc (a process sandbox needs root), host
 * network, the registry's CA, and the registry as docker.io's mirror (the only place the `# syntax=`
 * frontend can come from here).
 */
export function buildkitdConfig(opts: {
  root: string;
  socket: string;
  registry: string;
  caCert: string;
  runc: string;
}): string {
  return [
    `root = ${JSON.stringify(opts.root)}`,
    "[grpc]",
    `  address = [${JSON.stringify(`unix://${opts.socket}`)}]`,
    "[worker.oci]",
    "  enabled = true",
    `  binary = ${JSON.stringify(opts.runc)}`,
    "  gc = true",
    '  reservedSpace = "2GB"',
    "[worker.containerd]",
    "  enabled = false",
    `[registry."docker.io"]`,
    `  mirrors = [${JSON.stringify(opts.registry)}]`,
    `[registry.${JSON.stringify(opts.registry)}]`,
    // BuildKit takes a loopback registry for plain http unless told otherwise.
    "  http = false",
    `  ca = [${JSON.stringify(opts.caCert)}]`,
    "",
  ].join("\n");
}

/**
 * Registers QEMU user emulation for arm64 binaries (Debian's qemu-user-static) with the kernel's
 * binfmt_misc, so that buildkitd offers linux/arm64. Returns why not when it cannot.
 */
export function ensureArm64Emulation(): string | undefined {
  const dir = "/proc/sys/fs/binfmt_misc";
  const conf = "/usr/lib/binfmt.d/qemu-aarch64.conf";
  if (!fs.existsSync(conf)) return `${conf} is missing (apt-get install -y qemu-user-static)`;
  try {
    if (!fs.existsSync(path.join(dir, "register")))
      execFileSync("mount", ["-t", "binfmt_misc", "binfmt_misc", dir], { stdio: "pipe" });
    if (!fs.existsSync(path.join(dir, "qemu-aarch64")))
      fs.writeFileSync(path.join(dir, "register"), fs.readFileSync(conf, "utf8").trim());
    return undefined;
  } catch (err) {
    return `cannot register qemu-aarch64 with binfmt_misc: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** `buildx create` of the remote builder over buildkitd's socket, in the engine's own buildx store. */
export function createBuilder(buildx: string, socket: string, env: NodeJS.ProcessEnv): void {
  spawnSync(buildx, ["rm", BUILDER_NAME], { env, stdio: "ignore" });
  const r = spawnSync(buildx, ["create", "--name", BUILDER_NAME, "--driver", "remote", "--use", `unix://${socket}`], {
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`buildx create ${BUILDER_NAME}: ${(r.stderr || r.stdout).trim()}`);
}

/** True once the builder answers through buildx (it reads buildkitd's workers over the socket). */
export function builderReady(buildx: string, env: NodeJS.ProcessEnv): { ok: boolean; platforms: string } {
  const r = spawnSync(buildx, ["inspect", "--bootstrap", BUILDER_NAME], { env, encoding: "utf8", timeout: 30_000 });
  const platforms = /Platforms:\s*(.*)/.exec(r.stdout ?? "")?.[1] ?? "";
  return { ok: r.status === 0 && platforms !== "", platforms };
}

/** True when `url` answers over TLS verified against `caCert` (any HTTP status but a server error). */
export function httpsOk(url: string, caCert: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(url, { ca: fs.readFileSync(caCert), timeout: 2_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

// The labels upstream's frontend image carries: the caps it serves, and that it needs no network.
const FRONTEND_LABELS = [
  "moby.buildkit.frontend.network.none=true",
  "moby.buildkit.frontend.caps=moby.buildkit.frontend.inputs,moby.buildkit.frontend.subrequests,moby.buildkit.frontend.contexts," +
    "moby.buildkit.frontend.gitquerystring,moby.buildkit.frontend.contexts.zstd",
];

/**
 * `moontv:registryMirrors` for the cluster: Docker Hub's and Quay's images are served by the registry under
 * `<registry>/mirror/docker.io` and `<registry>/mirror/quay.io`, where pushImages puts their stand-ins.
 */
export function standInMirrors(registry: string): Record<string, string> {
  return { "docker.io": `${registry}/mirror/docker.io`, "quay.io": `${registry}/mirror/quay.io` };
}

/** Where the program pulls the Redis image it names by default when given standInMirrors(registry). */
export function redisStandInRef(registry: string): string {
  return standInRef(registry, redisImage({ version: REDIS_DEFAULTS.version }));
}

/** Where the program pulls a third-party image it names, `image`, when given standInMirrors(registry). */
export function standInRef(registry: string, image: string): string {
  return mirroredImage(image, standInMirrors(registry));
}

/** What pushImages pushed: the stand-in bases, the Redis and monitoring stand-ins and the mirrors that serve them. */
export interface ClusterImages extends StandInImages {
  redis: RedisStandIn;
  /** Prometheus and its exporters (this machine's CPU only), each with the Debian version inside. */
  monitoring: Record<MonitoringStandInName, MonitoringStandIn>;
  /** `moontv:registryMirrors` (registry host → mirror prefix) under which the stand-ins are served. */
  registryMirrors: Record<string, string>;
}

/**
 * Pushes the stand-in bases (engine/image/standins.ts, made from Debian packages) for `archs` (one
 * manifest list each when several), the stand-in of the default Redis image (engine/image/redis-standin.ts)
 * for the same `archs` where the program pulls it through standInMirrors, the stand-ins of Prometheus and
 * its exporters (engine/image/monitoring-standins.ts) for this machine's CPU, the real node's, likewise,
 * and the Dockerfile frontend image (the pinned BuildKit module's own `dockerfile-frontend`, alone in the
 * image as upstream ships it) to the registry.
 */
export async function pushImages(
  registry: string,
  frontendBinary: string,
  archs: StandInArch[],
): Promise<ClusterImages> {
  const root = cacheRoot();
  fs.mkdirSync(root, { recursive: true });
  const rootfs = [];
  for (const arch of archs) rootfs.push(await prepareStandInRootfs(root, arch));
  const buildah = new Buildah(fs.mkdtempSync(path.join(root, "cluster-")));
  const frontendRoot = fs.mkdtempSync(path.join(root, "frontend-rootfs-"));
  try {
    const bases = await pushStandIns(buildah, rootfs, registry);
    fs.mkdirSync(path.join(frontendRoot, "bin"));
    fs.copyFileSync(frontendBinary, path.join(frontendRoot, "bin", "dockerfile-frontend"));
    fs.chmodSync(path.join(frontendRoot, "bin", "dockerfile-frontend"), 0o755);
    const frontend = `${registry}/${FRONTEND_REPO}:${FRONTEND_TAG}`;
    await buildah.imageFromRootfs(frontendRoot, frontend, [
      "--entrypoint",
      '["/bin/dockerfile-frontend"]',
      ...FRONTEND_LABELS.flatMap((l) => ["--label", l]),
    ]);
    await buildah.push(frontend);
    const redis = await pushRedisStandIn(buildah, root, archs, redisStandInRef(registry));
    const monitoring = await pushMonitoringStandIns(buildah, root, (image) => standInRef(registry, image));
    return { ...bases, redis, monitoring, registryMirrors: standInMirrors(registry) };
  } finally {
    await buildah.destroy();
    fs.rmSync(frontendRoot, { recursive: true, force: true });
  }
}
