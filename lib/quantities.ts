/** Kubernetes resource quantities, parsed just enough to compare budgets and derive heap sizes. */

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** `"500m"` → 0.5, `"2"` → 2; undefined when not a CPU quantity. */
export function parseCpu(text: string): number | undefined {
  const m = CPU.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === "m" ? n / 1000 : n;
}

/** `"512Mi"` → 536870912 bytes; undefined when not a memory quantity. */
export function parseMemory(text: string): number | undefined {
  const m = MEMORY.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_UNITS[m[2] ?? ""];
}

const REDIS_MEMORY = /^(\d+)(b|kb|k|mb|m|gb|g)?$/i;
const REDIS_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1e3,
  kb: 1024,
  m: 1e6,
  mb: 1024 ** 2,
  g: 1e9,
  gb: 1024 ** 3,
};

/** Redis memory notation (`256mb`, `1gb`, `100000`), as redis.conf reads it; undefined when invalid. */
export function parseRedisMemory(text: string): number | undefined {
  const m = REDIS_MEMORY.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * REDIS_UNITS[(m[2] ?? "").toLowerCase()];
}

export const MIB = 1024 ** 2;
