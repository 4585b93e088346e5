/**
 * A bounded, steady load on a URL from the host: `perSecond` GETs a second, each over a new connection
 * (kube-proxy picks a pod per connection), until stopped or `maxMs` has passed (it stops by itself).
 */
import { isReady, type Kube } from "./engine";
import { request } from "./http";
import { waitUntil } from "./wait";

export interface LoadResult {
  sent: number;
  failed: number;
  /** Each failure: its time since the start (ms) and what happened. */
  failures: string[];
  /** Per whole second since the start: how many requests answered 200. */
  okPerSecond: number[];
  ms: number;
}

export interface RunningLoad {
  stop(): Promise<LoadResult>;
}

export function steadyLoad(url: string, perSecond: number, maxMs: number, timeoutMs = 5_000): RunningLoad {
  const t0 = Date.now();
  const inFlight = new Set<Promise<void>>();
  const result: LoadResult = { sent: 0, failed: 0, failures: [], okPerSecond: [], ms: 0 };
  const fire = () => {
    if (Date.now() - t0 > maxMs) return clearInterval(timer);
    const at = Date.now() - t0;
    result.sent++;
    const p = request(url, "GET", undefined, timeoutMs).then(
      (a) => {
        if (a.status === 200) {
          const s = Math.floor(at / 1000);
          result.okPerSecond[s] = (result.okPerSecond[s] ?? 0) + 1;
        } else {
          result.failed++;
          result.failures.push(`${at} ms: HTTP ${a.status}`);
        }
      },
      (err: Error) => {
        result.failed++;
        result.failures.push(`${at} ms: ${err.message}`);
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const timer = setInterval(fire, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      result.ms = Date.now() - t0;
      for (let i = 0; i < result.okPerSecond.length; i++) result.okPerSecond[i] ??= 0;
      return result;
    },
  };
}

export interface Rollout {
  load: LoadResult;
  /** From the start of `update` until every pod of the workload was a new one, Ready. */
  ms: number;
}

/**
 * Runs `update` (a `pulumi up` that changes the pod template) under a steady load on `url`, and waits
 * until `replicas` new pods (none of those before) are Ready; then 3 s more of load while kube-proxy
 * catches up, and the load stops.
 */
export async function rolloutUnderLoad(o: {
  url: string;
  perSecond: number;
  replicas: number;
  pods: () => Kube[];
  update: () => Promise<void>;
}): Promise<Rollout> {
  const before = o.pods().map((p) => p.metadata.name as string);
  const load = steadyLoad(o.url, o.perSecond, 300_000);
  const t0 = Date.now();
  let ms: number;
  try {
    await o.update();
    await waitUntil("the rollout to replace every pod", 180_000, () => {
      const now = o.pods();
      return now.length === o.replicas && now.every(isReady) && now.every((p) => !before.includes(p.metadata.name));
    });
    ms = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 3_000));
  } catch (err) {
    await load.stop();
    throw err;
  }
  return { load: await load.stop(), ms };
}
