import { strict as assert } from "assert";
import { parse } from "yaml";
import { monitoringArgsFor } from "../../../support/platform-args";
import { rewriteTargetsForLoopback } from "./loopback";
import { buildPrometheusConfig } from "../../../../components/monitoring/prometheus-config";

describe("rewriteTargetsForLoopback (pure)", () => {
  const r = { ...monitoringArgsFor({ monitoring: { alertmanagers: ["am:9093"] } }), instance: "t" };
  const text = buildPrometheusConfig(r);
  const all = {
    "localhost:9090": "127.0.0.1:1",
    "redis-exporter:9121": "127.0.0.1:2",
    "blackbox-exporter:9115": "127.0.0.1:3",
    "moontv:3000": "127.0.0.1:4",
    "node-exporter.moontv-node-exporter.svc.cluster.local:9100": "127.0.0.1:5",
    "grafana:3000": "127.0.0.1:6",
  };
  const jobs = (t: string) =>
    Object.fromEntries(parse(t).scrape_configs.map((j: { job_name: string }) => [j.job_name, j]));

  it("maps static targets, probe URLs and the blackbox __address__ to loopback", () => {
    const j = jobs(rewriteTargetsForLoopback(text, all).config);
    assert.deepEqual(j.redis.static_configs[0].targets, ["127.0.0.1:2"]);
    assert.deepEqual(j.moontv.static_configs[0].targets, ["http://127.0.0.1:4/login"]);
    assert.equal(j.moontv.relabel_configs.at(-1).replacement, "127.0.0.1:3");
    assert.deepEqual(j.grafana.static_configs[0].targets, ["127.0.0.1:6"]);
  });
  it("turns dns_sd_configs into static_configs", () => {
    const j = jobs(rewriteTargetsForLoopback(text, all).config);
    assert.equal(j.node.dns_sd_configs, undefined);
    assert.deepEqual(j.node.static_configs, [{ targets: ["127.0.0.1:5"] }]);
  });
  it("drops jobs with an unmapped address and the alerting section, and says so", () => {
    const { "grafana:3000": _g, "blackbox-exporter:9115": _b, ...some } = all;
    const out = rewriteTargetsForLoopback(text, some);
    assert.deepEqual(out.dropped, ["moontv", "grafana", "alerting"]);
    assert.deepEqual(Object.keys(jobs(out.config)), ["prometheus", "redis", "node"]);
    assert.equal(parse(out.config).alerting, undefined);
    assert.deepEqual(parse(out.config).rule_files, ["alerts.yml"]);
  });
  it("leaves the input config untouched", () => {
    rewriteTargetsForLoopback(text, all);
    assert.equal(text, buildPrometheusConfig(r));
  });
});
