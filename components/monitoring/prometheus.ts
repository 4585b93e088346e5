import type * as k8s from "@pulumi/kubernetes";
import {
  claimTemplate,
  RETAIN_CLAIMS,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  type DataClaim,
} from "../shared";
import { CONFIG_HASH_ANNOTATION, configHash } from "../../lib/annotations";
import type { MonitoringArgs } from "./args";
import { NOBODY, httpProbe, meta, monitoringLabels, monitoringSelector, service } from "./common";
import { NAMES, PORTS } from "./names";
import { RULES_FILE, buildPrometheusConfig } from "./prometheus-config";
import { buildAlertRules } from "./rules";

const CONFIG_DIR = "/etc/prometheus";
const DATA_DIR = "/prometheus";

export interface PrometheusObjects {
  configMap: k8s.types.input.core.v1.ConfigMap;
  statefulSet: k8s.types.input.apps.v1.StatefulSet;
  service: k8s.types.input.core.v1.Service;
}

/** The TSDB claim `data` (one replica: claim `data-prometheus-0`). */
export function prometheusDataClaim(r: MonitoringArgs): DataClaim {
  return {
    template: "data",
    labels: monitoringLabels(NAMES.prometheus, r.instance),
    storageSize: r.prometheus.storageSize,
    storageClass: r.prometheus.storageClass,
  };
}

/** Prometheus: ConfigMap (prometheus.yml + rules), a one-replica StatefulSet with a TSDB claim, Service 9090. */
export function buildPrometheus(r: MonitoringArgs): PrometheusObjects {
  const name = NAMES.prometheus;
  const config = buildPrometheusConfig(r);
  const rules = buildAlertRules(r);
  const p = r.prometheus;
  return {
    configMap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(name, r.namespace, r.instance),
      data: { "prometheus.yml": config, [RULES_FILE]: rules },
    },
    statefulSet: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta(name, r.namespace, r.instance),
      spec: {
        serviceName: name,
        replicas: 1,
        selector: { matchLabels: monitoringSelector(name, r.instance) },
        template: {
          metadata: {
            labels: monitoringLabels(name, r.instance),
            annotations: { [CONFIG_HASH_ANNOTATION]: configHash(config, rules) },
          },
          spec: {
            automountServiceAccountToken: false, // static/DNS discovery only: no API access needed
            securityContext: restrictedPodSecurityContext(NOBODY, NOBODY),
            terminationGracePeriodSeconds: 60, // lets the TSDB flush the head block
            containers: [
              {
                name,
                image: p.image,
                args: [
                  `--config.file=${CONFIG_DIR}/prometheus.yml`,
                  `--storage.tsdb.path=${DATA_DIR}`,
                  `--storage.tsdb.retention.time=${p.retentionTime}`,
                  `--storage.tsdb.retention.size=${p.retentionSize}`,
                  `--web.listen-address=:${PORTS.prometheus}`,
                ],
                ports: [{ name: "http", containerPort: PORTS.prometheus, protocol: "TCP" }],
                startupProbe: httpProbe("/-/ready", "http", 5, 60), // WAL replay can take minutes
                readinessProbe: httpProbe("/-/ready", "http"),
                livenessProbe: httpProbe("/-/healthy", "http", 15),
                resources: p.resources,
                securityContext: restrictedContainerSecurityContext(NOBODY, NOBODY),
                volumeMounts: [
                  { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                  { name: "data", mountPath: DATA_DIR },
                ],
              },
            ],
            volumes: [{ name: "config", configMap: { name } }],
          },
        },
        // The claim is a resource of its own (components/shared/claims.ts), deleted by Pulumi unless protected.
        persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
        volumeClaimTemplates: [claimTemplate(prometheusDataClaim(r))],
      },
    },
    service: service(name, r.namespace, r.instance, PORTS.prometheus),
  };
}
