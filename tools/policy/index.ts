/** Running resources through the real policy pack over the analyzer protocol, as the CLI does. */
import type { PolicyViolation, RecordedResource } from "./types";
import { PolicyPackConfigFile } from "./config";
import type { StartOptions } from "./pack-process";
import { PackSession } from "./session";
import { encodeProps } from "./struct";

export { PackSession } from "./session";
export type { PackInfo } from "./session";
export { DEFAULT_PACK_DIR, spawnPackProcess } from "./pack-process";
export type { PackProcess, StartOptions } from "./pack-process";
export { UNKNOWN, encodeProps, marshalProps } from "./struct";
export { reconcileConfig } from "./config";
export type { PolicyPackConfigFile, EnforcementLevel } from "./config";

export interface AnalyzeOptions extends StartOptions {
  /** Analyze calls in flight at once (the engine also analyses resources concurrently). Default 16. */
  concurrency?: number;
  /** Reuse a running session instead of spawning (and stopping) a pack for this call. */
  session?: PackSession;
}

/** Spawns the pack; the caller must `stop()` the session. */
export function startPack(opts: StartOptions = {}): Promise<PackSession> {
  return PackSession.start(opts);
}

/**
 * Analyze for every resource with at most `concurrency` calls in flight; results in resource order.
 * `props` are the resources' encoded props, if already built (they are reused for AnalyzeStack).
 */
export async function analyzeAll(
  session: PackSession,
  resources: readonly RecordedResource[],
  concurrency = 16,
  props?: readonly Uint8Array[],
): Promise<PolicyViolation[]> {
  const results: PolicyViolation[][] = new Array(resources.length);
  let next = 0;
  const worker = async () => {
    while (next < resources.length) {
      const i = next++;
      results[i] = await session.analyze(resources[i], props?.[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, resources.length)) }, worker));
  return results.flat();
}

/**
 * Configure with `policyConfig` (the content of `policy/config/<stack>.json`), Analyze every resource,
 * then AnalyzeStack; returns every result, resource-level first. Rejects on an invalid config or a
 * policy that throws. The spawned pack is always stopped.
 */
export async function analyzeWithPack(
  resources: readonly RecordedResource[],
  policyConfig: object,
  options: AnalyzeOptions = {},
): Promise<PolicyViolation[]> {
  const session = options.session ?? (await PackSession.start(options));
  try {
    await session.configure(policyConfig as PolicyPackConfigFile);
    // Encode once: the same props bytes serve Analyze and AnalyzeStack.
    const props = resources.map((r) => encodeProps(r.props, r.secretPaths));
    const perResource = await analyzeAll(session, resources, options.concurrency, props);
    const stack = await session.analyzeStack(resources, props);
    return [...perResource, ...stack];
  } finally {
    if (!options.session) await session.stop();
  }
}
