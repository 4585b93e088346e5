import type { Settings } from "../../stacks/settings/types";
import { APP_NAME, APP_PORT } from "../app";
import { NAMES, PORTS } from "../monitoring/names";
import type { NetworkIsolationArgs } from "../network";
import { REDIS_NAME, REDIS_PORT } from "../redis";

/** The store the app uses, as its component names it: its Service name and port, its password's Secret and key. */
export interface StoreEndpoint {
  kind: "redis" | "kvrocks";
  host: string;
  port: number;
  secretName: string;
  secretKey: string;
}

/** Network args from the settings, with the names and ports of the app, its store and the monitoring. */
export function networkArgs(
  settings: Settings,
  store: StoreEndpoint | undefined,
  nodeExporterNamespace: string | undefined,
): NetworkIsolationArgs {
  const n = settings.network;
  const monitoring = settings.monitoring;
  const exporter =
    store?.kind === "kvrocks"
      ? { name: NAMES.kvrocksExporter, port: PORTS.kvrocksExporter }
      : { name: NAMES.redisExporter, port: PORTS.redisExporter };
  return {
    namespace: settings.namespace,
    instance: settings.stack,
    ingressNamespace: n.ingressNamespace,
    app: { name: APP_NAME, port: APP_PORT, egressPorts: n.egressPorts, egressExcept: n.egressExcept },
    // Without a store of ours (localstorage, upstash) the policies still name Redis's: no pod matches them.
    store: { name: store?.host ?? REDIS_NAME, port: store?.port ?? REDIS_PORT, exporter },
    dns: { namespace: n.dns.namespace, podLabels: n.dns.podSelector },
    monitoring: {
      enabled: monitoring.enabled,
      workloads: {
        prometheus: { name: NAMES.prometheus, port: PORTS.prometheus },
        blackboxExporter: { name: NAMES.blackboxExporter, port: PORTS.blackboxExporter },
        grafana: { name: NAMES.grafana, port: PORTS.grafana },
        nodeExporter: { name: NAMES.nodeExporter, port: PORTS.nodeExporter },
      },
      grafana: monitoring.enabled && monitoring.grafana,
      nodeExporterNamespace,
    },
  };
}
