import { NAMES, PORTS } from "../monitoring/names";

export interface NetworkIsolationArgs {
  /** Namespace of the app, Redis and the monitoring workloads. Required. */
  namespace: string;
  /** Instance (stack) name: the `app.kubernetes.io/instance` label every selector matches. Required. */
  instance: string;
  /**
   * Namespace allowed to reach the app on its port (e.g. `ingress-nginx`). Unset = from everywhere,
   * like compose's published port `3000:3000`. Also governs Grafana's UI port.
   */
  ingressNamespace?: string;
  app?: {
    /** `app.kubernetes.io/name` of the app pods. Default `moontv`. */
    name?: string;
    /** Container port the app listens on. Default `3000`. */
    port?: number;
    /** TCP ports the app may reach on the internet (it fetches video source APIs). Default `[80, 443]`. */
    egressPorts?: number[];
    /**
     * IPv4 CIDRs excluded from that internet egress. Default `[]`: video sources may sit on private
     * addresses, and how `ipBlock` treats pod IPs depends on the CNI. Set e.g. `["10.0.0.0/8",
     * "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]` to keep the app off cluster-private ranges
     * and the cloud metadata endpoint.
     */
    egressExcept?: string[];
  };
  redis?: {
    /** `app.kubernetes.io/name` of the Redis pods. Default `redis`. */
    name?: string;
    /** Redis port. Default `6379`. */
    port?: number;
  };
  /**
   * Kvrocks as the app's store (LunaTV) instead of Redis: its policy and flows (app, kvrocks-exporter)
   * take Redis's place. Unset = the store is Redis.
   */
  kvrocks?: {
    /** `app.kubernetes.io/name` of the Kvrocks pods. Default `kvrocks`. */
    name?: string;
    /** Kvrocks port. Default `6666`. */
    port?: number;
  };
  /** Where cluster DNS runs: DNS egress (UDP and TCP 53) is allowed to these pods only. */
  dns?: {
    /** Namespace of the DNS pods. Default `kube-system`. */
    namespace?: string;
    /** Labels of the DNS pods. Default `{ "k8s-app": "kube-dns" }` (CoreDNS keeps that label). */
    podLabels?: Record<string, string>;
  };
  /** Flows of the monitoring component; off = no monitoring policies. */
  monitoring?: {
    /** The Monitoring component is deployed. Default `false`. */
    enabled?: boolean;
    /** Grafana is deployed. Default `false`. */
    grafana?: boolean;
    /** Namespace of the node-exporter; unset = no node-exporter (no policies there). */
    nodeExporterNamespace?: string;
  };
}

export interface ResolvedNetworkArgs {
  namespace: string;
  instance: string;
  ingressNamespace?: string;
  app: { name: string; port: number; egressPorts: number[]; egressExcept: string[] };
  /** The app's store (Redis or Kvrocks) and the exporter that reads it when monitoring is on. */
  store: { name: string; port: number; exporter: { name: string; port: number } };
  dns: { namespace: string; podLabels: Record<string, string> };
  monitoring: { enabled: boolean; grafana: boolean; nodeExporterNamespace?: string };
}

const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function check(ok: boolean, field: string, value: unknown, allowed: string): void {
  if (!ok) throw new Error(`network.${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
}

/** Fills in defaults and rejects malformed values with a message naming the field. Pure. */
export function resolveNetworkArgs(a: NetworkIsolationArgs): ResolvedNetworkArgs {
  const r: ResolvedNetworkArgs = {
    namespace: a.namespace,
    instance: a.instance,
    ingressNamespace: a.ingressNamespace,
    app: {
      name: a.app?.name ?? "moontv",
      port: a.app?.port ?? 3000,
      egressPorts: a.app?.egressPorts ?? [80, 443],
      egressExcept: a.app?.egressExcept ?? [],
    },
    store: a.kvrocks
      ? { name: a.kvrocks.name ?? "kvrocks", port: a.kvrocks.port ?? 6666, exporter: { name: NAMES.kvrocksExporter, port: PORTS.kvrocksExporter } }
      : { name: a.redis?.name ?? "redis", port: a.redis?.port ?? 6379, exporter: { name: NAMES.redisExporter, port: PORTS.redisExporter } },
    dns: { namespace: a.dns?.namespace ?? "kube-system", podLabels: a.dns?.podLabels ?? { "k8s-app": "kube-dns" } },
    monitoring: {
      enabled: a.monitoring?.enabled ?? false,
      grafana: a.monitoring?.grafana ?? false,
      nodeExporterNamespace: a.monitoring?.nodeExporterNamespace,
    },
  };
  check(!!r.namespace, "namespace", a.namespace, "a namespace name");
  check(!!r.instance, "instance", a.instance, "a non-empty stack name");
  check(r.ingressNamespace === undefined || r.ingressNamespace.length > 0, "ingressNamespace", a.ingressNamespace, "a namespace name or unset");
  const port = (p: number) => Number.isInteger(p) && p > 0 && p < 65536;
  check(port(r.app.port), "app.port", r.app.port, "1-65535");
  check(port(r.store.port), a.kvrocks ? "kvrocks.port" : "redis.port", r.store.port, "1-65535");
  check(r.app.egressPorts.every(port), "app.egressPorts", r.app.egressPorts, "ports 1-65535");
  for (const c of r.app.egressExcept) {
    const m = CIDR4.exec(c);
    check(!!m && m.slice(1, 5).every((o) => Number(o) < 256) && Number(m[5]) <= 32, "app.egressExcept", c, "IPv4 CIDRs like 10.0.0.0/8");
  }
  check(!r.monitoring.grafana || r.monitoring.enabled, "monitoring.grafana", true, "monitoring.enabled to be true as well");
  return r;
}
