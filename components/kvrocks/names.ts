/** Kubernetes object names of Kvrocks: `kvrocks`, the host LunaTV's compose example gives it. */
export const KVROCKS_NAME = "kvrocks";
export const KVROCKS_PORT = 6666;
/** uid/gid the pod runs as; the data claim is made writable for it through fsGroup. */
export const KVROCKS_UID = 999;
export const KVROCKS_GID = 999;
export const KVROCKS_SECRET_NAME = "kvrocks-auth";
export const KVROCKS_CONFIG_NAME = "kvrocks-config";
export const KVROCKS_HEADLESS_NAME = "kvrocks-headless";
/** The rendered kvrocks.conf (ConfigMap, no password) and auth.conf (Secret, `requirepass …`). */
export const KVROCKS_CONFIG_DIR = "/etc/kvrocks";
export const KVROCKS_SECRET_DIR = "/etc/kvrocks/secret";
/**
 * Where both are joined at start: Kvrocks rewrites its config file in place at start-up (it fails on a
 * read-only or single-file mount), so the file it runs with lives in a writable in-memory directory.
 */
export const KVROCKS_RUNTIME_CONFIG_DIR = "/run/kvrocks";
export const KVROCKS_DATA_DIR = "/var/lib/kvrocks";
/** The official image (Debian-based, with sh and redis-cli). */
export const KVROCKS_IMAGE_REPOSITORY = "docker.io/apache/kvrocks";
