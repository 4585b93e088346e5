// Stand-ins for the two base images (no registry but npm and Debian is reachable here), made for the
// Debian release and Node.js line the image defaults to (stacks/settings/defaults.ts: trixie, Node 24):
// that release's packages (`apt-get download` through a private apt state whose sources name it, then
// `dpkg-deb -x`) and the official Node.js build of the exact version .node-version pins, from npm's
// `node-linux-<arch>` package (integrity-checked by npm, fetched and cached by .ci/node); the same for
// another CPU (arm64, run by buildkitd under QEMU):
//  - runtime: like gcr.io/distroless/nodejs24-debian13: glibc, libstdc++, libssl, CA bundle, tzdata,
//    node at /nodejs/bin/node, ENTRYPOINT ["/nodejs/bin/node"], no shell;
//  - build:   like node:24-trixie-slim: a shell and coreutils, node/npm/corepack in /usr/local, plus
//    what only this machine needs (its CA bundle for node, COREPACK_INTEGRITY_KEYS=0) and an apt-get
//    shim. docs/image-stand-ins.md lists every difference from the real bases.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { defaultBaseImages, IMAGE_BUILD_DEFAULTS, IMAGE_DEBIAN } from "../../stacks/settings/defaults";
import { run } from "./proc";
import type { Buildah } from "./buildah";

/** Debian releases a stand-in is made from: the Node bases' (trixie), and bookworm for the Redis stand-in. */
export type DebianRelease = "bookworm" | "trixie";
/** The Node stand-ins' release: the one the real bases are built on. */
const NODE_BASES_RELEASE: DebianRelease = IMAGE_DEBIAN.codename;

/** Packages of gcr.io/distroless/nodejs24-debian13 (its base and cc layers for debian13; Node 24 adds none). */
export const RUNTIME_PACKAGES = [
  "base-files",
  "netbase",
  "tzdata",
  "ca-certificates",
  "libc6",
  "libssl3t64",
  "libzstd1",
  "zlib1g",
  "gcc-14-base",
  "libgcc-s1",
  "libstdc++6",
  "libgomp1",
];

const SHELL_COMMON = [
  "bash",
  "dash",
  "coreutils",
  "grep",
  "sed",
  "findutils",
  "debianutils",
  "libacl1",
  "libattr1",
  "libselinux1",
  "libpcre2-8-0",
  "libgmp10",
  "libtinfo6",
];

/** A shell and the tools shell scripts use (bash, dash, coreutils, grep, sed, find), with their libraries,
 * per release: trixie's coreutils also links libcap2, libssl3t64 and libsystemd0. */
export const SHELL_PACKAGES: Readonly<Record<DebianRelease, readonly string[]>> = {
  bookworm: SHELL_COMMON,
  trixie: [...SHELL_COMMON, "libcap2", "libssl3t64", "libsystemd0"],
};

/** A trixie-slim subset: what a Dockerfile RUN step and node/corepack/pnpm use. */
export const BUILD_PACKAGES = [
  ...new Set([
    "base-files",
    "netbase",
    "tzdata",
    "ca-certificates",
    "libc6",
    "libc-bin",
    "libssl3t64",
    "gcc-14-base",
    "libgcc-s1",
    "libstdc++6",
    "zlib1g",
    ...SHELL_PACKAGES[NODE_BASES_RELEASE],
    "tar",
    "gzip",
    "mawk",
    "libzstd1",
    "liblzma5",
    "libbz2-1.0",
    "libmd0",
  ]),
];

/** Debian's name of a CPU; the stand-ins exist for these. */
export type StandInArch = "amd64" | "arm64";
/** npm's (Node's `process.arch`) name of each. */
const NODE_ARCH: Record<StandInArch, string> = { amd64: "x64", arm64: "arm64" };
/** This machine's architecture, whose node and apt state are used as they are. */
export function hostArch(): StandInArch {
  const arch = (Object.keys(NODE_ARCH) as StandInArch[]).find((a) => NODE_ARCH[a] === process.arch);
  if (!arch)
    throw new Error(
      `stand-in bases: this machine's CPU ${process.arch} is not one of ${Object.values(NODE_ARCH).join(", ")}`,
    );
  return arch;
}

