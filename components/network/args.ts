/** Everything the network policies are made from; the platform fills it from the settings and the components. */
export interface NetworkIsolationArgs {
  /** Namespace of the app, its store and the monitoring workloads. */
  namespace: string;
  /** Instance (stack) name: the `app.kubernetes.io/instance` label every selector matches. */
  instance: string;
  /**
   * Namespace allowed to reach the app on its port (e.g. `ingress-nginx`). Unset = from everywhere,
   * like compose's published port `3000:3000`. Also governs Grafana's UI port.
   */
  ingressNamespace?: string;
  app: {
    /** `app.kubernetes.io/name` of the app pods. */
    name: string;
    /** Container port the app listens on. */
    port: number;
    /** TCP ports the app may reach on the internet (it fetches video source APIs). */
    egressPorts: number[];
    /**
     * IPv4 CIDRs excluded from that internet egress. Video sources may sit on private addresses, and
     * how `ipBlock` treats pod IPs depends on the CNI; e.g. `["10.0.0.0/8", "172.16.0.0/12",
     * "192.168.0.0/16", "169.254.0.0/16"]` keeps the app off cluster-private ranges and the cloud
     * metadata endpoint.
     */
    egressExcept: string[];
  };
  /** The app's store (Redis or Kvrocks), and the exporter that reads it when monitoring is on. */
  store: { name: string; port: number; exporter: { name: string; port: number } };
  /** Where cluster DNS runs: DNS egress (UDP and TCP 53) is allowed to these pods only. */
  dns: { namespace: string; podLabels: Record<string, string> };
  /** Flows of the monitoring component; off = no monitoring policies. */
  monitoring: {
    enabled: boolean;
    /** The monitoring workloads as their component names them: `app.kubernetes.io/name` and port. */
    workloads: Record<"prometheus" | "blackboxExporter" | "grafana" | "nodeExporter", { name: string; port: number }>;
    /** Grafana is deployed (only with monitoring). */
    grafana: boolean;
    /** Namespace of the node-exporter; unset = no node-exporter (no policies there). */
    nodeExporterNamespace?: string;
  };
}
