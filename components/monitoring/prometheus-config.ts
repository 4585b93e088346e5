import { stringify } from "yaml";
import type { MonitoringArgs } from "./args";
import { JOBS, NAMES, PORTS } from "./names";

/** File name of the rules beside `prometheus.yml` (both keys of one ConfigMap, one directory). */
export const RULES_FILE = "alerts.yml";
/** blackbox-exporter module that probes the app over HTTP and expects a 2xx. */
export const PROBE_MODULE = "http_2xx";

/** The app URL the blackbox-exporter probes. */
export function appProbeUrl(r: MonitoringArgs): string {
  return `http://${r.app.serviceName}:${r.app.port}${r.app.probePath}`;
}

/** DNS name whose A records are the node-exporter pods (a headless Service in its own namespace). */
export function nodeExporterDnsName(r: MonitoringArgs): string {
  return `${NAMES.nodeExporter}.${r.nodeExporter.namespace}.svc.${r.clusterDomain}`;
}

/**
 * `prometheus.yml`. Targets are Services by DNS name (`static_configs`) or headless-Service A records
 * (`dns_sd_configs`): no `kubernetes_sd_configs`, so Prometheus needs no RBAC and Debian's promtool,
 * which lacks that discovery, can check the file.
 */
export function buildPrometheusConfig(r: MonitoringArgs): string {
  const scrape: Record<string, unknown>[] = [
    { job_name: JOBS.prometheus, static_configs: [{ targets: [`localhost:${PORTS.prometheus}`] }] },
    // The store's exporter reports on the one Redis (or Kvrocks) it points at; `<store>_up` says whether it answered.
    r.store.kind === "kvrocks"
      ? { job_name: JOBS.kvrocks, static_configs: [{ targets: [`${NAMES.kvrocksExporter}:${PORTS.kvrocksExporter}`] }] }
      : { job_name: JOBS.redis, static_configs: [{ targets: [`${NAMES.redisExporter}:${PORTS.redisExporter}`] }] },
    {
      // MoonTV has no /metrics: the blackbox-exporter probes the app and Prometheus scrapes the result.
      job_name: JOBS.app,
      metrics_path: "/probe",
      params: { module: [PROBE_MODULE] },
      static_configs: [{ targets: [appProbeUrl(r)] }],
      relabel_configs: [
        { source_labels: ["__address__"], target_label: "__param_target" },
        { source_labels: ["__param_target"], target_label: "instance" },
        { target_label: "__address__", replacement: `${NAMES.blackboxExporter}:${PORTS.blackboxExporter}` },
      ],
    },
  ];
  if (r.nodeExporter.enabled) {
    scrape.push({
      job_name: JOBS.node,
      dns_sd_configs: [{ names: [nodeExporterDnsName(r)], type: "A", port: PORTS.nodeExporter }],
    });
  }
  if (r.grafana.enabled) {
    scrape.push({ job_name: JOBS.grafana, static_configs: [{ targets: [`${NAMES.grafana}:${PORTS.grafana}`] }] });
  }
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: r.scrapeInterval,
      evaluation_interval: r.evaluationInterval,
      external_labels: { namespace: r.namespace, instance_name: r.instance },
    },
    rule_files: [RULES_FILE],
    scrape_configs: scrape,
  };
  if (r.alertmanagers.length > 0) {
    config.alerting = { alertmanagers: [{ static_configs: [{ targets: r.alertmanagers }] }] };
  }
  return stringify(config);
}

/** `blackbox.yml`: one HTTP module that follows redirects (MoonTV redirects to /warning when unset up). */
export function buildBlackboxConfig(): string {
  return stringify({
    modules: {
      [PROBE_MODULE]: {
        prober: "http",
        timeout: "5s",
        http: { preferred_ip_protocol: "ip4", follow_redirects: true, valid_status_codes: [] },
      },
    },
  });
}
