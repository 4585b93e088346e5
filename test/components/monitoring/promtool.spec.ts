import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import {
  RULES_FILE,
  buildBlackboxConfig,
  buildPrometheusConfig,
} from "../../../components/monitoring/prometheus-config";
import { buildAlertGroups, buildAlertRules } from "../../../components/monitoring/rules";
import { monitoringArgsFor } from "../../support/platform-args";
import { requireBinary } from "./binaries";
import { KVROCKS_RULE_CASES, RULE_CASES, ruleTestFile } from "./rule-cases";

/** Runs a command; returns its exit status and combined output. */
function run(cmd: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("monitoring: the rendered files pass the real Prometheus tools", function () {
  this.timeout(60_000);
  let promtool: string;
  let dir: string;
  const defaults = { ...monitoringArgsFor({ monitoring: { grafana: false } }), instance: "test" };
  const everything = monitoringArgsFor({ monitoring: { alertmanagers: ["alertmanager:9093"] } });

  before(() => {
    promtool = requireBinary("promtool", "prometheus");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-promtool-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Writes prometheus.yml with the rules file beside it, as the ConfigMap mounts them. */
  function writeConfig(sub: string, r = defaults): string {
    const d = path.join(dir, sub);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "prometheus.yml"), buildPrometheusConfig(r));
    fs.writeFileSync(path.join(d, RULES_FILE), buildAlertRules(r));
    return d;
  }

  for (const [label, r] of [
    ["default settings", defaults],
    ["grafana, node-exporter and alertmanager", everything],
  ] as const) {
    it(`promtool check config accepts prometheus.yml (${label}) and finds the rules file`, () => {
      const d = writeConfig(label.replace(/\W+/g, "-"), r);
      const res = run(promtool, ["check", "config", path.join(d, "prometheus.yml")]);
      assert.equal(res.status, 0, res.out);
      assert.match(res.out, /SUCCESS: 1 rule files found/);
    });
  }

  it("promtool check config rejects a broken config (the check is real)", () => {
    const d = writeConfig("broken");
    fs.writeFileSync(
      path.join(d, "prometheus.yml"),
      buildPrometheusConfig(defaults).replace("scrape_interval: 30s", "scrape_interval: soon"),
    );
    assert.notEqual(run(promtool, ["check", "config", path.join(d, "prometheus.yml")]).status, 0);
  });

  it("promtool check rules accepts every rule", () => {
    const d = writeConfig("rules");
    const res = run(promtool, ["check", "rules", path.join(d, RULES_FILE)]);
    assert.equal(res.status, 0, res.out);
    const count = buildAlertGroups(defaults).flatMap((g) => g.rules).length;
    assert.match(res.out, new RegExp(`SUCCESS: ${count} rules found`));
  });

  it("every alert has promtool cases that fire and cases that stay silent", () => {
    const alerts = new Set(buildAlertGroups(defaults).flatMap((g) => g.rules.map((x) => x.alert)));
    for (const a of alerts) {
      assert.ok(
        RULE_CASES.some((c) => c.alert === a && c.expected.length > 0),
        `${a}: no firing case`,
      );
      assert.ok(
        RULE_CASES.some((c) => c.alert === a && c.expected.length === 0),
        `${a}: no silent case`,
      );
    }
    for (const c of RULE_CASES) assert.ok(alerts.has(c.alert), `case "${c.name}" names an unknown alert`);
  });

  it("promtool test rules: every alert fires and stays silent as specified", () => {
    const d = writeConfig("unit");
    const testFile = path.join(d, "rules.test.yml");
    fs.writeFileSync(testFile, stringify(ruleTestFile(RULES_FILE)));
    const res = run(promtool, ["test", "rules", testFile]);
    assert.equal(res.status, 0, res.out);
    assert.match(res.out, /SUCCESS/);
  });

  it("promtool test rules fails when a rule is weakened (the unit tests bite)", () => {
    const d = writeConfig("weakened");
    fs.writeFileSync(
      path.join(d, RULES_FILE),
      buildAlertRules(defaults).replace('redis_up{job="redis"} == 0', 'redis_up{job="redis"} == 2'),
    );
    const testFile = path.join(d, "rules.test.yml");
    fs.writeFileSync(testFile, stringify(ruleTestFile(RULES_FILE)));
    const res = run(promtool, ["test", "rules", testFile]);
    assert.notEqual(res.status, 0);
    assert.match(res.out, /RedisDown/);
  });

  describe("with Kvrocks as the store", () => {
    const kvrocks = {
      ...monitoringArgsFor({ app: { storage: "kvrocks" }, monitoring: { grafana: false } }),
      instance: "test",
    };

    it("promtool checks prometheus.yml and the rules; a kvrocks job replaces the redis one", () => {
      const d = writeConfig("kvrocks", kvrocks);
      const res = run(promtool, ["check", "config", path.join(d, "prometheus.yml")]);
      assert.equal(res.status, 0, res.out);
      const config = fs.readFileSync(path.join(d, "prometheus.yml"), "utf8");
      assert.match(config, /job_name: kvrocks/);
      assert.doesNotMatch(config, /redis/);
    });

    it("every Kvrocks alert has cases that fire and stay silent, and promtool test rules passes them", () => {
      const groups = buildAlertGroups(kvrocks);
      assert.deepEqual(
        groups.map((g) => g.name),
        ["moontv", "kvrocks", "scrape", "node"],
      );
      for (const a of ["KvrocksDown", "KvrocksDiskAlmostFull"]) {
        assert.ok(
          KVROCKS_RULE_CASES.some((c) => c.alert === a && c.expected.length > 0),
          `${a}: no firing case`,
        );
        assert.ok(
          KVROCKS_RULE_CASES.some((c) => c.alert === a && c.expected.length === 0),
          `${a}: no silent case`,
        );
      }
      const d = writeConfig("kvrocks-unit", kvrocks);
      const testFile = path.join(d, "rules.test.yml");
      fs.writeFileSync(testFile, stringify(ruleTestFile(RULES_FILE, KVROCKS_RULE_CASES)));
      const res = run(promtool, ["test", "rules", testFile]);
      assert.equal(res.status, 0, res.out);
    });

    it("promtool test rules fails when the disk alert is weakened (the cases bite)", () => {
      const d = writeConfig("kvrocks-weakened", kvrocks);
      fs.writeFileSync(path.join(d, RULES_FILE), buildAlertRules(kvrocks).replace("> 0.9 and", "> 0.99 and"));
      const testFile = path.join(d, "rules.test.yml");
      fs.writeFileSync(testFile, stringify(ruleTestFile(RULES_FILE, KVROCKS_RULE_CASES)));
      const res = run(promtool, ["test", "rules", testFile]);
      assert.notEqual(res.status, 0);
      assert.match(res.out, /KvrocksDiskAlmostFull/);
    });
  });

  it("the blackbox-exporter accepts its rendered config", () => {
    const bin = requireBinary("prometheus-blackbox-exporter", "prometheus-blackbox-exporter");
    const file = path.join(dir, "blackbox.yml");
    fs.writeFileSync(file, buildBlackboxConfig());
    const res = run(bin, [`--config.file=${file}`, "--config.check"]);
    assert.equal(res.status, 0, res.out);
  });
});
