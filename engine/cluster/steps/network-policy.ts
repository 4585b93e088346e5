/** kube-router's firewall, so that the NetworkPolicies of the real node's pods are enforced. */
import { spawnSync } from "child_process";
import * as http from "http";
import { freePort } from "../host-tools";
import { componentKubeconfig, kubectl } from "../kube";
import { KUBE_ROUTER_FORWARD_CHAIN, KUBE_ROUTER_USER, kubeRouterArgs, kubeRouterRbac } from "../network-policy";
import { binary, logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`http://127.0.0.1:${port}/healthz`, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

/** What the binary says it is: "Running kube-router version v2.1.0, built on …" → v2.1.0. */
function kubeRouterVersion(): string {
  const r = spawnSync(binary("kube-router"), ["--version"], { encoding: "utf8" });
  const out = `${r.stdout ?? ""}${r.stderr ?? ""}`; // it prints on stderr
  const version = /version (v\S+),/.exec(out)?.[1];
  if (!version) throw new Error(`kube-router --version printed no version: ${out.trim()}`);
  return version;
}

/** True once kube-router has hooked its chain into FORWARD (its first full sync). */
function forwardHooked(): boolean {
  const r = spawnSync("iptables", ["-w", "-S", "FORWARD"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes(`-j ${KUBE_ROUTER_FORWARD_CHAIN}`);
}

export const networkPolicy: Step = {
  name: "network policy",
  async run(ctx: ClusterContext): Promise<string> {
    const { pki } = ctx;
    kubectl(["apply", "-f", "-"], JSON.stringify(kubeRouterRbac()));
    const kubeconfig = componentKubeconfig(
      "kube-router",
      ctx.apiPort,
      KUBE_ROUTER_USER,
      pki.caCert,
      pki.routerCert,
      pki.routerKey,
    );
    const health = await freePort();
    start("kube-router", kubeRouterArgs(kubeconfig, health), health, ctx.started, binary("kube-router"));
    await waitFor(
      "kube-router's health check",
      60_000,
      () => healthy(health),
      () => logTail("kube-router"),
    );
    await waitFor(
      `kube-router's ${KUBE_ROUTER_FORWARD_CHAIN} hooked into FORWARD`,
      60_000,
      async () => forwardHooked(),
      () => logTail("kube-router"),
    );
    return `kube-router ${kubeRouterVersion()} firewall: NetworkPolicies of the real node's pods enforced (iptables + ipset)`;
  },
};
