/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (matchLabels selectors, namespace/pod/ipBlock
 * peers, ports, policyTypes), so specs can ask "may A reach B on port P?" instead of reading YAML.
 * A connection is allowed when the source's egress and the destination's ingress both allow it; a pod
 * selected by no policy of a direction is not isolated in that direction.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Policy = any;

export interface Pod {
  namespace: string;
  labels: Record<string, string>;
}
export interface External {
  ip: string;
}
export type Endpoint = Pod | External;

const isPod = (e: Endpoint): e is Pod => "namespace" in e;

function matches(
  selector: { matchLabels?: Record<string, string> } | undefined,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function ip4(ip: string): number {
  return ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  if (ip.includes(":") !== cidr.includes(":")) return false;
  if (cidr.includes(":")) return cidr === "::/0"; // IPv6: only the catch-all is used by the builders
  const [base, bits] = cidr.split("/");
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return (ip4(ip) & mask) >>> 0 === (ip4(base) & mask) >>> 0;
}

function peerMatches(peer: Policy, policyNs: string, e: Endpoint): boolean {
  if (peer.ipBlock) {
    return (
      !isPod(e) && inCidr(e.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((x: string) => inCidr(e.ip, x))
    );
  }
  if (!isPod(e)) return false;
  const nsOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, { "kubernetes.io/metadata.name": e.namespace })
    : e.namespace === policyNs;
  return nsOk && (peer.podSelector ? matches(peer.podSelector, e.labels) : true);
}

function portMatches(
  ports: { protocol?: string; port?: number }[] | undefined,
  port: number,
  protocol: string,
): boolean {
  return (
    !ports ||
    ports.length === 0 ||
    ports.some((p) => (p.protocol ?? "TCP") === protocol && (p.port === undefined || p.port === port))
  );
}

/** Whether `direction` traffic of `pod` with `peer` on port/protocol is allowed by `policies`. */
function allowedFor(
  policies: Policy[],
  pod: Pod,
  direction: "Ingress" | "Egress",
  peer: Endpoint,
  port: number,
  protocol: string,
): boolean {
  const selecting = policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      matches(p.spec.podSelector, pod.labels) &&
      (p.spec.policyTypes ?? ["Ingress"]).includes(direction),
  );
  if (selecting.length === 0) return true;
  const key = direction === "Ingress" ? "ingress" : "egress";
  const peersKey = direction === "Ingress" ? "from" : "to";
  return selecting.some((p) =>
    (p.spec[key] ?? []).some(
      (rule: Policy) =>
        portMatches(rule.ports, port, protocol) &&
        (!rule[peersKey] ||
          rule[peersKey].length === 0 ||
          rule[peersKey].some((peer2: Policy) => peerMatches(peer2, p.metadata.namespace, peer))),
    ),
  );
}

/** May `from` open a connection to `to` on `port`/`protocol`? External endpoints are never isolated. */
export function allowed(policies: Policy[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  const egress = isPod(from) ? allowedFor(policies, from, "Egress", to, port, protocol) : true;
  const ingress = isPod(to) ? allowedFor(policies, to, "Ingress", from, port, protocol) : true;
  return egress && ingress;
}
