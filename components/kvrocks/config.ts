import { MIB, parseMemory } from "../../lib/quantities";
import { KVROCKS_DATA_DIR, KVROCKS_PORT } from "./names";

export interface KvrocksConfOptions {
  port: number;
  /** Data directory (RocksDB files). */
  dir: string;
  /** Worker threads serving clients. */
  workers: number;
  /** RocksDB block cache, MiB. */
  blockCacheMiB: number;
  /** RocksDB write buffer per column family, MiB (two per family at most). */
  writeBufferMiB: number;
}

/**
 * Memory from the container limit: Kvrocks' defaults (a 4 GiB block cache, 64 MiB write buffers × 4
 * per column family) would exceed any small limit and get the pod OOM-killed. A quarter of the limit
 * goes to the block cache; the write buffers (up to 2 × the families, about 7) take a 32nd each.
 */
export function kvrocksConfOptions(memoryLimit: string): KvrocksConfOptions {
  const limitMiB = Math.floor((parseMemory(memoryLimit) ?? 0) / MIB);
  if (limitMiB < 256) throw new Error(`kvrocks: a memory limit of at least 256Mi is needed, got ${memoryLimit}`);
  return {
    port: KVROCKS_PORT,
    dir: KVROCKS_DATA_DIR,
    workers: 4,
    blockCacheMiB: Math.floor(limitMiB / 4),
    writeBufferMiB: Math.min(64, Math.max(4, Math.floor(limitMiB / 32))),
  };
}

/**
 * kvrocks.conf without the password (it is appended from the Secret at start, see names.ts). RocksDB
 * writes every change to its write-ahead log before answering, so a killed process loses nothing; the
 * log is not fsynced per write (Kvrocks' default), so a node's power loss can lose the last writes.
 */
export function renderKvrocksConf(o: KvrocksConfOptions): string {
  return [
    "# Rendered by the moontv Pulumi program. Password: appended at start from a Secret.",
    "bind 0.0.0.0",
    `port ${o.port}`,
    "timeout 0",
    `workers ${o.workers}`,
    "daemonize no",
    "supervised no",
    "cluster-enabled no",
    "maxclients 10000",
    "db-name moontv.db",
    `dir ${o.dir}`,
    "log-dir stdout",
    "log-level info",
    "slowlog-log-slower-than 100000",
    `rocksdb.block_cache_size ${o.blockCacheMiB}`,
    `rocksdb.write_buffer_size ${o.writeBufferMiB}`,
    "rocksdb.max_write_buffer_number 2",
    "",
  ].join("\n");
}

/** The appended auth file; its content is secret. */
export function renderKvrocksAuthConf(password: string): string {
  return `requirepass ${password}\n`;
}
