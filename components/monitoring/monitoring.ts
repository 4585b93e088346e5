import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { MonitoringArgs } from "./args";
import { buildBlackboxExporter, buildKvrocksExporter, buildRedisExporter } from "./exporters";
import { buildGrafana, buildGrafanaAdminSecret } from "./grafana";
import { NAMES, PORTS } from "./names";
import { buildNodeExporter } from "./node-exporter";
import { buildPrometheus, prometheusDataClaim } from "./prometheus";
import { IGNORE_CLAIM_TEMPLATES, registerStatefulSetClaims, retainedData } from "../shared";

/**
 * Prometheus (+ alert rules), redis-exporter, a blackbox-exporter probing the app, node-exporter in
 * its own namespace and, optionally, Grafana. All logic lives in the builders; this only registers.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** In-cluster URL of Prometheus. */
  public readonly prometheusUrl: pulumi.Output<string>;
  /** In-cluster URL of Grafana, or undefined when Grafana is off. */
  public readonly grafanaUrl: pulumi.Output<string> | undefined;
  /** The generated Grafana admin password (a Pulumi secret), or undefined when Grafana is off. */
  public readonly grafanaAdminPassword: pulumi.Output<string> | undefined;
  /** Names of the Services this component created (stable, compose-like). */
  public readonly serviceNames: string[];
  /** Namespace of the node-exporter, or undefined when it is off. */
  public readonly nodeExporterNamespace: string | undefined;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moontv:monitoring:Monitoring", name, {}, opts);
    const r = args;
    const child = { parent: this };
    const svcUrl = (svc: string, port: number) =>
      pulumi.output(`http://${svc}.${r.namespace}.svc.${r.clusterDomain}:${port}`);

    const prom = buildPrometheus(r);
    const promConfig = new k8s.core.v1.ConfigMap(`${name}-prometheus`, prom.configMap, child);
    const claims = registerStatefulSetClaims(
      `${name}-prometheus-data`,
      {
        statefulSet: NAMES.prometheus,
        namespace: r.namespace,
        replicas: 1,
        claim: prometheusDataClaim(r),
        classSetting: "moontv:monitoring.storageClass",
        protect: r.protectData,
      },
      child,
    );
    new k8s.apps.v1.StatefulSet(`${name}-prometheus`, prom.statefulSet, {
      ...child,
      dependsOn: [promConfig, ...claims],
      ignoreChanges: IGNORE_CLAIM_TEMPLATES,
      ...retainedData(r.protectData),
    });
    new k8s.core.v1.Service(`${name}-prometheus`, prom.service, child);

    // The exporter of the store the app uses: redis-exporter, or kvrocks-exporter for Kvrocks.
    const storeExporter = r.store.kind === "kvrocks" ? NAMES.kvrocksExporter : NAMES.redisExporter;
    const exporter = r.store.kind === "kvrocks" ? buildKvrocksExporter(r) : buildRedisExporter(r);
    new k8s.apps.v1.Deployment(`${name}-${storeExporter}`, exporter.deployment, child);
    new k8s.core.v1.Service(`${name}-${storeExporter}`, exporter.service, child);

    const blackbox = buildBlackboxExporter(r);
    const bbConfig = new k8s.core.v1.ConfigMap(`${name}-blackbox-exporter`, blackbox.configMap, child);
    new k8s.apps.v1.Deployment(`${name}-blackbox-exporter`, blackbox.deployment, { ...child, dependsOn: [bbConfig] });
    new k8s.core.v1.Service(`${name}-blackbox-exporter`, blackbox.service, child);

    const services: string[] = [NAMES.prometheus, storeExporter, NAMES.blackboxExporter];
    if (r.nodeExporter.enabled) {
      const ne = buildNodeExporter(r);
      const ns = new k8s.core.v1.Namespace(`${name}-node-exporter`, ne.namespace, child);
      new k8s.apps.v1.DaemonSet(`${name}-node-exporter`, ne.daemonSet, { ...child, dependsOn: [ns] });
      new k8s.core.v1.Service(`${name}-node-exporter`, ne.service, { ...child, dependsOn: [ns] });
      services.push(NAMES.nodeExporter);
      this.nodeExporterNamespace = r.nodeExporter.namespace;
    }

    if (r.grafana.enabled) {
      const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 24, special: false }, child);
      const secret = new k8s.core.v1.Secret(
        `${name}-grafana-admin`,
        buildGrafanaAdminSecret(r, password.result),
        child,
      );
      const g = buildGrafana(r);
      const cms = [
        new k8s.core.v1.ConfigMap(`${name}-grafana-provisioning`, g.provisioning, child),
        new k8s.core.v1.ConfigMap(`${name}-grafana-dashboards`, g.dashboards, child),
      ];
      new k8s.apps.v1.Deployment(`${name}-grafana`, g.deployment, { ...child, dependsOn: [secret, ...cms] });
      new k8s.core.v1.Service(`${name}-grafana`, g.service, child);
      services.push(NAMES.grafana);
      this.grafanaUrl = svcUrl(NAMES.grafana, PORTS.grafana);
      this.grafanaAdminPassword = pulumi.secret(password.result);
    }

    this.prometheusUrl = svcUrl(NAMES.prometheus, PORTS.prometheus);
    this.serviceNames = services;
    this.registerOutputs({
      prometheusUrl: this.prometheusUrl,
      grafanaUrl: this.grafanaUrl,
      grafanaAdminPassword: this.grafanaAdminPassword,
      serviceNames: this.serviceNames,
    });
  }
}
