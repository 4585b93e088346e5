import { strict as assert } from "assert";
import type { NetworkIsolationArgs } from "../../../components/network/args";
import { buildNetworkPolicies } from "../../../components/network/policies";
import { networkArgs, type StoreEndpoint } from "../../../components/platform/network";
import { selectorLabels } from "../../../components/shared";
import { KVROCKS_ENDPOINT as KVROCKS, REDIS_ENDPOINT as REDIS } from "../../support/platform-args";
import { settingsFor } from "../../support/settings";
import { STANDARD_LABEL_KEYS, validateK8s, type Obj } from "../../support/k8s";
import { allowed, type Endpoint, type Pod } from "./evaluate";

const NS = "moontv";
const pod = (name: string, namespace = NS): Pod => ({
  namespace,
  labels: { ...selectorLabels({ name, instance: "prod" }), "app.kubernetes.io/component": "x" },
});
const P = {
  app: pod("moontv"),
  redis: pod("redis"),
  prometheus: pod("prometheus"),
  redisExporter: pod("redis-exporter"),
  kvrocks: pod("kvrocks"),
  kvrocksExporter: pod("kvrocks-exporter"),
  blackbox: pod("blackbox-exporter"),
  grafana: pod("grafana"),
  nodeExporter: pod("node-exporter", "moontv-node-exporter"),
  dns: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
  ingressController: { namespace: "ingress-nginx", labels: { "app.kubernetes.io/name": "ingress-nginx" } },
  stranger: { namespace: "other", labels: { app: "curl" } },
  intruder: { namespace: NS, labels: { app: "debug-shell" } },
  internet: { ip: "93.184.216.34" },
  privateHost: { ip: "10.1.2.3" },
} satisfies Record<string, Endpoint>;

/** The args the platform makes for prod's settings (plus `values`), with the given store. */
const argsFor = (values: Record<string, unknown> = {}, store: StoreEndpoint = REDIS, nodeExporterNamespace?: string) =>
  networkArgs(
    settingsFor("prod", { namespace: NS, monitoring: { enabled: true, grafana: true }, ...values }),
    store,
    nodeExporterNamespace,
  );
const full: NetworkIsolationArgs = argsFor({}, REDIS, "moontv-node-exporter");
const policiesFor = (a: NetworkIsolationArgs) => buildNetworkPolicies(a) as Obj[];

/** [from, to, port, protocol, allowed?] */
type Flow = [keyof typeof P, keyof typeof P, number, string, boolean];

function wrongFlows(policies: Obj[], flows: Flow[]): string[] {
  return flows
    .filter(([f, t, port, proto, want]) => allowed(policies, P[f], P[t], port, proto) !== want)
    .map(([f, t, port, proto, want]) => `${f} -> ${t}:${port}/${proto} should be ${want ? "allowed" : "denied"}`);
}

function checkFlows(args: NetworkIsolationArgs, flows: Flow[]): void {
  assert.deepEqual(wrongFlows(policiesFor(args), flows), []);
}