const HOST_NODE_MODULES = "/usr/lib/node_modules";
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const SHIM = path.join(__dirname, "apt-get-shim.sh");

// Same logic as the node images' docker-entrypoint.sh: run `node` when the first argument is an
// option or not a command.
const NODE_ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "\${1}" ] || [ -z "$(command -v "\${1}")" ] || { [ -f "\${1}" ] && ! [ -x "\${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
`;

export interface StandInRootfs {
  arch: StandInArch;
  runtimeDir: string;
  buildDir: string;
  /** Node version of both stand-ins (exact). */
  nodeVersion: string;
}

export interface StandInImages {
  /** Fully qualified refs in the local registry, passed as BUILD_BASE_IMAGE / RUNTIME_BASE_IMAGE: an
   * image for one architecture, a manifest list for several. */
  buildBase: string;
  runtimeBase: string;
  nodeVersion: string;
  /** Architectures the refs serve. */
  archs: StandInArch[];
}

/** Key of a stand-in build: changes when one of `files` (its recipe and the code it runs) or `extra` changes. */
export function recipeKeyOf(files: string[], ...extra: string[]): string {
  const h = createHash("sha256");
  for (const f of files) h.update(fs.readFileSync(f));
  for (const e of extra) h.update(e);
  return h.digest("hex").slice(0, 16);
}

/** Key of the Node stand-ins: changes when this recipe, the shim or the Node version changes. */
function recipeKey(nodeVersion: string): string {
  return recipeKeyOf([__filename, SHIM], nodeVersion);
}

/** The upstream part of a Debian version: `5:7.0.15-1~deb12u10` → `7.0.15` (no epoch, no revision). */
export function debianUpstreamVersion(version: string): string {
  const upstream = version.replace(/^\d+:/, "").replace(/-[^-]*$/, "");
  if (!/^\d/.test(upstream)) throw new Error(`cannot read an upstream version from the Debian version "${version}"`);
  return upstream;
}

/** The version dpkg's status file (as unpack() writes it) records for `pkg`. */
export function installedVersion(status: string, pkg: string): string {
  const entry = status.split(/\n\s*\n/).find((e) => e.split("\n").includes(`Package: ${pkg}`));
  const version = entry && /^Version: (.+)$/m.exec(entry)?.[1];
  if (!version) throw new Error(`no version of ${pkg} in the stand-in's dpkg status`);
  return version;
}

/** The Debian version of `pkg` unpacked into the stand-in root file system `root` (by unpack()). */
export function rootfsPackageVersion(root: string, pkg: string): string {
  return installedVersion(fs.readFileSync(path.join(root, "var/lib/dpkg/status"), "utf8"), pkg);
}

/** This machine's Debian release (VERSION_CODENAME), whose system apt sources serve it. */
function hostRelease(): string | undefined {
  const osRelease = fs.existsSync("/etc/os-release") ? fs.readFileSync("/etc/os-release", "utf8") : "";
  return /^VERSION_CODENAME=(\S+)$/m.exec(osRelease)?.[1];
}

/** A sources list naming `release` (main, its updates and its security archive), for a private apt state. */
function sourcesList(release: DebianRelease): string {
  const signed = "[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]";
  return [
    `deb ${signed} http://deb.debian.org/debian ${release} main`,
    `deb ${signed} http://deb.debian.org/debian ${release}-updates main`,
    `deb ${signed} http://deb.debian.org/debian-security ${release}-security main`,
    "",
  ].join("\n");
}

/** apt-get options of a private apt state: its own package lists under `aptRoot`, nothing installed, and
 * for another release than this machine's, a sources list of its own (the system's sources serve this
 * machine's release only). The system's apt configuration is not touched. */
function privateAptOptions(arch: StandInArch, release: DebianRelease, aptRoot: string): string[] {
  const opts = [
    "-o",
    `APT::Architecture=${arch}`,
    "-o",
    `APT::Architectures=${arch}`,
    "-o",
    `Dir::State::Lists=${path.join(aptRoot, "lists")}`,
    "-o",
    `Dir::Cache=${path.join(aptRoot, "cache")}`,
    "-o",
    "Dir::State::status=/dev/null",
  ];
  if (release === hostRelease()) return opts;
  return [...opts, "-o", `Dir::Etc::sourcelist=${path.join(aptRoot, "sources.list")}`, "-o", "Dir::Etc::sourceparts=-"];
}

/** The apt-get options to download `arch`'s packages of `release`: none for this machine's own; else a
 * private state whose package lists are fetched once (`apt-get update`) and kept under `aptRoot`. */
async function aptFor(arch: StandInArch, release: DebianRelease, aptRoot: string): Promise<string[]> {
  if (arch === hostArch() && release === hostRelease()) return [];
  const opts = privateAptOptions(arch, release, aptRoot);
  const lists = path.join(aptRoot, "lists");
  if (!fs.existsSync(lists) || !fs.readdirSync(lists).some((f) => f.endsWith("_Packages"))) {
    for (const d of ["lists/partial", "cache/archives/partial"])
      fs.mkdirSync(path.join(aptRoot, d), { recursive: true });
    fs.writeFileSync(path.join(aptRoot, "sources.list"), sourcesList(release));
    await run("apt-get", ["update", "-q", ...opts], { timeoutSeconds: 600 }).catch((err: Error) => {
      throw new Error(`cannot fetch Debian ${release}'s ${arch} package lists for the stand-in images: ${err.message}`);
    });
  }
  return opts;
}

export async function download(pkgs: string[], debDir: string, apt: string[]): Promise<string[]> {
  fs.mkdirSync(debDir, { recursive: true });
  const have = () => fs.readdirSync(debDir).filter((f) => f.endsWith(".deb"));
  const missing = pkgs.filter((p) => !have().some((f) => f.startsWith(`${p}_`)));
  if (missing.length > 0) {
    // Into a private directory first: another test process may be filling the same cache.
    const tmp = fs.mkdtempSync(path.join(debDir, "download-"));
    try {
      await run("apt-get", ["download", "-q", ...apt, ...missing], { cwd: tmp, timeoutSeconds: 600 });
      for (const f of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, f), path.join(debDir, f));
    } catch (err) {
      throw new Error(
        `cannot download the stand-in packages (run \`apt-get update\` first): ${(err as Error).message}`,
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return pkgs.map((p) => {
    const deb = have().find((f) => f.startsWith(`${p}_`));
    if (!deb) throw new Error(`stand-in package ${p}: no .deb downloaded in ${debDir}`);
    return path.join(debDir, deb);
  });
}

/**
 * The files a .deb installs, as absolute paths with /bin, /sbin, /lib and /lib64 under /usr. tar names
 * them literally: in the C locale (CI's `env -i`) its default quoting escapes every non-ASCII byte, and
 * the apt-get shim then missed ca-certificates' `NetLock_Arany_=Class_Gold=_Főtanúsítvány.crt`.
 */
export async function debFiles(deb: string): Promise<string[]> {
  const listing = (await run("sh", ["-c", 'dpkg-deb --fsys-tarfile "$0" | tar -t --quoting-style=literal', deb]))
    .stdout;
  return listing
    .split("\n")
    .map((l) => l.replace(/^\.\//, "/").replace(/\/$/, ""))
    .filter((l) => l && l !== "/")
    .map((l) => l.replace(/^\/(bin|sbin|lib|lib64)(\/|$)/, "/usr/$1$2"));
}

/** Unpacks the packages into `root` with a merged /usr (as Debian images have) and records each
 * package's files in /var/lib/dpkg/info/<pkg>.list for the apt-get shim, and its version in
 * /var/lib/dpkg/status (what a stand-in reports as its software's version). */
export async function unpack(staging: string, debs: string[], pkgs: string[]): Promise<void> {
  fs.mkdirSync(staging, { recursive: true });
  const lists: Record<string, string[]> = {};
  const versions: Record<string, string> = {};
  for (const [i, deb] of debs.entries()) {
    await run("dpkg-deb", ["-x", deb, staging]);
    versions[pkgs[i]] = (await run("dpkg-deb", ["-f", deb, "Version"])).stdout.trim();
    lists[pkgs[i]] = await debFiles(deb);
  }
  // usrmerge: /bin, /sbin, /lib, /lib64 become links into /usr. From trixie on base-files ships these
  // links itself (unpacked first, later packages land through them in /usr).
  for (const d of ["bin", "sbin", "lib", "lib64"]) {
    const top = path.join(staging, d);
    fs.mkdirSync(path.join(staging, "usr", d), { recursive: true });
    if (fs.lstatSync(top, { throwIfNoEntry: false })?.isSymbolicLink()) {
      if (fs.readlinkSync(top) !== `usr/${d}`) throw new Error(`stand-in: /${d} links to ${fs.readlinkSync(top)}`);
      continue;
    }
    if (fs.existsSync(top)) {
      await run("cp", ["-a", `${top}/.`, path.join(staging, "usr", d)]);
      fs.rmSync(top, { recursive: true, force: true });
    }
    fs.symlinkSync(`usr/${d}`, top);
  }
  for (const d of ["usr/share/man", "usr/share/info", "usr/share/lintian", "usr/share/locale"]) {
    fs.rmSync(path.join(staging, d), { recursive: true, force: true });
  }
  const info = path.join(staging, "var/lib/dpkg/info");
  fs.mkdirSync(info, { recursive: true });
  const status: string[] = [];
  for (const [p, files] of Object.entries(lists)) {
    const kept = files.filter((f) => !/^\/usr\/share\/(man|info|lintian|locale)(\/|$)/.test(f));
    fs.writeFileSync(path.join(info, `${p}.list`), kept.join("\n") + "\n");
    status.push(`Package: ${p}\nStatus: install ok installed\nVersion: ${versions[p]}\n`);
  }
  fs.writeFileSync(path.join(staging, "var/lib/dpkg/status"), status.join("\n"));
}

const CI_NODE = path.join(__dirname, "../../.ci/node");

/**
 * The exact Node.js version of the stand-ins: the release .node-version pins (the one the project runs
 * and tests on), which must be of the line the image defaults to (moontv:image.nodeVersion's default).
 */
export function standInNodeVersion(): string {
  const file = path.join(__dirname, "../../.node-version");
  const version = fs.readFileSync(file, "utf8").trim();
  const line = IMAGE_BUILD_DEFAULTS.nodeVersion.split(".")[0];
  if (version.split(".")[0] !== line)
    throw new Error(
      `stand-in bases: ${file} pins Node.js ${version}, not of the image's default line ${line} (stacks/settings/defaults.ts): pass the stand-ins an exact ${line}.x.y version`,
    );
  return version;
}

/** The official node binary of `nodeVersion` for `arch`: npm's `node-linux-<arch>` package, fetched and
 * kept by .ci/node (the same cache as the project's own Node.js). */
async function nodeBinary(arch: StandInArch, nodeVersion: string): Promise<string> {
  const pkg = `node-linux-${NODE_ARCH[arch]}`;
  const bin = await run("bash", [CI_NODE, nodeVersion, pkg], { timeoutSeconds: 600 }).catch((err: Error) => {
    throw new Error(`cannot fetch ${pkg}@${nodeVersion} from npm for the ${arch} stand-in bases: ${err.message}`);
  });
  return path.join(bin.stdout.trim(), "node");
}

export function writeAccounts(root: string, users: string[], groups: string[]): void {
  fs.writeFileSync(path.join(root, "etc/passwd"), users.join("\n") + "\n");
  fs.writeFileSync(path.join(root, "etc/group"), groups.join("\n") + "\n");
}

/** The directories every image has: mount points for the runtime, root's home and a sticky /tmp. */
export function systemDirs(root: string): void {
  for (const d of ["proc", "sys", "dev", "root"]) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.mkdirSync(path.join(root, "tmp"), { recursive: true });
  fs.chmodSync(path.join(root, "tmp"), 0o1777);
  fs.chmodSync(path.join(root, "root"), 0o700);
}

function commonDirs(root: string): void {
  systemDirs(root);
  fs.mkdirSync(path.join(root, "etc/ssl/certs"), { recursive: true });
  // update-ca-certificates (a postinst, not run by dpkg-deb -x) would build this bundle; this
  // machine's bundle also trusts the CA that npm traffic is re-signed with here.
  fs.copyFileSync(HOST_CA_BUNDLE, path.join(root, "etc/ssl/certs/ca-certificates.crt"));
}

/** Where a stand-in of one architecture gets its packages and its node. */
interface StandInSources {
  debDir: string;
  apt: string[];
  node: string;
}

async function makeRuntime(dir: string, src: StandInSources): Promise<void> {
  await unpack(dir, await download(RUNTIME_PACKAGES, src.debDir, src.apt), RUNTIME_PACKAGES);
  commonDirs(dir);
  writeAccounts(
    dir,
    [
      "root:x:0:0:root:/root:/sbin/nologin",
      "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin",
      "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin",
    ],
    ["root:x:0:", "nobody:x:65534:", "nonroot:x:65532:"],
  );
  fs.mkdirSync(path.join(dir, "home/nonroot"), { recursive: true });
  fs.chownSync(path.join(dir, "home/nonroot"), 65532, 65532);
  fs.mkdirSync(path.join(dir, "nodejs/bin"), { recursive: true });
  fs.copyFileSync(src.node, path.join(dir, "nodejs/bin/node"));
  fs.chmodSync(path.join(dir, "nodejs/bin/node"), 0o755);
  // Distroless has no shell and no package manager: make sure none came in with a package.
  fs.rmSync(path.join(dir, "var/lib/dpkg/info"), { recursive: true, force: true });
  for (const sh of ["usr/bin/sh", "usr/bin/bash", "usr/bin/dash"]) {
    if (fs.existsSync(path.join(dir, sh))) throw new Error(`runtime stand-in: ${sh} must not exist`);
  }
}

async function makeBuild(dir: string, src: StandInSources): Promise<void> {
  await unpack(dir, await download(BUILD_PACKAGES, src.debDir, src.apt), BUILD_PACKAGES);
  commonDirs(dir);
  writeAccounts(
    dir,
    [
      "root:x:0:0:root:/root:/bin/bash",
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
      "node:x:1000:1000::/home/node:/bin/bash",
    ],
    ["root:x:0:", "nogroup:x:65534:", "node:x:1000:"],
  );
  fs.mkdirSync(path.join(dir, "home/node"), { recursive: true });
  fs.chownSync(path.join(dir, "home/node"), 1000, 1000);
  // Links that maintainer scripts (not run by dpkg-deb -x) or alternatives would create.
  const links: Array<[string, string]> = [
    ["usr/bin/sh", "dash"],
    ["usr/bin/awk", "mawk"],
  ];
  for (const [at, to] of links) if (!fs.existsSync(path.join(dir, at))) fs.symlinkSync(to, path.join(dir, at));
  const local = path.join(dir, "usr/local");
  fs.mkdirSync(path.join(local, "bin"), { recursive: true });
  fs.mkdirSync(path.join(local, "lib/node_modules"), { recursive: true });
  fs.copyFileSync(src.node, path.join(local, "bin/node"));
  fs.chmodSync(path.join(local, "bin/node"), 0o755);
  for (const m of ["corepack", "npm"]) {
    await run("cp", ["-a", path.join(HOST_NODE_MODULES, m), path.join(local, "lib/node_modules", m)]);
  }
  fs.symlinkSync("../lib/node_modules/corepack/dist/corepack.js", path.join(local, "bin/corepack"));
  fs.symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", path.join(local, "bin/npm"));
  fs.symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", path.join(local, "bin/npx"));
  fs.writeFileSync(path.join(local, "bin/docker-entrypoint.sh"), NODE_ENTRYPOINT, { mode: 0o755 });
  fs.copyFileSync(SHIM, path.join(dir, "usr/bin/apt-get"));
  fs.chmodSync(path.join(dir, "usr/bin/apt-get"), 0o755);
  fs.mkdirSync(path.join(dir, "var/lib/apt/lists"), { recursive: true });
}

/** Where `arch`'s .debs of `release` are kept: this machine's own in the directory earlier recipes used,
 * another CPU's or release's apart (package file names do not say the release). */
export function debDirFor(cacheRoot: string, arch: StandInArch, release: DebianRelease): string {
  const host = release === hostRelease();
  if (host && arch === hostArch()) return path.join(cacheRoot, "debs");
  return path.join(cacheRoot, host ? `debs-${arch}` : `debs-${release}-${arch}`);
}

/** The apt options to download `arch`'s packages of `release` (see aptFor), with their private state
 * under `cacheRoot`. */
export function aptForCache(cacheRoot: string, arch: StandInArch, release: DebianRelease): Promise<string[]> {
  const host = release === hostRelease();
  return aptFor(arch, release, path.join(cacheRoot, host ? `apt-${arch}` : `apt-${release}-${arch}`));
}

/**
 * Makes the root file system `dir` with `make` unless it exists. Made aside and renamed into place, so a
 * concurrent run never sees a half-made root; if another run finishes it first, its root is kept.
 */
export async function makeAside(dir: string, make: (root: string) => Promise<void>): Promise<void> {
  if (fs.existsSync(dir)) return;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    await make(path.join(tmp, "root"));
    fs.renameSync(path.join(tmp, "root"), dir);
  } catch (err) {
    if (!fs.existsSync(dir)) throw err; // else another run finished it first
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * How long a recipe nobody used is kept: another checkout on the machine (a branch with another recipe, a
 * CI clone) may be copying from its directory right now, so only recipes idle this long are removed.
 */
export const RECIPE_IDLE_MS = 24 * 60 * 60 * 1000;

/** Marks `current` as used now, and removes the recipe directories beside it that were idle for a day. */
export function pruneOtherRecipes(current: string, now = Date.now()): void {
  const stamp = new Date(now);
  fs.utimesSync(current, stamp, stamp);
  for (const old of fs.readdirSync(path.dirname(current))) {
    const dir = path.join(path.dirname(current), old);
    if (old === path.basename(current) || old.includes(".tmp-")) continue;
    if (now - fs.statSync(dir).mtimeMs > RECIPE_IDLE_MS) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds (once per recipe and architecture, cached under `cacheRoot`) the two stand-in root file
 * systems of `arch` (default: this machine's) with Node.js `nodeVersion` (exact). */
export async function prepareStandInRootfs(
  cacheRoot: string,
  arch: StandInArch = hostArch(),
  nodeVersion: string = standInNodeVersion(),
): Promise<StandInRootfs> {
  const base = path.join(cacheRoot, "standins", recipeKey(nodeVersion));
  // This machine's keep the layout of earlier recipes; another CPU's get a directory of their own.
  const archRoot = arch === hostArch() ? base : path.join(base, arch);
  const runtimeDir = path.join(archRoot, "runtime");
  const buildDir = path.join(archRoot, "build");
  const needed = [
    [runtimeDir, makeRuntime],
    [buildDir, makeBuild],
  ] as const;
  const src: StandInSources | undefined = needed.every(([dir]) => fs.existsSync(dir))
    ? undefined
    : {
        debDir: debDirFor(cacheRoot, arch, NODE_BASES_RELEASE),
        apt: await aptForCache(cacheRoot, arch, NODE_BASES_RELEASE),
        node: await nodeBinary(arch, nodeVersion),
      };
  for (const [dir, make] of needed) await makeAside(dir, (root) => make(root, src!));
  pruneOtherRecipes(base);
  return { arch, runtimeDir, buildDir, nodeVersion };
}

/** PATH of the stand-ins, as the Debian-based official images set it. */
export const STAND_IN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The label every stand-in carries, which images built on it inherit: no one may take it for the real one. */
export const STAND_IN_LABEL =
  "org.opencontainers.image.description=STAND-IN made from Debian packages for tests, not the real base";

/** One root file system of an image per architecture. */
export interface ArchRootfs {
  arch: StandInArch;
  dir: string;
}

/**
 * Commits `roots` as the image `ref` (`config`: `buildah config` flags) and pushes it: one image for one
 * architecture, a manifest list (each image marked with its platform) for several, as the real images are.
 * `kind` names the per-architecture images in the local storage.
 */
export async function pushRootfsImage(
  buildah: Buildah,
  ref: string,
  kind: string,
  roots: ArchRootfs[],
  config: string[],
): Promise<void> {
  if (roots.length === 0) throw new Error(`stand-in ${kind}: no architecture to build for`);
  if (roots.length === 1) {
    await buildah.imageFromRootfs(roots[0].dir, ref, config);
    await buildah.push(ref);
    return;
  }
  const images: string[] = [];
  for (const r of roots) {
    const image = `localhost/moontv-standin-${kind}:${r.arch}`;
    await buildah.imageFromRootfs(r.dir, image, ["--os", "linux", "--arch", r.arch, ...config]);
    images.push(image);
  }
  await buildah.pushManifestList(ref, images);
}

/** Commits the stand-ins (one root file system set per architecture, all of one Node version) as images
 * with the real bases' configuration and pushes them to the registry at `registryHost`. With several
 * architectures each ref is a manifest list, as the real bases' are. */
export async function pushStandIns(
  buildah: Buildah,
  rootfs: StandInRootfs[],
  registryHost: string,
): Promise<StandInImages> {
  const nodeVersion = rootfs[0].nodeVersion;
  if (rootfs.some((r) => r.nodeVersion !== nodeVersion))
    throw new Error("stand-in bases: every architecture must carry one Node version");
  const major = nodeVersion.split(".")[0];
  // Named after the real bases of that line (node:24-trixie-slim, distroless-nodejs24-debian13).
  const real = defaultBaseImages(major);
  const buildBase = `${registryHost}/moontv-standin/${real.build}`;
  const runtimeBase = `${registryHost}/moontv-standin/${real.runtime.replace(/^gcr\.io\/distroless\//, "distroless-")}:latest`;
  const runtimeConfig = [
    "--entrypoint",
    '["/nodejs/bin/node"]',
    "--cmd",
    "",
    "--env",
    `PATH=${STAND_IN_PATH}`,
    "--env",
    "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
    "--label",
    STAND_IN_LABEL,
  ];
  const buildConfig = [
    "--entrypoint",
    '["docker-entrypoint.sh"]',
    "--cmd",
    "node",
    "--env",
    `PATH=${STAND_IN_PATH}`,
    "--env",
    `NODE_VERSION=${nodeVersion}`,
    // Only machines like CI's need these two: their npm traffic is re-signed by a local CA,
    // and the registry mirror strips the signatures corepack checks.
    "--env",
    "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt",
    "--env",
    "COREPACK_INTEGRITY_KEYS=0",
    "--label",
    STAND_IN_LABEL,
  ];
  const roots = (dirOf: (r: StandInRootfs) => string) => rootfs.map((r) => ({ arch: r.arch, dir: dirOf(r) }));
  await pushRootfsImage(
    buildah,
    runtimeBase,
    "runtime",
    roots((r) => r.runtimeDir),
    runtimeConfig,
  );
  await pushRootfsImage(
    buildah,
    buildBase,
    "build",
    roots((r) => r.buildDir),
    buildConfig,
  );
  return { buildBase, runtimeBase, nodeVersion, archs: rootfs.map((r) => r.arch) };
}
