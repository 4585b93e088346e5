import type * as pulumi from "@pulumi/pulumi";
import { MONITORING_WORKLOADS as W } from "../../stacks/settings/defaults";
import { CLUSTER_DOMAIN } from "../../stacks/outputs";
import type { Settings } from "../../stacks/settings/types";
import { APP_NAME, APP_PORT } from "../app";
import { nodeExporterNamespace, type ContainerResources, type MonitoringArgs } from "../monitoring";
import type { StoreEndpoint } from "./network";

/** The `as const` sizes, as the mutable shape the args take. */
const sized = (r: {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}): ContainerResources => ({
  requests: { ...r.requests },
  limits: { ...r.limits },
});

/**
 * Monitoring args from the settings, with the app's Service and the store's Service and Secret as their
 * components name them; third-party images go through `pin` (mirrors, digests in prod).
 */
export function monitoringArgs(
  settings: Settings,
  store: StoreEndpoint,
  pin: (ref: string) => pulumi.Input<string>,
): MonitoringArgs {
  const m = settings.monitoring;
  const target = { host: store.host, port: store.port, secretName: store.secretName, secretKey: store.secretKey };
  return {
    namespace: settings.namespace,
    instance: settings.stack,
    clusterDomain: CLUSTER_DOMAIN,
    scrapeInterval: m.scrapeInterval,
    // Rules are evaluated as often as their series are scraped.
    evaluationInterval: m.scrapeInterval,
    prometheus: {
      image: pin(W.prometheus.image),
      resources: sized(W.prometheus.resources),
      retentionTime: m.retentionTime,
      retentionSize: m.retentionSize,
      storageSize: m.storageSize,
      storageClass: m.storageClass,
    },
    // Only the exporter of the store the app uses is deployed, so only its image is pinned (a lookup per image).
    store:
      store.kind === "kvrocks"
        ? {
            kind: "kvrocks",
            ...target,
            diskAlertRatio: W.kvrocksDiskAlertRatio,
            exporter: { image: pin(W.kvrocksExporter.image), resources: sized(W.kvrocksExporter.resources) },
          }
        : {
            kind: "redis",
            ...target,
            memoryAlertRatio: W.redisMemoryAlertRatio,
            exporter: { image: pin(W.redisExporter.image), resources: sized(W.redisExporter.resources) },
          },
    // The app is probed from outside on its liveness route (MoonTV has no /metrics).
    app: { serviceName: APP_NAME, port: APP_PORT, probePath: settings.app.probes.livenessPath },
    blackboxExporter: { image: pin(W.blackboxExporter.image), resources: sized(W.blackboxExporter.resources) },
    nodeExporter: {
      enabled: m.nodeExporter,
      namespace: nodeExporterNamespace(settings.namespace),
      nodeSelector: m.nodeExporterNodeSelector,
      // Pinned only when deployed: a lookup per image, and a mirror need not hold what no pod runs.
      image: m.nodeExporter ? pin(W.nodeExporter.image) : W.nodeExporter.image,
      resources: sized(W.nodeExporter.resources),
    },
    grafana: {
      enabled: m.grafana,
      adminUser: W.grafana.adminUser,
      image: m.grafana ? pin(W.grafana.image) : W.grafana.image,
      resources: sized(W.grafana.resources),
    },
    alertmanagers: m.alertmanagers,
    protectData: m.protect,
  };
}
