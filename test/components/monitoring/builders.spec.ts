import { strict as assert } from "assert";
import { parse } from "yaml";
import type { MonitoringArgs } from "../../../components/monitoring/args";
import { buildDashboard, dashboardQueries } from "../../../components/monitoring/dashboard";
import {
  buildBlackboxExporter,
  buildKvrocksExporter,
  buildRedisExporter,
} from "../../../components/monitoring/exporters";
import { buildGrafana, buildGrafanaAdminSecret } from "../../../components/monitoring/grafana";
import { buildNodeExporter } from "../../../components/monitoring/node-exporter";
import { buildPrometheus } from "../../../components/monitoring/prometheus";
import { buildPrometheusConfig } from "../../../components/monitoring/prometheus-config";
import { expectedJobs } from "../../../components/monitoring/rules";
import { CONFIG_HASH_ANNOTATION } from "../../../lib/annotations";
import { monitoringArgsFor } from "../../support/platform-args";
import { STANDARD_LABEL_KEYS, plain, podSpecOf, restrictedViolations, validateK8s, type Obj } from "../../support/k8s";

/** prod's monitoring without Grafana; `full` with it and a storage class. */
const base: MonitoringArgs = monitoringArgsFor({ monitoring: { grafana: false } });
const full = monitoringArgsFor({ monitoring: { storageClass: "fast-ssd" } });
const kvrocksBase = monitoringArgsFor({ app: { storage: "kvrocks" }, monitoring: { grafana: false } });

/** Every object the builders produce with everything enabled. */
function allObjects(): Obj[] {
  const p = buildPrometheus(full);
  const re = buildRedisExporter(full);
  const bb = buildBlackboxExporter(full);
  const ne = buildNodeExporter(full);
  const g = buildGrafana(full);
  return [
    p.configMap,
    p.statefulSet,
    p.service,
    re.deployment,
    re.service,
    bb.configMap,
    bb.deployment,
    bb.service,
    ne.namespace,
    ne.daemonSet,
    ne.service,
    g.provisioning,
    g.dashboards,
    g.deployment,
    g.service,
    buildGrafanaAdminSecret(full, "not-a-real-password"),
  ] as Obj[];
}

