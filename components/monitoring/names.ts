/**
 * Stable names and ports of the monitoring workloads. The Service names match the compose service
 * names (`prometheus`, `grafana`, `redis-exporter`, `node-exporter`), so in-cluster DNS matches compose;
 * `kvrocks-exporter` reads Kvrocks when it is the app's store.
 */
export const NAMES = {
  prometheus: "prometheus",
  redisExporter: "redis-exporter",
  kvrocksExporter: "kvrocks-exporter",
  blackboxExporter: "blackbox-exporter",
  nodeExporter: "node-exporter",
  grafana: "grafana",
} as const;

export const PORTS = {
  prometheus: 9090,
  redisExporter: 9121,
  kvrocksExporter: 9121,
  blackboxExporter: 9115,
  nodeExporter: 9100,
  grafana: 3000,
} as const;

/**
 * Prometheus job names; the alert rules and the dashboard select series by them. Labels of this
 * component's own choosing (the compose service names), not the Services they watch.
 */
export const JOBS = {
  prometheus: "prometheus",
  redis: "redis",
  kvrocks: "kvrocks",
  app: "moontv",
  node: "node",
  grafana: "grafana",
} as const;

/** Label value for `app.kubernetes.io/component` on every monitoring object. */
export const COMPONENT = "monitoring";

/** Label that marks the one workload allowed outside the `restricted` Pod Security Standard. */
export const PSS_EXCEPTION_LABEL = "moontv.dev/pss-exception";

/** The node-exporter's own namespace beside the app's (which enforces `restricted`). */
export function nodeExporterNamespace(namespace: string): string {
  return `${namespace}-node-exporter`;
}
