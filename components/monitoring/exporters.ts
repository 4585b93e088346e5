import type * as k8s from "@pulumi/kubernetes";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../shared";
import { CONFIG_HASH_ANNOTATION, configHash } from "../../lib/annotations";
import type { ContainerResources, MonitoringArgs } from "./args";
import { NOBODY, httpProbe, meta, monitoringLabels, monitoringSelector, service, type Container } from "./common";
import { NAMES, PORTS } from "./names";
import { buildBlackboxConfig } from "./prometheus-config";

type Deployment = k8s.types.input.apps.v1.Deployment;
type Service = k8s.types.input.core.v1.Service;
type ConfigMap = k8s.types.input.core.v1.ConfigMap;

/** A one-replica, restricted Deployment around a single stateless exporter container. */
function exporterDeployment(
  r: MonitoringArgs,
  name: string,
  container: Omit<Container, "name" | "securityContext">,
  resources: ContainerResources,
  podAnnotations: Record<string, string> = {},
  volumes: k8s.types.input.core.v1.Volume[] = [],
): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(name, r.namespace, r.instance),
    spec: {
      replicas: 1,
      selector: { matchLabels: monitoringSelector(name, r.instance) },
      template: {
        metadata: { labels: monitoringLabels(name, r.instance), annotations: podAnnotations },
        spec: {
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(NOBODY, NOBODY),
          containers: [
            { ...container, name, resources, securityContext: restrictedContainerSecurityContext(NOBODY, NOBODY) },
          ],
          volumes,
        },
      },
    },
  };
}

/** redis-exporter: reads the password from the Redis Secret (never a plain env value), Service 9121. */
export function buildRedisExporter(r: MonitoringArgs): { deployment: Deployment; service: Service } {
  const name = NAMES.redisExporter;
  return {
    deployment: exporterDeployment(
      r,
      name,
      {
        image: r.store.exporter.image,
        env: [
          { name: "REDIS_ADDR", value: `redis://${r.store.host}:${r.store.port}` },
          { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: r.store.secretName, key: r.store.secretKey } } },
        ],
        ports: [{ name: "http", containerPort: PORTS.redisExporter, protocol: "TCP" }],
        readinessProbe: httpProbe("/health", "http"),
        livenessProbe: httpProbe("/health", "http", 20),
      },
      r.store.exporter.resources,
    ),
    service: service(name, r.namespace, r.instance, PORTS.redisExporter),
  };
}

/** kvrocks-exporter: reads the password from the Kvrocks Secret (never a plain env value), Service 9121. */
export function buildKvrocksExporter(r: MonitoringArgs): { deployment: Deployment; service: Service } {
  const name = NAMES.kvrocksExporter;
  return {
    deployment: exporterDeployment(
      r,
      name,
      {
        image: r.store.exporter.image,
        env: [
          { name: "KVROCKS_ADDR", value: `kvrocks://${r.store.host}:${r.store.port}` },
          {
            name: "KVROCKS_PASSWORD",
            valueFrom: { secretKeyRef: { name: r.store.secretName, key: r.store.secretKey } },
          },
        ],
        ports: [{ name: "http", containerPort: PORTS.kvrocksExporter, protocol: "TCP" }],
        readinessProbe: httpProbe("/health", "http"),
        livenessProbe: httpProbe("/health", "http", 20),
      },
      r.store.exporter.resources,
    ),
    service: service(name, r.namespace, r.instance, PORTS.kvrocksExporter),
  };
}

/** blackbox-exporter: probes the app (which has no /metrics) for the `moontv` job, Service 9115. */
export function buildBlackboxExporter(r: MonitoringArgs): {
  configMap: ConfigMap;
  deployment: Deployment;
  service: Service;
} {
  const name = NAMES.blackboxExporter;
  const config = buildBlackboxConfig();
  return {
    configMap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(name, r.namespace, r.instance),
      data: { "blackbox.yml": config },
    },
    deployment: exporterDeployment(
      r,
      name,
      {
        image: r.blackboxExporter.image,
        args: ["--config.file=/etc/blackbox/blackbox.yml", `--web.listen-address=:${PORTS.blackboxExporter}`],
        ports: [{ name: "http", containerPort: PORTS.blackboxExporter, protocol: "TCP" }],
        readinessProbe: httpProbe("/-/healthy", "http"),
        livenessProbe: httpProbe("/-/healthy", "http", 20),
        volumeMounts: [{ name: "config", mountPath: "/etc/blackbox", readOnly: true }],
      },
      r.blackboxExporter.resources,
      { [CONFIG_HASH_ANNOTATION]: configHash(config) },
      [{ name: "config", configMap: { name } }],
    ),
    service: service(name, r.namespace, r.instance, PORTS.blackboxExporter),
  };
}
