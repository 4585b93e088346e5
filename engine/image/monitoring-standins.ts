// Stand-ins for the monitoring images the program names (MONITORING_WORKLOADS in stacks/settings/defaults.ts),
// which the local cluster cannot pull: Debian trixie's prometheus, promtool and exporters, made like the
// Redis stand-in (engine/image/redis-standin.ts: `apt-get download` through the private apt state, `dpkg-deb
// -x`), laid out with the paths, user, port, entrypoint and command of each upstream image's Dockerfile at
// the named tag. docs/image-stand-ins.md lists every difference from the real images.
import * as fs from "fs";
import * as path from "path";
import { NOBODY } from "../../components/monitoring/common";
import { MONITORING_WORKLOADS } from "../../stacks/settings/defaults";
import type { Buildah } from "./buildah";
import { run } from "./proc";
import {
  aptForCache,
  debDirFor,
  debianUpstreamVersion,
  download,
  hostArch,
  makeAside,
  pruneOtherRecipes,
  pushRootfsImage,
  recipeKeyOf,
  rootfsPackageVersion,
  STAND_IN_LABEL,
  STAND_IN_PATH,
  systemDirs,
  unpack,
  writeAccounts,
  type DebianRelease,
  type StandInArch,
} from "./standins";

/**
 * The release whose versions are closest to the named tags: trixie has prometheus 2.53.3 (the image:
 * v2.53.2), redis-exporter 1.69.0 (v1.62.0), blackbox-exporter 0.26.0 (v0.25.0) and node-exporter 1.9.0
 * (v1.8.2); bookworm has 2.42.0, 1.45.0, 0.23.0 and 1.5.0.
 */
export const MONITORING_RELEASE: DebianRelease = "trixie";

export type MonitoringStandInName = "prometheus" | "redisExporter" | "blackboxExporter" | "nodeExporter";

/** What an upstream image's Dockerfile (and the base it names) sets, reproduced as it is. */
export interface UpstreamImageConfig {
  entrypoint: string[];
  /** None: the image has no CMD (a Dockerfile's ENTRYPOINT clears the base's). */
  cmd?: string[];
  /** None: root, the Dockerfile sets no USER. */
  user?: string;
  workdir?: string;
  ports: number[];
  volumes?: string[];
}

/** How one stand-in is made. */
export interface MonitoringRecipe {
  /** The image the program names (and pulls through `moontv:registryMirrors`). */
  image: string;
  /**
   * What the upstream image is built on: Prometheus' `quay.io/prometheus/busybox-linux-<arch>` (busybox with
   * its applets, root and nobody, CA bundle, nsswitch.conf, zoneinfo and /etc/services) or `scratch` (the
   * binary, the CA bundle and nsswitch.conf alone).
   */
  base: "busybox" | "scratch";
  /** Debian packages beyond the base's. */
  packages: readonly string[];
  /** The package whose version the stand-in carries. */
  versionPackage: string;
  /** Upstream's path of a program → the file Debian installs (a relative link is made). */
  links: Readonly<Record<string, string>>;
  /** Paths the upstream image has, which set-up checks for once the root is laid out. */
  paths: readonly string[];
  config: UpstreamImageConfig;
  /** Moves Debian's files to upstream's places (run after the links are made). */
  layout?: (root: string) => void;
}

/** What every stand-in is made of: the release's identity, the C library its programs link and CA certificates. */
const COMMON_PACKAGES = ["base-files", "libc6", "ca-certificates"];
/** Prometheus' busybox base adds a shell and its applets, /etc/services and the time zones. */
const BUSYBOX_PACKAGES = [...COMMON_PACKAGES, "busybox", "netbase", "tzdata"];

/**
 * What prometheus' classic web UI (Debian serves it from `--web.local-assets=/usr/share/prometheus/web/`, whose
 * static/ links into these packages) needs: the package's own dependencies but adduser and init-system-helpers
 * (for its service only), and libjs-d3, which libjs-rickshaw needs.
 */