describe("monitoring builders (pure)", () => {
  describe("prometheus.yml", () => {
    const jobs = (args: MonitoringArgs) =>
      (parse(buildPrometheusConfig(args)).scrape_configs as { job_name: string }[]).map((j) => j.job_name);
    it("has one job per enabled target, and only static/DNS discovery", () => {
      assert.deepEqual(jobs(base), ["prometheus", "redis", "moontv", "node"]);
      assert.deepEqual(jobs(monitoringArgsFor({ monitoring: { nodeExporter: false } })), [
        "prometheus",
        "redis",
        "moontv",
        "grafana",
      ]);
      assert.doesNotMatch(buildPrometheusConfig(full), /kubernetes_sd_configs/);
    });
    it("probes the app through the blackbox-exporter at the configured path", () => {
      const r: MonitoringArgs = { ...base, app: { serviceName: "web", port: 8080, probePath: "/api/server-config" } };
      const app = parse(buildPrometheusConfig(r)).scrape_configs.find(
        (j: { job_name: string }) => j.job_name === "moontv",
      );
      assert.equal(app.metrics_path, "/probe");
      assert.deepEqual(app.static_configs[0].targets, ["http://web:8080/api/server-config"]);
      assert.equal(app.relabel_configs.at(-1).replacement, "blackbox-exporter:9115");
    });
    it("finds node-exporters by the A records of their headless Service", () => {
      const node = parse(buildPrometheusConfig(full)).scrape_configs.find(
        (j: { job_name: string }) => j.job_name === "node",
      );
      assert.deepEqual(node.dns_sd_configs, [
        { names: ["node-exporter.moontv-node-exporter.svc.cluster.local"], type: "A", port: 9100 },
      ]);
    });
    it("sends alerts to Alertmanager only when one is configured", () => {
      assert.equal(parse(buildPrometheusConfig(full)).alerting, undefined);
      const r: MonitoringArgs = { ...base, alertmanagers: ["am:9093"] };
      assert.deepEqual(parse(buildPrometheusConfig(r)).alerting.alertmanagers[0].static_configs[0].targets, [
        "am:9093",
      ]);
    });
    it("expects a target for every enabled job", () => {
      assert.deepEqual(expectedJobs(full), ["prometheus", "redis", "moontv", "node", "grafana"]);
    });
  });

  describe("Prometheus workload", () => {
    const p = plain(buildPrometheus(full));
    const c = p.statefulSet.spec.template.spec.containers[0];
    it("keeps the TSDB on a claim with the retention time and size", () => {
      assert.ok(c.args.includes("--storage.tsdb.retention.time=15d"));
      assert.ok(c.args.includes("--storage.tsdb.retention.size=8GB"));
      assert.ok(c.args.includes("--storage.tsdb.path=/prometheus"));
      const claim = p.statefulSet.spec.volumeClaimTemplates[0];
      assert.equal(claim.spec.storageClassName, "fast-ssd");
      assert.equal(claim.spec.resources.requests.storage, "10Gi");
      assert.deepEqual(c.volumeMounts.find((m: { name: string }) => m.name === "data").mountPath, "/prometheus");
    });
    it("reads prometheus.yml and the rules from one ConfigMap directory", () => {
      assert.deepEqual(Object.keys(p.configMap.data).sort(), ["alerts.yml", "prometheus.yml"]);
      assert.ok(c.args.includes("--config.file=/etc/prometheus/prometheus.yml"));
      assert.equal(p.statefulSet.spec.template.spec.volumes[0].configMap.name, "prometheus");
    });
    it("probes /-/healthy and /-/ready", () => {
      assert.equal(c.livenessProbe.httpGet.path, "/-/healthy");
      assert.equal(c.readinessProbe.httpGet.path, "/-/ready");
    });
    it("runs as uid 65534 and rolls when the config changes", () => {
      assert.equal(p.statefulSet.spec.template.spec.securityContext.runAsUser, 65534);
      const other = plain(
        buildPrometheus({ ...base, grafana: { ...base.grafana, enabled: true }, scrapeInterval: "15s" }),
      );
      const hash = p.statefulSet.spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
      assert.match(hash, /^[0-9a-f]{16}$/);
      assert.notEqual(other.statefulSet.spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION], hash);
    });
    it("has no storageClassName when none is set (the cluster default applies)", () => {
      const claim = plain(buildPrometheus(base)).statefulSet.spec.volumeClaimTemplates[0];
      assert.equal("storageClassName" in claim.spec, false);
    });
  });

  describe("exporters", () => {
    it("redis-exporter takes the password from the Redis Secret, never as a value", () => {
      const r: MonitoringArgs = {
        ...base,
        store: { ...base.store, secretName: "my-redis", secretKey: "pw", host: "cache", port: 6380 },
      };
      const env = plain(buildRedisExporter(r)).deployment.spec.template.spec.containers[0].env;
      assert.deepEqual(
        env.find((e: { name: string }) => e.name === "REDIS_PASSWORD"),
        { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "my-redis", key: "pw" } } },
      );
      assert.deepEqual(
        env.find((e: { name: string }) => e.name === "REDIS_ADDR"),
        { name: "REDIS_ADDR", value: "redis://cache:6380" },
      );
    });
    it("kvrocks-exporter takes the password from the Kvrocks Secret, never as a value", () => {
      const r: MonitoringArgs = {
        ...kvrocksBase,
        store: { ...kvrocksBase.store, secretName: "kv", secretKey: "pw", host: "store", port: 6667 },
      };
      const exporter = plain(buildKvrocksExporter(r));
      const c = exporter.deployment.spec.template.spec.containers[0];
      assert.deepEqual(c.env, [
        { name: "KVROCKS_ADDR", value: "kvrocks://store:6667" },
        { name: "KVROCKS_PASSWORD", valueFrom: { secretKeyRef: { name: "kv", key: "pw" } } },
      ]);
      assert.equal(c.image, "kvrocks/kvrocks-exporter:1.0.5");
      assert.equal(c.readinessProbe.httpGet.path, "/health");
      assert.deepEqual(
        [exporter.deployment.metadata.name, exporter.service.spec.ports[0].port],
        ["kvrocks-exporter", 9121],
      );
      assert.deepEqual(restrictedViolations(exporter.deployment.spec.template.spec), []);
    });
    it("with Kvrocks as the store: the kvrocks job and dashboard row replace Redis's", () => {
      const r = kvrocksBase;
      assert.deepEqual(expectedJobs(r), ["prometheus", "kvrocks", "moontv", "node"]);
      const queries = dashboardQueries(r).map((q) => q.expr);
      assert.ok(
        queries.some((q) => q.startsWith("kvrocks_up")),
        queries.join(", "),
      );
      assert.ok(!queries.some((q) => q.includes("redis_")), queries.join(", "));
    });
    it("node-exporter is the labelled exception: own privileged namespace, read-only host mounts, no host network/PID", () => {
      const ne = plain(buildNodeExporter(full));
      assert.equal(ne.namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
      assert.equal(ne.daemonSet.metadata.labels["moontv.dev/pss-exception"], "node-exporter");
      assert.equal(ne.daemonSet.metadata.namespace, "moontv-node-exporter");
      const pod = ne.daemonSet.spec.template.spec;
      assert.equal(pod.hostNetwork, false);
      assert.equal(pod.hostPID, false);
      for (const m of pod.containers[0].volumeMounts) assert.equal(m.readOnly, true, m.name);
      assert.deepEqual(restrictedViolations(pod), [
        "volume proc has type hostPath",
        "volume sys has type hostPath",
        "volume root has type hostPath",
      ]);
      assert.equal(ne.service.spec.clusterIP, "None");
    });
    it("node-exporter runs on the nodes its selector names (every Linux node unless set), tolerating every taint", () => {
      assert.deepEqual(plain(buildNodeExporter(full)).daemonSet.spec.template.spec.nodeSelector, {
        "kubernetes.io/os": "linux",
      });
      const real = monitoringArgsFor({ monitoring: { nodeExporterNodeSelector: "moontv.dev/node=real,zone=a" } });
      const pod = plain(buildNodeExporter(real)).daemonSet.spec.template.spec;
      assert.deepEqual(pod.nodeSelector, { "moontv.dev/node": "real", zone: "a" });
      assert.deepEqual(pod.tolerations, [{ operator: "Exists" }]);
    });
  });

  describe("Grafana", () => {
    const g = plain(buildGrafana(full));
    it("takes the admin credentials from the Secret; no ConfigMap carries a password", () => {
      const env = g.deployment.spec.template.spec.containers[0].env;
      assert.deepEqual(env.find((e: { name: string }) => e.name === "GF_SECURITY_ADMIN_PASSWORD").valueFrom, {
        secretKeyRef: { name: "grafana-admin", key: "admin-password" },
      });
      const secret = buildGrafanaAdminSecret(full, "s3cr3t-value");
      assert.equal(secret.kind, "Secret");
      for (const cm of [g.provisioning, g.dashboards])
        assert.doesNotMatch(JSON.stringify(cm), /s3cr3t-value|password/i);
    });
    it("provisions Prometheus as the default data source, with the uid the panels use", () => {
      const ds = parse(g.provisioning.data["datasources.yaml"]).datasources[0];
      assert.equal(ds.url, "http://prometheus:9090");
      assert.equal(ds.uid, "prometheus");
      const dash = JSON.parse(g.dashboards.data["moontv-overview.json"]);
      const panels = dash.panels.filter((p: { type: string }) => p.type !== "row");
      for (const p of panels) assert.equal(p.datasource.uid, "prometheus", p.title);
    });
    it("the dashboard covers MoonTV, Redis and nodes, with unique panel ids", () => {
      const dash = buildDashboard(full) as { panels: { id: number; type: string; title: string }[] };
      const rows = dash.panels.filter((p) => p.type === "row").map((p) => p.title);
      assert.deepEqual(rows, ["MoonTV", "Redis", "Scrape targets", "Nodes"]);
      assert.equal(new Set(dash.panels.map((p) => p.id)).size, dash.panels.length);
      assert.ok(dashboardQueries(full).some((q) => q.expr.startsWith("probe_success")));
      assert.ok(dashboardQueries(base).some((q) => q.expr.includes("node_")));
      assert.ok(
        !dashboardQueries({ ...base, nodeExporter: { ...base.nodeExporter, enabled: false } }).some((q) =>
          q.expr.includes("node_"),
        ),
      );
    });
  });

  describe("every object", () => {
    const objects = allObjects();
    it("is a valid Kubernetes object (kubernetes-models schema)", () => {
      for (const o of objects) validateK8s(o);
    });
    it("carries an explicit name and the five standard labels", () => {
      for (const o of objects) {
        assert.ok(o.metadata.name, o.kind);
        for (const k of STANDARD_LABEL_KEYS)
          assert.ok(o.metadata.labels?.[k], `${o.kind}/${o.metadata.name} lacks ${k}`);
        const tmpl = o.spec?.template?.metadata?.labels;
        if (tmpl)
          for (const k of STANDARD_LABEL_KEYS) assert.ok(tmpl[k], `${o.kind}/${o.metadata.name} pod lacks ${k}`);
      }
    });
    it("every workload except node-exporter meets the restricted Pod Security Standard", () => {
      const workloads = objects.filter((o) => podSpecOf(o) && o.metadata.name !== "node-exporter");
      assert.deepEqual(workloads.map((o) => o.metadata.name).sort(), [
        "blackbox-exporter",
        "grafana",
        "prometheus",
        "redis-exporter",
      ]);
      for (const o of workloads) assert.deepEqual(restrictedViolations(podSpecOf(o)), [], o.metadata.name);
    });
    it("every container has CPU and memory requests and limits", () => {
      for (const o of objects.filter((x) => podSpecOf(x))) {
        for (const c of podSpecOf(o).containers) {
          for (const k of ["requests", "limits"]) {
            assert.ok(c.resources?.[k]?.cpu && c.resources?.[k]?.memory, `${o.metadata.name}/${c.name} lacks ${k}`);
          }
        }
      }
    });
    it("the Services select their workload's pods on a named port", () => {
      const byName = new Map(objects.filter((o) => podSpecOf(o)).map((o) => [o.metadata.name, o]));
      for (const s of objects.filter((o) => o.kind === "Service")) {
        const w = byName.get(s.metadata.name);
        assert.ok(w, `no workload for Service ${s.metadata.name}`);
        for (const [k, v] of Object.entries(s.spec.selector)) assert.equal(w.spec.template.metadata.labels[k], v);
        const names = podSpecOf(w).containers[0].ports.map((p: { name: string }) => p.name);
        assert.ok(names.includes(s.spec.ports[0].targetPort));
      }
    });
  });
});
