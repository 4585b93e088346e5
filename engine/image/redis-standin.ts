// A stand-in for the official Redis image the program runs (`docker.io/library/redis:<version>-bookworm`),
// which cannot be pulled here: Debian bookworm's redis-server and redis-tools on a bookworm-slim subset,
// made like the Node stand-in bases (engine/image/standins.ts: `apt-get download` through the private
// apt state for another CPU, `dpkg-deb -x`), with the official image's user, data directory, port,
// entrypoint and command. docs/image-stand-ins.md lists every difference from the real image.
import * as fs from "fs";
import * as path from "path";
import { REDIS_DATA_DIR, REDIS_GID, REDIS_PORT, REDIS_UID } from "../../components/redis/names";
import type { Buildah } from "./buildah";
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
  SHELL_PACKAGES,
  STAND_IN_LABEL,
  STAND_IN_PATH,
  systemDirs,
  unpack,
  writeAccounts,
  type StandInArch,
} from "./standins";

/** The release of the official image's tag (`<version>-bookworm`, components/redis/image.ts). */
const REDIS_RELEASE = "bookworm";

/**
 * What the official image's pod use needs: a shell, grep and redis-cli for the `sh -c 'redis-cli … | grep -q
 * PONG'` probes, coreutils, find and gosu for the entrypoint's step-down from root, tzdata (which the
 * official image installs explicitly), and redis-server and redis-tools with the libraries they link.
 */
export const REDIS_PACKAGES = [
  "base-files",
  "netbase",
  "tzdata",
  "libc6",
  "gcc-12-base",
  "libgcc-s1",
  "libstdc++6",
  ...SHELL_PACKAGES.bookworm,
  "gosu",
  // getent, as in the official image's Debian base (libc-bin is Essential there): the specs ask the pod's
  // resolver with it.
  "libc-bin",
  "redis-server",
  "redis-tools",
  "libatomic1",
  "libjemalloc2",
  "liblzf1",
  "libssl3",
  "libsystemd0",
  "libcap2",
  "libgcrypt20",
  "libgpg-error0",
  "liblz4-1",
  "liblzma5",
  "libzstd1",
];

// The official image's docker-entrypoint.sh, in behaviour: an option or a `*.conf` file as the first
// argument runs redis-server with it; started as root, redis-server first gets the working directory
// (/data) and then runs as `redis`; files Redis creates are private unless a umask was chosen.
const REDIS_ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ] || [ "\${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . ! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi
if [ "$(umask)" = 0022 ]; then
  umask 0077
fi
exec "$@"
`;

/** What a pod needs on PATH of the image; set-up fails if one is missing. */
const REQUIRED_PROGRAMS = ["redis-server", "redis-cli", "sh", "grep", "id", "find", "chown", "gosu", "getent"];

export interface RedisStandInRootfs {
  arch: StandInArch;
  dir: string;
  /** Upstream version of Debian's redis-server package (e.g. 7.0.15), not the image tag's. */
  redisVersion: string;
}

export interface RedisStandIn {
  /** Where it was pushed: an image for one architecture, a manifest list for several. */
  ref: string;
  redisVersion: string;
  archs: StandInArch[];
}

/** Key of a Redis stand-in build: changes when this recipe or the shared stand-in code changes. */
function recipeKey(): string {
  return recipeKeyOf([__filename, path.join(__dirname, "standins.ts")]);
}

async function makeRedisRootfs(root: string, debs: string[]): Promise<void> {
  await unpack(root, debs, REDIS_PACKAGES);
  systemDirs(root);
  // The official image's `groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis`.
  writeAccounts(
    root,
    [
      "root:x:0:0:root:/root:/bin/bash",
      "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
      `redis:x:${REDIS_UID}:${REDIS_GID}::/home/redis:/bin/sh`,
    ],
    ["root:x:0:", "nogroup:x:65534:", `redis:x:${REDIS_GID}:`],
  );
  // dash's maintainer script (not run by dpkg-deb -x) makes this link.
  if (!fs.existsSync(path.join(root, "usr/bin/sh"))) fs.symlinkSync("dash", path.join(root, "usr/bin/sh"));
  // Debian's config is for its service (daemonize, log to /var/log/redis); the official image has none,
  // so `redis-server /etc/redis/redis.conf` without a mounted config fails there as here.
  fs.rmSync(path.join(root, "etc/redis"), { recursive: true, force: true });
  const data = path.join(root, REDIS_DATA_DIR.slice(1));
  fs.mkdirSync(data, { recursive: true });
  fs.chmodSync(data, 0o755);
  fs.chownSync(data, REDIS_UID, REDIS_GID);
  fs.mkdirSync(path.join(root, "usr/local/bin"), { recursive: true });
  fs.writeFileSync(path.join(root, "usr/local/bin/docker-entrypoint.sh"), REDIS_ENTRYPOINT, { mode: 0o755 });
  const dirs = STAND_IN_PATH.split(":");
  const missing = REQUIRED_PROGRAMS.filter((p) => !dirs.some((d) => fs.existsSync(path.join(root, d, p))));
  if (missing.length > 0) throw new Error(`Redis stand-in: not on PATH: ${missing.join(", ")}`);
}

/** Builds (once per recipe and architecture, cached under `cacheRoot`) the Redis stand-in's root file
 * system for `arch` (default: this machine's). */
export async function prepareRedisStandInRootfs(
  cacheRoot: string,
  arch: StandInArch = hostArch(),
): Promise<RedisStandInRootfs> {
  const base = path.join(cacheRoot, "standins-redis", recipeKey());
  const dir = path.join(base, arch);
  await makeAside(dir, async (root) => {
    const apt = await aptForCache(cacheRoot, arch, REDIS_RELEASE);
    await makeRedisRootfs(root, await download(REDIS_PACKAGES, debDirFor(cacheRoot, arch, REDIS_RELEASE), apt));
  });
  pruneOtherRecipes(base);
  return { arch, dir, redisVersion: debianUpstreamVersion(rootfsPackageVersion(dir, "redis-server")) };
}

/** `buildah config` flags of the official image: entrypoint, command, working directory, volume, port. No
 * USER, as there: the entrypoint steps down from root, and a pod sets runAsUser itself. */
export function redisImageConfig(redisVersion: string): string[] {
  return [
    "--entrypoint",
    '["docker-entrypoint.sh"]',
    "--cmd",
    '["redis-server"]',
    "--workingdir",
    REDIS_DATA_DIR,
    "--volume",
    REDIS_DATA_DIR,
    "--port",
    `${REDIS_PORT}/tcp`,
    "--env",
    `PATH=${STAND_IN_PATH}`,
    // What is really inside, not the tag's version.
    "--env",
    `REDIS_VERSION=${redisVersion}`,
    "--label",
    STAND_IN_LABEL,
  ];
}

/** Builds the Redis stand-in for `archs` (one manifest list when several) and pushes it as `ref`. */
export async function pushRedisStandIn(
  buildah: Buildah,
  cacheRoot: string,
  archs: StandInArch[],
  ref: string,
): Promise<RedisStandIn> {
  const roots: RedisStandInRootfs[] = [];
  for (const arch of archs) roots.push(await prepareRedisStandInRootfs(cacheRoot, arch));
  const versions = [...new Set(roots.map((r) => r.redisVersion))];
  if (versions.length !== 1)
    throw new Error(`Redis stand-in: the architectures carry different Redis versions (${versions.join(", ")})`);
  await pushRootfsImage(buildah, ref, "redis", roots, redisImageConfig(versions[0]));
  return { ref, redisVersion: versions[0], archs: [...archs] };
}
