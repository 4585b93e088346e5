// The Monitoring component under Pulumi's mock runtime: what it registers, and that secrets stay secret.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Monitoring } from "../../../components/monitoring";
import { monitoringArgsFor } from "../../support/platform-args";
import { podSpecOf, restrictedViolations, validateK8s, type Obj } from "../../support/k8s";

const MOCK_PASSWORD = "mock-generated-password-0123";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
const registered: Registered[] = [];

function settle<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

/** Strips Pulumi's secret wrappers the mock monitor hands over. */
function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

async function build(name: string, grafana: boolean, nodeExporter = true) {
  const m = new Monitoring(name, monitoringArgsFor({ monitoring: { grafana, nodeExporter } }));
  await settle(m.prometheusUrl);
  if (m.grafanaAdminPassword) await settle(m.grafanaAdminPassword);
  await new Promise((r) => setTimeout(r, 50));
  const mine = registered.filter((r) => r.name.startsWith(`${name}-`) || r.name === name);
  return { m, mine, k8s: mine.filter((r) => r.type.startsWith("kubernetes:")) };
}

describe("Monitoring component (mocks)", function () {
  this.timeout(30_000);
  before(() => {
    // In before(), not at load time: setMocks is process-wide and other spec files set their own.
    pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          const state: Record<string, unknown> = { ...args.inputs };
          if (args.type === "random:index/randomPassword:RandomPassword") state.result = MOCK_PASSWORD;
          return { id: `${args.name}-id`, state };
        },
        call: () => ({}),
      },
      "moontv",
      "prod",
      false,
    );
  });

  it("registers Prometheus, the exporters, node-exporter and Grafana with stable Kubernetes names", async () => {
    const { m, mine, k8s } = await build("mon", true);
    assert.ok(mine.some((r) => r.type === "moontv:monitoring:Monitoring"));
    const kinds = k8s.map((r) => `${r.type.split(":").at(-1)}/${(r.inputs.metadata as { name: string }).name}`).sort();
    assert.deepEqual(kinds, [
      "ConfigMap/blackbox-exporter",
      "ConfigMap/grafana-dashboards",
      "ConfigMap/grafana-provisioning",
      "ConfigMap/prometheus",
      "DaemonSet/node-exporter",
      "Deployment/blackbox-exporter",
      "Deployment/grafana",
      "Deployment/redis-exporter",
      "Namespace/moontv-node-exporter",
      "PersistentVolumeClaim/data-prometheus-0",
      "Secret/grafana-admin",
      "Service/blackbox-exporter",
      "Service/grafana",
      "Service/node-exporter",
      "Service/prometheus",
      "Service/redis-exporter",
      "StatefulSet/prometheus",
    ]);
    assert.deepEqual(m.serviceNames, ["prometheus", "redis-exporter", "blackbox-exporter", "node-exporter", "grafana"]);
    assert.equal(await settle(m.prometheusUrl), "http://prometheus.moontv.svc.cluster.local:9090");
    assert.equal(await settle(m.grafanaUrl!), "http://grafana.moontv.svc.cluster.local:3000");
    assert.equal(m.nodeExporterNamespace, "moontv-node-exporter");
  });

  it("registered objects are valid and restricted (node-exporter excepted)", async () => {
    const { k8s } = await build("valid", true);
    for (const r of k8s) {
      const obj = { apiVersion: "", kind: r.type.split(":").at(-1)!, ...(unwrapSecrets(r.inputs) as object) } as Obj;
      obj.apiVersion = r.type.includes("apps/v1") ? "apps/v1" : "v1";
      validateK8s(obj);
      const pod = podSpecOf(obj);
      if (pod && obj.metadata.name !== "node-exporter")
        assert.deepEqual(restrictedViolations(pod), [], obj.metadata.name);
    }
  });

  it("generates the Grafana admin password with @pulumi/random and keeps it secret", async () => {
    const { m, mine } = await build("secret", true);
    const pw = mine.find((r) => r.type === "random:index/randomPassword:RandomPassword");
    assert.ok(pw, "no RandomPassword registered");
    assert.ok(await pulumi.isSecret(m.grafanaAdminPassword!));
    assert.equal(await settle(m.grafanaAdminPassword!), MOCK_PASSWORD);
    const secret = mine.find((r) => r.type === "kubernetes:core/v1:Secret")!;
    assert.equal(
      (unwrapSecrets(secret.inputs) as { stringData: Record<string, string> }).stringData["admin-password"],
      MOCK_PASSWORD,
    );
    for (const cm of mine.filter((r) => r.type === "kubernetes:core/v1:ConfigMap")) {
      assert.doesNotMatch(JSON.stringify(unwrapSecrets(cm.inputs)), new RegExp(MOCK_PASSWORD));
    }
  });

  it("without Grafana and node-exporter: no password, no Grafana objects, no extra namespace", async () => {
    const { m, k8s, mine } = await build("lean", false, false);
    assert.equal(m.grafanaUrl, undefined);
    assert.equal(m.grafanaAdminPassword, undefined);
    assert.ok(!mine.some((r) => r.type.startsWith("random:")));
    assert.ok(!k8s.some((r) => ["Namespace", "DaemonSet"].includes(r.type.split(":").at(-1)!)));
    assert.ok(!k8s.some((r) => (r.inputs.metadata as { name: string }).name.startsWith("grafana")));
  });
});
