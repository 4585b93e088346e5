import { REDIS_DATA_DIR, REDIS_PORT, REDIS_SECRET_DIR } from "./names";
import type { RedisSettings } from "./statefulset";

export interface RedisConfOptions {
  /** TCP port. */
  port: number;
  /** Data directory (AOF and RDB files). */
  dir: string;
  /** File with `requirepass …`, included last so nothing before can override it. */
  authInclude: string;
  /** Redis memory notation, e.g. `256mb`. */
  maxmemory: string;
  maxmemoryPolicy: string;
}

/** Options for the cluster: port 6379, data on the volume, password from the mounted Secret. */
export function clusterRedisConfOptions(redis: Pick<RedisSettings, "maxmemory" | "maxmemoryPolicy">): RedisConfOptions {
  return {
    port: REDIS_PORT,
    dir: REDIS_DATA_DIR,
    authInclude: `${REDIS_SECRET_DIR}/auth.conf`,
    maxmemory: redis.maxmemory,
    maxmemoryPolicy: redis.maxmemoryPolicy,
  };
}

/**
 * redis.conf for MoonTV's data: AOF with fsync every second (a crash loses at most about one second of
 * acknowledged writes), RDB snapshots as a second copy, bounded memory. The password is not in this
 * file (it lives in a ConfigMap): it comes from the Secret through `include`.
 */
export function renderRedisConf(o: RedisConfOptions): string {
  return [
    "# Rendered by the moontv Pulumi program. Password: see the included file (from a Secret).",
    "bind * -::*",
    "protected-mode yes",
    `port ${o.port}`,
    "tcp-keepalive 300",
    "timeout 0",
    'logfile ""',
    "loglevel notice",
    `dir ${o.dir}`,
    "appendonly yes",
    "appendfsync everysec",
    'appenddirname "appendonlydir"',
    "aof-use-rdb-preamble yes",
    "auto-aof-rewrite-percentage 100",
    "auto-aof-rewrite-min-size 64mb",
    "save 3600 1 300 100 60 10000",
    "stop-writes-on-bgsave-error yes",
    `maxmemory ${o.maxmemory}`,
    `maxmemory-policy ${o.maxmemoryPolicy}`,
    `include ${o.authInclude}`,
    "",
  ].join("\n");
}

/** The included auth file; its content is secret. */
export function renderRedisAuthConf(password: string): string {
  return `requirepass ${password}\n`;
}