export const PROMETHEUS_UI_PACKAGES = [
  "fonts-glyphicons-halflings",
  "libjs-bootstrap4",
  "libjs-d3",
  "libjs-eonasdan-bootstrap-datetimepicker",
  "libjs-jquery",
  "libjs-jquery-hotkeys",
  "libjs-moment",
  "libjs-moment-timezone",
  "libjs-mustache",
  "libjs-popper.js",
  "libjs-rickshaw",
];

// Upstream's documentation/examples/prometheus.yml (v2.53.2), which its Dockerfile copies to
// /etc/prometheus/prometheus.yml, in effect (its comments left out): Debian's own sample also scrapes a node
// exporter on localhost:9100 and sends alerts to localhost:9093.
const PROMETHEUS_DEFAULT_CONFIG = `# The settings of upstream's documentation/examples/prometheus.yml (STAND-IN).
global:
  scrape_interval: 15s
  evaluation_interval: 15s
alerting:
  alertmanagers:
    - static_configs:
        - targets:
rule_files:
scrape_configs:
  - job_name: "prometheus"
    static_configs:
      - targets: ["localhost:9090"]
`;

/** `chown -R uid:gid` without following links (upstream's `chown -R nobody:nobody`). */
function chownTree(dir: string, uid: number, gid: number): void {
  fs.lchownSync(dir, uid, gid);
  if (!fs.lstatSync(dir).isDirectory()) return;
  for (const entry of fs.readdirSync(dir)) chownTree(path.join(dir, entry), uid, gid);
}

function layoutPrometheus(root: string): void {
  // Debian keeps upstream's console templates and libraries as examples; upstream's image serves them from
  // /usr/share/prometheus, linked from /etc/prometheus (`ln -s … /etc/prometheus/`).
  const examples = path.join(root, "usr/share/doc/prometheus/examples");
  for (const [dir, link] of [
    ["console_libraries", "/usr/share/prometheus/console_libraries"],
    ["consoles", "/usr/share/prometheus/consoles/"],
  ]) {
    fs.renameSync(path.join(examples, dir), path.join(root, "usr/share/prometheus", dir));
    fs.rmSync(path.join(root, "etc/prometheus", dir), { recursive: true, force: true });
    fs.symlinkSync(link, path.join(root, "etc/prometheus", dir));
  }
  fs.writeFileSync(path.join(root, "etc/prometheus/prometheus.yml"), PROMETHEUS_DEFAULT_CONFIG);
  fs.mkdirSync(path.join(root, "prometheus"));
  for (const dir of ["etc/prometheus", "prometheus"]) chownTree(path.join(root, dir), NOBODY, NOBODY);
  const dangling = danglingLinks(root, "/usr/share/prometheus/web");
  if (dangling.length > 0) throw new Error(`Prometheus stand-in: web UI links lead nowhere: ${dangling.join(", ")}`);
}

function layoutBlackboxExporter(root: string): void {
  // Debian's /etc/prometheus/blackbox.yml is upstream's blackbox.yml, which the image has as this file.
  fs.mkdirSync(path.join(root, "etc/blackbox_exporter"));
  fs.renameSync(path.join(root, "etc/prometheus/blackbox.yml"), path.join(root, "etc/blackbox_exporter/config.yml"));
  fs.rmdirSync(path.join(root, "etc/prometheus"));
}

/**
 * The four stand-ins, each after its upstream Dockerfile at the named tag: prometheus/prometheus v2.53.2,
 * oliver006/redis_exporter v1.62.0 (docker/Dockerfile, target `scratch`, the tag's amd64 image),
 * prometheus/blackbox_exporter v0.25.0 and prometheus/node_exporter v1.8.2.
 */
