/** kube-proxy (iptables mode), so that ClusterIP Services route from pods and from the host. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import { freePort } from "../host-tools";
import { componentKubeconfig } from "../kube";
import { KUBERNETES_SERVICE_IP, NODE_NAME, POD_CIDR } from "../node-network";
import { BIN, KUBECONFIG } from "../paths";
import { binary, logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";

/** True when `https://<ip>/readyz` answers through the `kubernetes` Service (the CA verifies it). */
function serviceAnswers(ip: string, caCert: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(`https://${ip}/livez`, { ca: fs.readFileSync(caCert), timeout: 2_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

/** What kube-proxy had to route: the `kubernetes` EndpointSlice and its NAT rules (for a failure). */
function serviceRouting(): string {
  const slice = spawnSync(
    binary("kubectl"),
    ["--kubeconfig", KUBECONFIG, "get", "endpointslices", "-l", "kubernetes.io/service-name=kubernetes", "-o", "wide"],
    { encoding: "utf8" },
  );
  const nat = spawnSync("iptables-save", ["-t", "nat"], { encoding: "utf8" }).stdout ?? "";
  const rules = nat.split("\n").filter((l) => /default\/kubernetes|KUBE-SERVICES -d/.test(l));
  return `EndpointSlice kubernetes:\n${slice.stdout}${slice.stderr}NAT rules:\n${rules.join("\n")}`;
}

export const serviceNetwork: Step = {
  name: "service network",
  async run(ctx: ClusterContext): Promise<string> {
    const { pki } = ctx;
    const kubeconfig = componentKubeconfig(
      "kube-proxy",
      ctx.apiPort,
      "system:kube-proxy",
      pki.caCert,
      pki.proxyCert,
      pki.proxyKey,
    );
    const [metrics, healthz] = await Promise.all([freePort(), freePort()]);
    start(
      "kube-proxy",
      [
        `--kubeconfig=${kubeconfig}`,
        `--hostname-override=${NODE_NAME}`,
        "--proxy-mode=iptables",
        `--cluster-cidr=${POD_CIDR}`,
        `--metrics-bind-address=127.0.0.1:${metrics}`,
        `--healthz-bind-address=127.0.0.1:${healthz}`,
        // Leave the host's sysctls alone: no conntrack table sizing or timeouts, no route_localnet.
        "--conntrack-max-per-core=0",
        "--conntrack-tcp-timeout-established=0",
        "--conntrack-tcp-timeout-close-wait=0",
        "--iptables-localhost-nodeports=false",
      ],
      healthz,
      ctx.started,
      binary("kube-proxy"),
      { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}` },
    );
    await waitFor(
      `Service kubernetes (${KUBERNETES_SERVICE_IP}:443) answering through kube-proxy's rules`,
      60_000,
      () => serviceAnswers(KUBERNETES_SERVICE_IP, pki.caCert),
      () => `${logTail("kube-proxy")}\n${serviceRouting()}`,
    );
    return `kube-proxy (iptables); https://${KUBERNETES_SERVICE_IP} answers from the host`;
  },
};
