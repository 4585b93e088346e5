/**
 * Reading resource props that may hold values unknown during a preview.
 *
 * The engine hands policies props wrapped in a proxy that throws an `UnknownValueError` when a
 * property holding an unknown is read. The raw props (and our own unit-test fixtures) hold the
 * engine's sentinel strings instead. Both mean "cannot tell yet", which every policy must treat as
 * "no violation", so all reads go through `tryRead`/`at`.
 */

/** Marker returned instead of a value that is not known yet. */
export const UNKNOWN: unique symbol = Symbol("unknown");
export type Unknown = typeof UNKNOWN;

/** The sentinels of `@pulumi/policy`'s proxy (the wire protocol only uses the string one). */
const SENTINELS = new Set<unknown>([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string: what the engine sends for every unknown
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** True for an error thrown by the engine's unknown-checking proxy. */
export function isUnknownValueError(err: unknown): boolean {
  // The class is internal to @pulumi/policy (not in its typings), so recognise it by shape.
  return err instanceof Error && (err.constructor?.name === "UnknownValueError" || "unknownTypeSentinel" in err);
}

/** True if the value is an unknown marker or a raw unknown sentinel. */
export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN || SENTINELS.has(value);
}

/** Runs `read`; returns UNKNOWN if it touched an unknown value or produced one. Other errors propagate. */
export function tryRead<T>(read: () => T): T | Unknown {
  try {
    const value = read();
    return isUnknown(value) ? UNKNOWN : value;
  } catch (err) {
    if (isUnknownValueError(err)) return UNKNOWN;
    throw err;
  }
}

/**
 * Follows `path` from `root`: UNKNOWN if any step is unknown, undefined if any step is missing or not
 * an object, else the value.
 */
export function at(root: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (isUnknown(current)) return UNKNOWN;
    if (current === null || typeof current !== "object") return undefined;
    const parent = current as Record<string | number, unknown>;
    current = tryRead(() => parent[key]);
  }
  return isUnknown(current) ? UNKNOWN : current;
}

/**
 * The elements of an array value, each read safely (an element may itself be unknown). UNKNOWN if the
 * array itself is unknown; an empty list if the value is missing or not an array.
 */
export function items(value: unknown): unknown[] | Unknown {
  if (isUnknown(value)) return UNKNOWN;
  if (!Array.isArray(value)) return [];
  const length = tryRead(() => value.length);
  if (length === UNKNOWN) return UNKNOWN;
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) out.push(tryRead(() => value[i]));
  return out;
}

/** The own keys of an object value (reading keys never throws on the proxy), or [] if not an object. */
export function keysOf(value: unknown): string[] {
  if (value === null || typeof value !== "object" || isUnknown(value)) return [];
  return Object.keys(value);
}
