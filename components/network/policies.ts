import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels, standardLabels } from "../shared";
import type { NetworkIsolationArgs } from "./args";

export type NetworkPolicy = k8s.types.input.networking.v1.NetworkPolicy;
type Rule = k8s.types.input.networking.v1.NetworkPolicyIngressRule;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

const NS_NAME_LABEL = "kubernetes.io/metadata.name"; // set on every namespace by the API server

function policy(
  r: NetworkIsolationArgs,
  name: string,
  namespace: string,
  podSelector: Record<string, string>,
  ingress: Rule[] | undefined,
  egress: Rule[] | undefined,
): NetworkPolicy {
  const types = [...(ingress ? ["Ingress"] : []), ...(egress ? ["Egress"] : [])];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: standardLabels({ name, instance: r.instance, component: "network" }) },
    spec: {
      podSelector: { matchLabels: podSelector },
      policyTypes: types,
      ...(ingress ? { ingress } : {}),
      ...(egress ? { egress: egress.map((e) => ({ to: e.from, ports: e.ports })) } : {}),
    },
  };
}

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

/**
 * The NetworkPolicies that turn the namespace into the equivalent of compose's private network:
 * everything denied, then one policy per workload naming exactly its flows. Egress rules are written
 * as `{ from, ports }` here and become `{ to, ports }`. Pure.
 */
export function buildNetworkPolicies(r: NetworkIsolationArgs): NetworkPolicy[] {
  const ns = r.namespace;
  const pods = (name: string): Peer => ({
    podSelector: { matchLabels: selectorLabels({ name, instance: r.instance }) },
  });
  const sel = (name: string) => selectorLabels({ name, instance: r.instance });
  const app = pods(r.app.name);
  const store = pods(r.store.name);
  const exporter = r.store.exporter;
  const m = r.monitoring;
  const w = m.workloads;
  const prometheus = pods(w.prometheus.name);
  // No `from` = every source; a set ingress namespace narrows it to that namespace's pods.
  const publicFrom: Peer[] | undefined = r.ingressNamespace
    ? [{ namespaceSelector: { matchLabels: { [NS_NAME_LABEL]: r.ingressNamespace } } }]
    : undefined;

  const appIngress: Rule[] = [{ ...(publicFrom ? { from: publicFrom } : {}), ports: tcp(r.app.port) }];
  if (m.enabled && publicFrom) appIngress.push({ from: [pods(w.blackboxExporter.name)], ports: tcp(r.app.port) });
  const internet = (cidr: string, except: string[]): Peer => ({
    ipBlock: { cidr, ...(except.length ? { except } : {}) },
  });

  const out: NetworkPolicy[] = [
    policy(r, "default-deny", ns, {}, [], []),
    policy(r, "allow-dns", ns, {}, undefined, [
      {
        from: [
          {
            namespaceSelector: { matchLabels: { [NS_NAME_LABEL]: r.dns.namespace } },
            podSelector: { matchLabels: r.dns.podLabels },
          },
        ],
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]),
    policy(r, r.app.name, ns, sel(r.app.name), appIngress, [
      { from: [store], ports: tcp(r.store.port) },
      { from: [internet("0.0.0.0/0", r.app.egressExcept), internet("::/0", [])], ports: tcp(...r.app.egressPorts) },
    ]),
    policy(
      r,
      r.store.name,
      ns,
      sel(r.store.name),
      [
        {
          from: [app, ...(m.enabled ? [pods(exporter.name)] : [])],
          ports: tcp(r.store.port),
        },
      ],
      [],
    ),
  ];
  if (!m.enabled) return out;

  const promEgress: Rule[] = [
    { from: [pods(exporter.name)], ports: tcp(exporter.port) },
    { from: [pods(w.blackboxExporter.name)], ports: tcp(w.blackboxExporter.port) },
  ];
  if (m.grafana) promEgress.push({ from: [pods(w.grafana.name)], ports: tcp(w.grafana.port) });
  if (m.nodeExporterNamespace) {
    promEgress.push({
      from: [
        {
          namespaceSelector: { matchLabels: { [NS_NAME_LABEL]: m.nodeExporterNamespace } },
          podSelector: { matchLabels: sel(w.nodeExporter.name) },
        },
      ],
      ports: tcp(w.nodeExporter.port),
    });
  }
  out.push(
    // Prometheus has no authentication: only Grafana reaches it (people use `kubectl port-forward`).
    policy(
      r,
      w.prometheus.name,
      ns,
      sel(w.prometheus.name),
      m.grafana ? [{ from: [pods(w.grafana.name)], ports: tcp(w.prometheus.port) }] : [],
      promEgress,
    ),
    policy(
      r,
      exporter.name,
      ns,
      sel(exporter.name),
      [{ from: [prometheus], ports: tcp(exporter.port) }],
      [{ from: [store], ports: tcp(r.store.port) }],
    ),
    policy(
      r,
      w.blackboxExporter.name,
      ns,
      sel(w.blackboxExporter.name),
      [{ from: [prometheus], ports: tcp(w.blackboxExporter.port) }],
      [{ from: [app], ports: tcp(r.app.port) }],
    ),
  );
  if (m.grafana) {
    out.push(
      policy(
        r,
        w.grafana.name,
        ns,
        sel(w.grafana.name),
        [
          { ...(publicFrom ? { from: publicFrom } : {}), ports: tcp(w.grafana.port) },
          { from: [prometheus], ports: tcp(w.grafana.port) },
        ],
        [{ from: [prometheus], ports: tcp(w.prometheus.port) }],
      ),
    );
  }
  if (m.nodeExporterNamespace) {
    const neNs = m.nodeExporterNamespace;
    out.push(
      policy(r, "default-deny", neNs, {}, [], []),
      policy(
        r,
        w.nodeExporter.name,
        neNs,
        sel(w.nodeExporter.name),
        [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { [NS_NAME_LABEL]: ns } },
                podSelector: { matchLabels: sel(w.prometheus.name) },
              },
            ],
            ports: tcp(w.nodeExporter.port),
          },
        ],
        undefined,
      ),
    );
  }
  return out;
}