describe("network policies (pure)", () => {
  it("the evaluator allows everything when there are no policies (sanity)", () => {
    assert.equal(allowed([], P.stranger, P.redis, 6379), true);
  });

  const FULL_FLOWS: Flow[] = [
    ["stranger", "app", 3000, "TCP", true],
    ["internet", "app", 3000, "TCP", true],
    ["stranger", "app", 22, "TCP", false],
    ["app", "redis", 6379, "TCP", true],
    ["app", "redis", 6380, "TCP", false],
    ["stranger", "redis", 6379, "TCP", false],
    ["prometheus", "redis", 6379, "TCP", false],
    ["grafana", "redis", 6379, "TCP", false],
    ["app", "internet", 443, "TCP", true],
    ["app", "internet", 80, "TCP", true],
    ["app", "internet", 25, "TCP", false],
    ["app", "privateHost", 443, "TCP", true],
    ["redis", "internet", 443, "TCP", false],
    ["prometheus", "internet", 443, "TCP", false],
    ["grafana", "internet", 443, "TCP", false],
    ["app", "dns", 53, "UDP", true],
    ["app", "dns", 53, "TCP", true],
    ["redis", "dns", 53, "UDP", true],
    ["prometheus", "dns", 53, "UDP", true],
    ["grafana", "dns", 53, "TCP", true],
    ["app", "dns", 54, "UDP", false],
    ["app", "stranger", 53, "UDP", false],
    ["prometheus", "redisExporter", 9121, "TCP", true],
    ["prometheus", "blackbox", 9115, "TCP", true],
    ["prometheus", "grafana", 3000, "TCP", true],
    ["prometheus", "nodeExporter", 9100, "TCP", true],
    ["redisExporter", "redis", 6379, "TCP", true],
    ["blackbox", "app", 3000, "TCP", true],
    ["grafana", "prometheus", 9090, "TCP", true],
    ["app", "prometheus", 9090, "TCP", false],
    ["stranger", "prometheus", 9090, "TCP", false],
    ["stranger", "redisExporter", 9121, "TCP", false],
    ["stranger", "nodeExporter", 9100, "TCP", false],
    ["app", "nodeExporter", 9100, "TCP", false],
    ["stranger", "grafana", 3000, "TCP", true],
    ["redisExporter", "internet", 443, "TCP", false],
    ["intruder", "internet", 443, "TCP", false],
    ["intruder", "redis", 6379, "TCP", false],
    ["stranger", "intruder", 8080, "TCP", false],
    ["intruder", "dns", 53, "UDP", true],
    ["nodeExporter", "internet", 443, "TCP", false],
  ];

  it("everything, monitoring included: only the listed flows pass", () => checkFlows(full, FULL_FLOWS));

  it("every policy matters: removing any one of them breaks a listed flow", () => {
    const policies = policiesFor(full);
    policies.forEach((p, i) => {
      const without = policies.filter((_, k) => k !== i);
      assert.ok(
        wrongFlows(without, FULL_FLOWS).length > 0,
        `${p.metadata.namespace}/${p.metadata.name} changes nothing`,
      );
    });
  });

  it("with an ingress namespace, only it (and the prober) reaches the app and Grafana", () =>
    checkFlows(argsFor({ network: { ingressNamespace: "ingress-nginx" } }, REDIS, "moontv-node-exporter"), [
      ["ingressController", "app", 3000, "TCP", true],
      ["stranger", "app", 3000, "TCP", false],
      ["internet", "app", 3000, "TCP", false],
      ["blackbox", "app", 3000, "TCP", true],
      ["ingressController", "grafana", 3000, "TCP", true],
      ["stranger", "grafana", 3000, "TCP", false],
    ]));

  it("without monitoring, no exporter reaches Redis and no monitoring policy exists", () => {
    const unmonitored = argsFor({ monitoring: { enabled: false, grafana: false } });
    checkFlows(unmonitored, [
      ["redisExporter", "redis", 6379, "TCP", false],
      ["app", "redis", 6379, "TCP", true],
      ["prometheus", "redisExporter", 9121, "TCP", false],
    ]);
    assert.deepEqual(
      policiesFor(unmonitored).map((p) => p.metadata.name),
      ["default-deny", "allow-dns", "moontv", "redis"],
    );
  });

  it("with Kvrocks as the store: the app and kvrocks-exporter reach Kvrocks on 6666, nothing else, and no Redis policy", () => {
    const kv = argsFor({}, KVROCKS, "moontv-node-exporter");
    checkFlows(kv, [
      ["app", "kvrocks", 6666, "TCP", true],
      ["app", "kvrocks", 6379, "TCP", false],
      ["kvrocksExporter", "kvrocks", 6666, "TCP", true],
      ["prometheus", "kvrocksExporter", 9121, "TCP", true],
      ["prometheus", "kvrocks", 6666, "TCP", false],
      ["stranger", "kvrocks", 6666, "TCP", false],
      ["intruder", "kvrocks", 6666, "TCP", false],
      ["grafana", "kvrocks", 6666, "TCP", false],
      ["kvrocks", "internet", 443, "TCP", false],
      ["stranger", "kvrocksExporter", 9121, "TCP", false],
      ["kvrocksExporter", "internet", 443, "TCP", false],
      ["app", "redis", 6379, "TCP", false],
      ["redisExporter", "redis", 6379, "TCP", false],
      ["prometheus", "redisExporter", 9121, "TCP", false],
    ]);
    const names = policiesFor(kv).map((p) => p.metadata.name);
    assert.ok(names.includes("kvrocks") && names.includes("kvrocks-exporter"), names.join(", "));
    assert.ok(!names.includes("redis") && !names.includes("redis-exporter"), names.join(", "));
    for (const p of policiesFor(kv)) validateK8s(p);
  });

  it("excluded CIDRs keep the app off private ranges while the internet stays open", () =>
    checkFlows(
      argsFor(
        { network: { egressExcept: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } },
        REDIS,
        "moontv-node-exporter",
      ),
      [
        ["app", "privateHost", 443, "TCP", false],
        ["app", "internet", 443, "TCP", true],
      ],
    ));

  it("custom names and ports are honoured", () =>
    checkFlows({ ...full, app: { ...full.app, port: 8080 }, store: { ...full.store, port: 6380 } }, [
      ["stranger", "app", 8080, "TCP", true],
      ["stranger", "app", 3000, "TCP", false],
      ["app", "redis", 6380, "TCP", true],
      ["app", "redis", 6379, "TCP", false],
    ]));

  it("every policy is a valid NetworkPolicy with stable names and the standard labels", () => {
    const policies = policiesFor(full);
    assert.deepEqual(
      policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
      [
        "moontv/default-deny",
        "moontv/allow-dns",
        "moontv/moontv",
        "moontv/redis",
        "moontv/prometheus",
        "moontv/redis-exporter",
        "moontv/blackbox-exporter",
        "moontv/grafana",
        "moontv-node-exporter/default-deny",
        "moontv-node-exporter/node-exporter",
      ],
    );
    for (const p of policies) {
      validateK8s(p);
      for (const k of STANDARD_LABEL_KEYS) assert.ok(p.metadata.labels[k], `${p.metadata.name} lacks ${k}`);
    }
    const deny = policies[0].spec;
    assert.deepEqual(deny, {
      podSelector: { matchLabels: {} },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
  });
});
