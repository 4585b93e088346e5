/**
 * What the NetworkPolicy enforcer (kube-router on the real node) lets through, asked from inside pods with
 * the Node.js of the runtime base (which the app's image has too): a TCP connection's fate, a name's
 * resolution. And a client pod in a namespace of its own, to ask from outside the stack's namespace.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { KUBE_ROUTER_FORWARD_CHAIN } from "../../../engine/cluster/network-policy";
import { BIN, engineEnv, isReady, kubectl, kubectlJson } from "./engine";
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

/** The resolver programs the stack's images carry: glibc's getent (Debian), busybox's nslookup. */
export type ResolverTool = "getent" | "nslookup";

/**
 * Resolves `name` in a container with the image's own resolver program, tried in order: the IPv4 addresses
 * it printed (empty when it found none), or undefined when the image has neither program (e.g. scratch).
 * busybox's nslookup applies the search domains to dotless names only: give others fully qualified.
 */
export function resolveWithImageTool(
  namespace: string,
  pod: string,
  container: string,
  name: string,
): { tool: ResolverTool; addresses: string[]; output: string } | undefined {
  for (const tool of ["getent", "nslookup"] as const) {
    const args = tool === "getent" ? ["getent", "ahostsv4", name] : ["nslookup", "-type=a", name];
    const r = spawnSync(path.join(BIN, "kubectl"), ["-n", namespace, "exec", pod, "-c", container, "--", ...args], {
      env: engineEnv(),
      encoding: "utf8",
      timeout: 60_000,
    });
    const output = `${r.stdout}${r.stderr}`;
    // The runtime's answer when the image has no such program; any other failure is the resolver's.
    if (/executable file not found|no such file or directory/i.test(r.stderr)) continue;
    const addresses =
      tool === "getent"
        ? [
            ...new Set(
              r.stdout
                .split("\n")
                .map((l) => l.split(/\s+/)[0])
                .filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)),
            ),
          ]
        : [...r.stdout.matchAll(/^Address:\s*(\d+\.\d+\.\d+\.\d+)\s*$/gm)].map((m) => m[1]);
    return { tool, addresses, output };
  }
  return undefined;
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