export const MONITORING_RECIPES: Readonly<Record<MonitoringStandInName, MonitoringRecipe>> = {
  prometheus: {
    image: MONITORING_WORKLOADS.prometheus.image,
    base: "busybox",
    packages: ["prometheus", "promtool", ...PROMETHEUS_UI_PACKAGES],
    versionPackage: "prometheus",
    // /bin is /usr/bin here (merged /usr), where Debian installs both under upstream's names.
    links: {},
    paths: [
      "/bin/prometheus",
      "/bin/promtool",
      "/etc/prometheus/prometheus.yml",
      "/etc/prometheus/console_libraries/prom.lib",
      "/etc/prometheus/consoles/prometheus.html",
      "/prometheus",
    ],
    config: {
      entrypoint: ["/bin/prometheus"],
      cmd: [
        "--config.file=/etc/prometheus/prometheus.yml",
        "--storage.tsdb.path=/prometheus",
        "--web.console.libraries=/usr/share/prometheus/console_libraries",
        "--web.console.templates=/usr/share/prometheus/consoles",
      ],
      user: "nobody",
      workdir: "/prometheus",
      ports: [9090],
      volumes: ["/prometheus"],
    },
    layout: layoutPrometheus,
  },
  redisExporter: {
    image: MONITORING_WORKLOADS.redisExporter.image,
    base: "scratch",
    packages: ["prometheus-redis-exporter"],
    versionPackage: "prometheus-redis-exporter",
    links: { "/redis_exporter": "/usr/bin/prometheus-redis-exporter" },
    paths: ["/redis_exporter", "/etc/ssl/certs/ca-certificates.crt", "/etc/nsswitch.conf"],
    config: { entrypoint: ["/redis_exporter"], user: "59000:59000", ports: [9121] },
  },
  blackboxExporter: {
    image: MONITORING_WORKLOADS.blackboxExporter.image,
    base: "busybox",
    packages: ["prometheus-blackbox-exporter"],
    versionPackage: "prometheus-blackbox-exporter",
    links: { "/bin/blackbox_exporter": "/usr/bin/prometheus-blackbox-exporter" },
    paths: ["/bin/blackbox_exporter", "/etc/blackbox_exporter/config.yml"],
    // No USER: upstream's runs as root.
    config: {
      entrypoint: ["/bin/blackbox_exporter"],
      cmd: ["--config.file=/etc/blackbox_exporter/config.yml"],
      ports: [9115],
    },
    layout: layoutBlackboxExporter,
  },
  nodeExporter: {
    image: MONITORING_WORKLOADS.nodeExporter.image,
    base: "busybox",
    packages: ["prometheus-node-exporter"],
    versionPackage: "prometheus-node-exporter",
    links: { "/bin/node_exporter": "/usr/bin/prometheus-node-exporter" },
    paths: ["/bin/node_exporter"],
    config: { entrypoint: ["/bin/node_exporter"], user: "nobody", ports: [9100] },
  },
};

export const MONITORING_STAND_IN_NAMES = Object.keys(MONITORING_RECIPES) as MonitoringStandInName[];

/** Every Debian package a stand-in is made from, its base's first. */
export function recipePackages(recipe: MonitoringRecipe): string[] {
  return [...new Set([...(recipe.base === "busybox" ? BUSYBOX_PACKAGES : COMMON_PACKAGES), ...recipe.packages])];
}

/** `buildah config` flags of the upstream image, plus PATH (busybox's) and the STAND-IN label. */
export function monitoringImageConfig(recipe: MonitoringRecipe, debianVersion: string): string[] {
  const c = recipe.config;
  return [
    "--entrypoint",
    JSON.stringify(c.entrypoint),
    ...(c.cmd ? ["--cmd", JSON.stringify(c.cmd)] : []),
    ...(c.user ? ["--user", c.user] : []),
    ...(c.workdir ? ["--workingdir", c.workdir] : []),
    ...c.ports.flatMap((p) => ["--port", `${p}/tcp`]),
    ...(c.volumes ?? []).flatMap((v) => ["--volume", v]),
    "--env",
    `PATH=${STAND_IN_PATH}`,
    "--label",
    STAND_IN_LABEL,
    // What is really inside, not the tag's version.
    "--label",
    `org.opencontainers.image.version=${debianVersion}`,
  ];
}

