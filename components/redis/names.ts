/** Kubernetes object names of Redis: `redis`, the compose service name. */
export const REDIS_NAME = "redis";
export const REDIS_PORT = 6379;
/** uid/gid of the `redis` user in the official Debian-based redis images. */
export const REDIS_UID = 999;
export const REDIS_GID = 999;
export const REDIS_SECRET_NAME = "redis-auth";
export const REDIS_CONFIG_NAME = "redis-config";
export const REDIS_HEADLESS_NAME = "redis-headless";
/** Where the Secret with `auth.conf` (requirepass) is mounted; redis.conf includes it. */
export const REDIS_SECRET_DIR = "/etc/redis/secret";
export const REDIS_CONF_PATH = "/etc/redis/redis.conf";
export const REDIS_DATA_DIR = "/data";
