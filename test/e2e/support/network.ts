/**
 * What the NetworkPolicy enforcer (kube-router on the real node) lets through, asked from inside pods with
 * the Node.js of the runtime base (which the app's image has too): a TCP connection's fate, a name's
 * resolution. And a client pod in a namespace of its own, to ask from outside the stack's namespace.
 */
import { spawnSync } from "child_process";
import { KUBE_ROUTER_FORWARD_CHAIN } from "../../../engine/cluster/network-policy";
import { engineEnv, isReady, kubectl, kubectlJson } from "./engine";
import { nodeInPod, nodeScriptContainer, restrictedPodSecurity } from "./pods";
import { waitUntil } from "./wait";

/** A connection's fate: answered, refused (kube-router REJECTs), no answer in time, or another error. */
export type Reach = "open" | "refused" | "timeout" | `error ${string}`;

/** Node.js that tries one TCP connection and prints its fate (a name is resolved by the pod's resolver). */
export function connectScript(host: string, port: number, timeoutMs: number): string {
  return `const s = require("net").connect({ host: ${JSON.stringify(host)}, port: ${port} });
s.setTimeout(${timeoutMs});
s.on("connect", () => { console.log("open"); s.destroy(); });
s.on("timeout", () => { console.log("timeout"); s.destroy(); });
s.on("error", (e) => console.log(e.code === "ECONNREFUSED" ? "refused" : "error " + e.code));`;
}

/** Tries a TCP connection to host:port from a container; the bound is `timeoutMs` (default 3 s). */
export function reachFrom(
  namespace: string,
  pod: string,
  host: string,
  port: number,
  container?: string,
  timeoutMs = 3_000,
): Reach {
  return nodeInPod(namespace, pod, connectScript(host, port, timeoutMs), container) as Reach;
}

/** Resolves `name` from a container with the pod's resolver: its addresses, or the error's code. */
export function resolveFrom(namespace: string, pod: string, name: string, container?: string): string {
  return nodeInPod(
    namespace,
    pod,
    `require("dns").lookup(${JSON.stringify(name)}, { all: true }, (e, a) => console.log(e ? "error " + e.code : a.map((x) => x.address).join(",")))`,
    container,
  );
}

/** True once kube-router has the pod's own chain in FORWARD: before that, a new pod's packets are not filtered. */
export function firewallCovers(podIp: string): boolean {
  const r = spawnSync("iptables", ["-w", "-S", KUBE_ROUTER_FORWARD_CHAIN], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes(`-s ${podIp}/32`);
}

/**
 * A restricted pod that idles in `namespace` (on the real node) until deleted, for `kubectl exec` probes;
 * resolves with its IP once it is Ready and kube-router filters its traffic.
 */
export async function clientPod(namespace: string, name: string, labels: Record<string, string> = {}): Promise<string> {
  kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace, labels },
      spec: {
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: 0,
        securityContext: restrictedPodSecurity(),
        containers: [nodeScriptContainer("client", engineEnv().E2E_RUNTIME_BASE!, "setInterval(() => {}, 1 << 30)")],
      },
    }),
  );
  let ip = "";
  await waitUntil(`pod ${namespace}/${name} Ready and filtered by kube-router`, 120_000, () => {
    const pod = kubectlJson(["-n", namespace, "get", "pod", name]);
    ip = pod.status.podIP ?? "";
    return isReady(pod) && !!ip && firewallCovers(ip);
  });
  return ip;
}
