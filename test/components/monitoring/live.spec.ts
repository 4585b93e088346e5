import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { monitoringArgsFor } from "../../support/platform-args";
import { dashboardQueries } from "../../../components/monitoring/dashboard";
import { rewriteTargetsForLoopback } from "./support/loopback";
import {
  RULES_FILE,
  buildBlackboxConfig,
  buildPrometheusConfig,
} from "../../../components/monitoring/prometheus-config";
import { buildAlertGroups, buildAlertRules } from "../../../components/monitoring/rules";
import { freePort, requireBinary, waitFor } from "./binaries";

/** Panels whose queries cannot return a series here, with the reason. Empty: every panel is checked. */
const PANELS_WITHOUT_LIVE_DATA: Record<string, string> = {};

interface Started {
  name: string;
  proc: ChildProcess;
  log: string;
}

/**
 * Real redis-server (with a password), prometheus-redis-exporter, prometheus-blackbox-exporter (probing a
 * stand-in for the app's /login), prometheus-node-exporter and prometheus on 127.0.0.1, all fed the
 * rendered configuration with the in-cluster addresses rewritten to loopback ports chosen at run time.
 */
describe("monitoring (integration): rendered config against live Prometheus, Redis and exporters", function () {
  this.timeout(120_000);
  const started: Started[] = [];
  let dir: string;
  let promUrl: string;
  let app: http.Server;
  let dropped: string[];
  const password = `pw-${process.pid}-${Date.now()}`;
  // 1s scrapes (and so rule evaluations) keep the waits short.
  const r = { ...monitoringArgsFor({ monitoring: { scrapeInterval: "1s" } }), instance: "live" };

  function start(name: string, cmd: string, args: string[], env: Record<string, string> = {}): void {
    const log = path.join(dir, `${name}.log`);
    const out = fs.openSync(log, "w");
    const proc = spawn(cmd, args, { stdio: ["ignore", out, out], env: { ...process.env, ...env } });
    fs.closeSync(out);
    started.push({ name, proc, log });
  }

  async function query(
    expr: string,
  ): Promise<{ status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }> {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as never;
  }

  /** Waits until `expr` returns a series whose value satisfies `ok`. */
  async function valueOf(expr: string, ok: (v: number) => boolean, ms = 30_000): Promise<number> {
    return waitFor(`${expr} to satisfy the check`, ms, async () => {
      const v = (await query(expr)).data?.result?.[0]?.value?.[1];
      return v !== undefined && ok(Number(v)) ? Number(v) : undefined;
    });
  }

  before(async () => {
    const bins = {
      redis: requireBinary("redis-server", "redis-server"),
      redisExporter: requireBinary("prometheus-redis-exporter", "prometheus-redis-exporter"),
      blackbox: requireBinary("prometheus-blackbox-exporter", "prometheus-blackbox-exporter"),
      node: requireBinary("prometheus-node-exporter", "prometheus-node-exporter"),
      prometheus: requireBinary("prometheus", "prometheus"),
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-live-"));
    const [redisPort, exporterPort, blackboxPort, nodePort, appPort, promPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);

    // Stand-in for MoonTV: only the probed page matters to the blackbox-exporter.
    app = http.createServer((req, res) => {
      res.statusCode = req.url === r.app.probePath ? 200 : 404;
      res.end("ok");
    });
    await new Promise<void>((ok) => app.listen(appPort, "127.0.0.1", ok));

    start("redis", bins.redis, [
      "--bind",
      "127.0.0.1",
      "--port",
      String(redisPort),
      "--requirepass",
      password,
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    // The password comes through the environment, exactly as the Secret's secretKeyRef provides it.
    start(
      "redis-exporter",
      bins.redisExporter,
      [`--redis.addr=redis://127.0.0.1:${redisPort}`, `--web.listen-address=127.0.0.1:${exporterPort}`],
      { REDIS_PASSWORD: password },
    );
    fs.writeFileSync(path.join(dir, "blackbox.yml"), buildBlackboxConfig());
    start("blackbox-exporter", bins.blackbox, [
      `--config.file=${path.join(dir, "blackbox.yml")}`,
      `--web.listen-address=127.0.0.1:${blackboxPort}`,
    ]);
    start("node-exporter", bins.node, [`--web.listen-address=127.0.0.1:${nodePort}`]);

    const rewritten = rewriteTargetsForLoopback(buildPrometheusConfig(r), {
      "localhost:9090": `127.0.0.1:${promPort}`,
      "redis-exporter:9121": `127.0.0.1:${exporterPort}`,
      "blackbox-exporter:9115": `127.0.0.1:${blackboxPort}`,
      "moontv:3000": `127.0.0.1:${appPort}`,
      [`node-exporter.${r.nodeExporter.namespace}.svc.cluster.local:9100`]: `127.0.0.1:${nodePort}`,
    });
    dropped = rewritten.dropped;
    fs.writeFileSync(path.join(dir, "prometheus.yml"), rewritten.config);
    fs.writeFileSync(path.join(dir, RULES_FILE), buildAlertRules(r));
    start("prometheus", bins.prometheus, [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    promUrl = `http://127.0.0.1:${promPort}`;
    await waitFor("Prometheus to be ready", 30_000, async () =>
      (await fetch(`${promUrl}/-/ready`)).ok ? true : undefined,
    );
  });

  let failed = false;
  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });

  after(async function () {
    this.timeout(30_000);
    for (const s of started.reverse()) {
      if (s.proc.exitCode !== null || s.proc.pid === undefined) {
        failed = true; // it died on its own: show its log
        continue;
      }
      const exited = new Promise((ok) => s.proc.once("exit", ok));
      process.kill(s.proc.pid, "SIGTERM");
      await Promise.race([exited, new Promise((ok) => setTimeout(ok, 10_000))]);
      if (s.proc.exitCode === null && s.proc.signalCode === null) process.kill(s.proc.pid, "SIGKILL");
    }
    if (app) await new Promise((ok) => app.close(ok));
    if (failed || process.env.KEEP_LOGS) {
      for (const s of started) console.error(`--- ${s.name}\n${fs.readFileSync(s.log, "utf8").slice(-2000)}`);
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("only the Grafana job (no Grafana runs here) is dropped from the rewritten config", () => {
    assert.deepEqual(dropped.sort(), ["grafana"]);
  });

  it("the redis target is up and redis_up == 1 (the exporter authenticated with the password)", async () => {
    const target = await waitFor("the redis target to be up", 30_000, async () => {
      const body = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as {
        data: { activeTargets: { labels: Record<string, string>; health: string }[] };
      };
      return body.data.activeTargets.find((t) => t.labels.job === "redis" && t.health === "up");
    });
    assert.equal(target.labels.job, "redis");
    assert.equal(await valueOf(`redis_up{job="redis"}`, (v) => v === 1), 1);
  });

  it("Prometheus loaded every rendered rule group", async () => {
    const body = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: unknown[] }[] };
    };
    const expected = buildAlertGroups(r)
      .map((g) => `${g.name}:${g.rules.length}`)
      .sort();
    assert.deepEqual(body.data.groups.map((g) => `${g.name}:${g.rules.length}`).sort(), expected);
  });

  it("every target of the rewritten config is up (self, redis, app probe, node)", async () => {
    for (const job of ["prometheus", "redis", "moontv", "node"]) {
      assert.equal(await valueOf(`up{job="${job}"}`, (v) => v === 1), 1, job);
    }
  });

  it("every Grafana panel query parses and returns a series", async () => {
    const failures: string[] = [];
    for (const q of dashboardQueries(r)) {
      if (PANELS_WITHOUT_LIVE_DATA[q.panel]) continue;
      try {
        await waitFor(`a series for ${q.expr}`, 20_000, async () => {
          const res = await query(q.expr);
          if (res.status !== "success") throw new Error(JSON.stringify(res));
          return res.data.result.length > 0 ? true : undefined;
        });
      } catch (e) {
        failures.push(`${q.panel}: ${q.expr}: ${String(e)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it("the app probe turns to probe_success 0 when the app stops answering", async () => {
    assert.equal(await valueOf(`probe_success{job="moontv"}`, (v) => v === 1), 1);
    const closed = new Promise((ok) => app.close(ok));
    app.closeAllConnections();
    await closed;
    assert.equal(await valueOf(`probe_success{job="moontv"}`, (v) => v === 0), 0);
  });
});
