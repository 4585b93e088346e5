import { strict as assert } from "assert";
import { monitoringArgs } from "../../../components/platform/monitoring";
import { settingsFor } from "../../support/settings";
import { KVROCKS_ENDPOINT, REDIS_ENDPOINT } from "../../support/platform-args";

const small = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } };

describe("platform: monitoring args from the settings", () => {
  it("maps prod's settings, the app's and Redis's names and the fixed workloads, every field", () => {
    const pinned: string[] = [];
    const args = monitoringArgs(
      settingsFor("prod", { monitoring: { alertmanagers: ["am:9093"], storageClass: "fast" } }),
      REDIS_ENDPOINT,
      (ref) => (pinned.push(ref), `pinned:${ref}`),
    );
    assert.deepEqual(args, {
      namespace: "moontv",
      instance: "prod",
      clusterDomain: "cluster.local",
      scrapeInterval: "30s",
      evaluationInterval: "30s",
      prometheus: {
        image: "pinned:quay.io/prometheus/prometheus:v2.53.2",
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        retentionTime: "15d",
        retentionSize: "8GB",
        storageSize: "10Gi",
        storageClass: "fast",
      },
      store: {
        kind: "redis",
        host: "redis",
        port: 6379,
        secretName: "redis-auth",
        secretKey: "password",
        memoryAlertRatio: 0.9,
        exporter: { image: "pinned:oliver006/redis_exporter:v1.62.0", resources: small },
      },
      app: { serviceName: "moontv", port: 3000, probePath: "/login" },
      blackboxExporter: { image: "pinned:quay.io/prometheus/blackbox-exporter:v0.25.0", resources: small },
      nodeExporter: {
        enabled: true,
        namespace: "moontv-node-exporter",
        nodeSelector: { "kubernetes.io/os": "linux" },
        image: "pinned:quay.io/prometheus/node-exporter:v1.8.2",
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      },
      grafana: {
        enabled: true,
        adminUser: "admin",
        image: "pinned:grafana/grafana:11.2.0",
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
      },
      alertmanagers: ["am:9093"],
      protectData: true,
    });
    // Only the exporter of the store in use is pinned (a registry lookup per image).
    assert.deepEqual(pinned, [
      "quay.io/prometheus/prometheus:v2.53.2",
      "oliver006/redis_exporter:v1.62.0",
      "quay.io/prometheus/blackbox-exporter:v0.25.0",
      "quay.io/prometheus/node-exporter:v1.8.2",
      "grafana/grafana:11.2.0",
    ]);
  });

  it("pins only the images of the workloads it deploys: Grafana and node-exporter off, neither is looked up", () => {
    const pinned: string[] = [];
    const args = monitoringArgs(
      settingsFor("prod", { monitoring: { grafana: false, nodeExporter: false } }),
      REDIS_ENDPOINT,
      (ref) => (pinned.push(ref), `pinned:${ref}`),
    );
    assert.deepEqual(pinned, [
      "quay.io/prometheus/prometheus:v2.53.2",
      "oliver006/redis_exporter:v1.62.0",
      "quay.io/prometheus/blackbox-exporter:v0.25.0",
    ]);
    assert.deepEqual([args.grafana.enabled, args.nodeExporter.enabled], [false, false]);
  });

  it("dev: its retention and switches, no Alertmanager, data unprotected", () => {
    const args = monitoringArgs(settingsFor("dev", { monitoring: { enabled: true } }), REDIS_ENDPOINT, (ref) => ref);
    assert.deepEqual(args.prometheus.retentionTime, "2d");
    assert.deepEqual(
      [args.prometheus.retentionSize, args.prometheus.storageSize, args.prometheus.storageClass],
      ["1GB", "2Gi", undefined],
    );
    assert.deepEqual([args.nodeExporter.enabled, args.grafana.enabled, args.protectData], [false, false, false]);
    assert.deepEqual(args.alertmanagers, []);
  });

  it("with Kvrocks: Kvrocks's Service and Secret, its exporter and disk alert", () => {
    const args = monitoringArgs(settingsFor("prod", { app: { storage: "kvrocks" } }), KVROCKS_ENDPOINT, (ref) => ref);
    assert.deepEqual(args.store, {
      kind: "kvrocks",
      host: "kvrocks",
      port: 6666,
      secretName: "kvrocks-auth",
      secretKey: "password",
      diskAlertRatio: 0.9,
      exporter: { image: "kvrocks/kvrocks-exporter:1.0.5", resources: small },
    });
  });

  it("probes the app on its liveness path, and keeps node-exporter out of the app's namespace", () => {
    const args = monitoringArgs(
      settingsFor("prod", { namespace: "tv", app: { probes: { livenessPath: "/api/server-config" } } }),
      REDIS_ENDPOINT,
      (ref) => ref,
    );
    assert.equal(args.app.probePath, "/api/server-config");
    assert.equal(args.nodeExporter.namespace, "tv-node-exporter");
    assert.notEqual(args.nodeExporter.namespace, args.namespace);
  });
});