/**
 * The host path of the image path `p` inside the root file system `root`, with every link followed as the
 * image's own processes would (an absolute target from the image's root, not this machine's).
 */
export function resolveInImage(root: string, p: string, hops = 0): string {
  if (hops > 40) throw new Error(`${p}: too many levels of links in ${root}`);
  const parts = p.split("/").filter(Boolean);
  let at = "/";
  for (const [i, part] of parts.entries()) {
    const next = path.posix.join(at, part);
    const host = path.join(root, next);
    if (fs.lstatSync(host, { throwIfNoEntry: false })?.isSymbolicLink()) {
      const target = fs.readlinkSync(host);
      const rest = parts.slice(i + 1).join("/");
      return resolveInImage(root, path.posix.join(path.posix.resolve(at, target), rest), hops + 1);
    }
    at = next;
  }
  return path.join(root, at);
}

/** The links under `dir` (an image path) that lead to nothing inside the image `root`. */
export function danglingLinks(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const p = path.posix.join(dir, entry.name);
    if (entry.isSymbolicLink() && !fs.existsSync(resolveInImage(root, p))) found.push(p);
    else if (entry.isDirectory()) found.push(...danglingLinks(root, p));
  }
  return found;
}

/** What update-ca-certificates (a postinst, not run by dpkg-deb -x) would make: every certificate of
 * ca-certificates in one bundle, in the order of the /etc/ca-certificates.conf it writes (sorted names). */
