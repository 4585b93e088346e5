import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../../stacks/settings/types";
import { DEFAULT_IMAGES, type MonitoringArgs } from "../monitoring";

/** Monitoring args from the settings; third-party images go through `pin` (digests in prod). */
export function monitoringArgs(settings: Settings, pin: (ref: string) => pulumi.Input<string>): MonitoringArgs {
  const m = settings.monitoring;
  const kvrocks = settings.app.storage === "kvrocks";
  return {
    namespace: settings.namespace,
    instance: settings.stack,
    scrapeInterval: m.scrapeInterval,
    prometheus: {
      image: pin(DEFAULT_IMAGES.prometheus),
      retentionTime: m.retentionTime,
      retentionSize: m.retentionSize,
      storageSize: m.storageSize,
      storageClass: m.storageClass,
    },
    // The app is probed from outside on its liveness route (MoonTV has no /metrics).
    app: { probePath: settings.app.probes.livenessPath },
    // Monitoring needs a store this program deploys (the settings refuse it otherwise); only the
    // exporter of that store is deployed, so only its image is pinned (a lookup per image).
    store: kvrocks ? "kvrocks" : "redis",
    ...(kvrocks
      ? { kvrocksExporter: { image: pin(DEFAULT_IMAGES.kvrocksExporter) } }
      : { redisExporter: { image: pin(DEFAULT_IMAGES.redisExporter) } }),
    blackboxExporter: { image: pin(DEFAULT_IMAGES.blackboxExporter) },
    nodeExporter: { enabled: m.nodeExporter, image: pin(DEFAULT_IMAGES.nodeExporter) },
    grafana: { enabled: m.grafana, image: pin(DEFAULT_IMAGES.grafana) },
    alertmanagers: m.alertmanagers,
    protectData: m.protect,
  };
}
