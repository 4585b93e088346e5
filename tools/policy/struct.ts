/** Resource props marshalled and encoded the way the engine sends them to analyzers. */
import { specialSecretSig as SECRET_SIG, specialSigKey as SIG_KEY, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { encodeStruct, Json } from "./wire";

/**
 * The engine's wire value for every unknown (computed) property during a preview (the SDK's own
 * constant). Put it anywhere in a resource's props to simulate an unknown; the pack's proxy throws on
 * reading it.
 */
export const UNKNOWN = unknownValue;

/** Splits `a.b[0].c` or `a.b.0.c` into keys. */
export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((k) => k !== "");
}

/**
 * A deep copy of `props` with undefined dropped (as JSON does) and the values at `secretPaths` wrapped
 * as secrets, the engine marshals them (KeepSecrets, KeepUnknowns).
 */
export function marshalProps(
  props: Record<string, unknown>,
  secretPaths: readonly string[] = [],
): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(props ?? {})) as Record<string, unknown>;
  for (const path of secretPaths) {
    const keys = splitPath(path);
    let parent: unknown = copy;
    for (const k of keys.slice(0, -1))
      parent = parent && typeof parent === "object" ? (parent as Record<string, unknown>)[k] : undefined;
    const last = keys[keys.length - 1];
    if (parent && typeof parent === "object" && last !== undefined && last in parent) {
      const p = parent as Record<string, unknown>;
      p[last] = { [SIG_KEY]: SECRET_SIG, value: p[last] };
    }
  }
  return copy;
}

/** The wire bytes of a resource's props (a Struct), as the engine sends them. */
export function encodeProps(props: Record<string, unknown>, secretPaths: readonly string[] = []): Buffer {
  return encodeStruct(marshalProps(props, secretPaths) as { [key: string]: Json });
}