function writeCaBundle(root: string): void {
  const dir = path.join(root, "usr/share/ca-certificates/mozilla");
  const certs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".crt"))
    .sort();
  if (certs.length === 0) throw new Error(`monitoring stand-in: no certificate in ${dir}`);
  const pem = certs.map((f) => fs.readFileSync(path.join(dir, f), "utf8").replace(/\n?$/, "\n"));
  fs.mkdirSync(path.join(root, "etc/ssl/certs"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/ssl/certs/ca-certificates.crt"), pem.join(""));
}

// Debian's default (what libc-bin's postinst installs, comments left out); upstream's busybox base copies
// Debian's, redis_exporter's scratch image Alpine's (`hosts: files dns` as well).
const NSSWITCH = `passwd:         files
group:          files
shadow:         files
gshadow:        files

hosts:          files dns
networks:       files

protocols:      db files
services:       db files
ethers:         db files
rpc:            db files

netgroup:       nis
`;

/** Busybox's applets as links to it in /bin (upstream's base installs them so), and its accounts. */
async function layoutBusybox(root: string): Promise<void> {
  // Runs the stand-in's own busybox (chrooted): only its --install knows its applets.
  await run("chroot", [root, "/usr/bin/busybox", "--install", "/usr/bin"]);
  writeAccounts(
    root,
    ["root:x:0:0:root:/root:/bin/sh", `nobody:x:${NOBODY}:${NOBODY}:nobody:/home:/bin/false`],
    ["root:x:0:", `nobody:x:${NOBODY}:`],
  );
}

/** Links `at` (an image path) to the file `to`, relative to the directory `at` really lands in. */
function linkInImage(root: string, at: string, to: string): void {
  const dir = resolveInImage(root, path.posix.dirname(at));
  fs.symlinkSync(path.relative(dir, resolveInImage(root, to)), path.join(dir, path.posix.basename(at)));
}

async function makeMonitoringRootfs(root: string, recipe: MonitoringRecipe, debs: string[]): Promise<void> {
  await unpack(root, debs, recipePackages(recipe));
  systemDirs(root);
  writeCaBundle(root);
  fs.writeFileSync(path.join(root, "etc/nsswitch.conf"), NSSWITCH);
  if (recipe.base === "busybox") await layoutBusybox(root);
  for (const [at, to] of Object.entries(recipe.links)) linkInImage(root, at, to);
  recipe.layout?.(root);
  const missing = [...recipe.paths, recipe.config.entrypoint[0]].filter((p) => !fs.existsSync(resolveInImage(root, p)));
  if (missing.length > 0) throw new Error(`stand-in of ${recipe.image}: missing ${missing.join(", ")}`);
  const entrypoint = resolveInImage(root, recipe.config.entrypoint[0]);
  if ((fs.statSync(entrypoint).mode & 0o111) === 0)
    throw new Error(`stand-in of ${recipe.image}: ${recipe.config.entrypoint[0]} is not executable`);
}

export interface MonitoringStandInRootfs {
  name: MonitoringStandInName;
  arch: StandInArch;
  dir: string;
  /** Debian's version of the recipe's package, e.g. 2.53.3+ds1-2. */
  debianVersion: string;
}

/** Where the monitoring stand-ins' root file systems of this recipe are kept. */
function recipeDir(cacheRoot: string): string {
  return path.join(cacheRoot, "standins-monitoring", recipeKeyOf([__filename, path.join(__dirname, "standins.ts")]));
}

/**
 * Builds (once per recipe, cached under `cacheRoot`) the root file system of the stand-in `name` for this
 * machine's CPU: the only one the monitoring stand-ins are made for (busybox's applets are listed by running
 * it, and the real node runs this CPU's images).
 */
export async function prepareMonitoringRootfs(
  cacheRoot: string,
  name: MonitoringStandInName,
): Promise<MonitoringStandInRootfs> {
  const recipe = MONITORING_RECIPES[name];
  const arch = hostArch();
  const base = recipeDir(cacheRoot);
  const dir = path.join(base, arch, name);
  await makeAside(dir, async (root) => {
    const apt = await aptForCache(cacheRoot, arch, MONITORING_RELEASE);
    const pkgs = recipePackages(recipe);
    await makeMonitoringRootfs(root, recipe, await download(pkgs, debDirFor(cacheRoot, arch, MONITORING_RELEASE), apt));
  });
  pruneOtherRecipes(base);
  return { name, arch, dir, debianVersion: rootfsPackageVersion(dir, recipe.versionPackage) };
}

export interface MonitoringStandIn {
  /** Where it was pushed. */
  ref: string;
  /** The image the program names, which `ref` stands in for. */
  image: string;
  /** Debian's version inside (e.g. 2.53.3+ds1-2) and its upstream part (2.53.3+ds1), not the tag's. */
  debianVersion: string;
  version: string;
  arch: StandInArch;
}

/** Builds every monitoring stand-in for this machine's CPU and pushes each to `refOf(<the image it stands in for>)`. */
export async function pushMonitoringStandIns(
  buildah: Buildah,
  cacheRoot: string,
  refOf: (image: string) => string,
): Promise<Record<MonitoringStandInName, MonitoringStandIn>> {
  const pushed = {} as Record<MonitoringStandInName, MonitoringStandIn>;
  for (const name of MONITORING_STAND_IN_NAMES) {
    const recipe = MONITORING_RECIPES[name];
    const rootfs = await prepareMonitoringRootfs(cacheRoot, name);
    const ref = refOf(recipe.image);
    await pushRootfsImage(
      buildah,
      ref,
      `monitoring-${name}`,
      [rootfs],
      monitoringImageConfig(recipe, rootfs.debianVersion),
    );
    pushed[name] = {
      ref,
      image: recipe.image,
      debianVersion: rootfs.debianVersion,
      version: debianUpstreamVersion(rootfs.debianVersion),
      arch: rootfs.arch,
    };
  }
  return pushed;
}
