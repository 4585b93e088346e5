/** Prometheus's HTTP API, asked from the host at a pod's address (the host may reach every pod). */
import { strict as assert } from "assert";
import type { Kube } from "./engine";
import { request } from "./http";
import { waitUntil } from "./wait";

/** `GET <base>/api/v1/<query>`'s `data`; fails naming the query and Prometheus's answer. */
export async function prometheusApi(base: string, query: string): Promise<Kube> {
  const r = await request(`${base}/api/v1/${query}`);
  assert.equal(r.status, 200, `Prometheus /api/v1/${query}: ${r.body.slice(0, 500)}`);
  return JSON.parse(r.body).data;
}

/** Waits until Prometheus has targets and every one is up; fails listing each target's health and error. */
export async function allTargetsUp(base: string, timeoutMs: number): Promise<Kube[]> {
  let targets: Kube[] = [];
  try {
    await waitUntil("every Prometheus target up", timeoutMs, async () => {
      targets = (await prometheusApi(base, "targets")).activeTargets;
      return targets.length > 0 && targets.every((t) => t.health === "up");
    });
  } catch {
    throw new Error(
      `targets not all up:\n${targets.map((t) => `  ${t.labels.job} ${t.scrapeUrl} ${t.health} ${t.lastError}`).join("\n")}`,
    );
  }
  return targets;
}
