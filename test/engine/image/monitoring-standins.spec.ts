// The monitoring stand-ins (engine/image/monitoring-standins.ts): first their recipes, which must carry what
// each upstream image's Dockerfile sets (docs/image-stand-ins.md lists it); then the stand-ins built from
// Debian trixie's packages, pushed to a real registry where the local cluster puts them, pulled into a fresh
// buildah storage and run for real (engine/image/sandbox.ts) the way the program's StatefulSet, Deployments
// and DaemonSet run the real images: their args and env, uid/gid 65534, a read-only root, the rendered
// configuration mounted read-only; and once each as the image runs by default (its USER, ENTRYPOINT and CMD).
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import {
  appProbeUrl,
  buildAlertGroups,
  buildAlertRules,
  buildBlackboxExporter,
  buildNodeExporter,
  buildPrometheus,
  buildPrometheusConfig,
  buildRedisExporter,
  dashboardQueries,
  PORTS,
  RULES_FILE,
  type MonitoringArgs,
} from "../../../components/monitoring";
import { NOBODY } from "../../../components/monitoring/common";
import { monitoringArgs } from "../../../components/platform/monitoring";
import { mirroredImage } from "../../../components/shared/mirror";
import { standInMirrors, standInRef } from "../../../engine/cluster/builder";
import { Buildah, type ImageConfig } from "../../../engine/image/buildah";
import { startRegistry, type LocalRegistry } from "../../../engine/image/local-registry";
import {
  MONITORING_RECIPES,
  MONITORING_STAND_IN_NAMES,
  monitoringImageConfig,
  pushMonitoringStandIns,
  recipePackages,
  resolveInImage,
  danglingLinks,
  type MonitoringStandIn,
  type MonitoringStandInName,
  type UpstreamImageConfig,
} from "../../../engine/image/monitoring-standins";
import { cacheRoot } from "../../../engine/image/pipeline";
import { run } from "../../../engine/image/proc";
import { Sandbox } from "../../../engine/image/sandbox";
import { MONITORING_WORKLOADS } from "../../../stacks/settings/defaults";
import { ruleTestFile } from "../../components/monitoring/rule-cases";
import { asContainerRuns, numericImageUser, type Container } from "../../support/container";
import { monitoringArgsFor, REDIS_ENDPOINT } from "../../support/platform-args";
import { requireBinary, startServer, waitFor, type RunningServer } from "../../support/servers";
import { settingsFor } from "../../support/settings";

/**
 * What each upstream Dockerfile sets, as docs/image-stand-ins.md records it (read at the named tags):
 * prometheus/prometheus v2.53.2 `Dockerfile`, oliver006/redis_exporter v1.62.0 `docker/Dockerfile` (target
 * `scratch`), prometheus/blackbox_exporter v0.25.0 and prometheus/node_exporter v1.8.2 `Dockerfile`.
 */
const UPSTREAM: Record<MonitoringStandInName, UpstreamImageConfig> = {
  prometheus: {
    entrypoint: ["/bin/prometheus"],
    cmd: [
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.path=/prometheus",
      "--web.console.libraries=/usr/share/prometheus/console_libraries",
      "--web.console.templates=/usr/share/prometheus/consoles",
    ],
    user: "nobody",
    workdir: "/prometheus",
    ports: [9090],
    volumes: ["/prometheus"],
  },
  redisExporter: { entrypoint: ["/redis_exporter"], user: "59000:59000", ports: [9121] },
  blackboxExporter: {
    entrypoint: ["/bin/blackbox_exporter"],
    cmd: ["--config.file=/etc/blackbox_exporter/config.yml"],
    ports: [9115],
  },
  nodeExporter: { entrypoint: ["/bin/node_exporter"], user: "nobody", ports: [9100] },
};

/** The route each image's real health check (the program's probes) asks. */
const HEALTH: Record<MonitoringStandInName, string> = {
  prometheus: "/-/ready",
  redisExporter: "/health",
  blackboxExporter: "/-/healthy",
  nodeExporter: "/",
};

type Objects = { spec: { template: { spec: { containers: Container[] } } } };

/** The container the program runs each image in, for `r`. */
function programContainer(name: MonitoringStandInName, r: MonitoringArgs): Container {
  const workload = {
    prometheus: () => buildPrometheus(r).statefulSet,
    redisExporter: () => buildRedisExporter(r).deployment,
    blackboxExporter: () => buildBlackboxExporter(r).deployment,
    nodeExporter: () => buildNodeExporter(r).daemonSet,
  }[name]();
  return (workload as unknown as Objects).spec.template.spec.containers[0];
}

/** The metric names (of one exporter's prefix) the program's alert rules and dashboard query. */
function metricNames(r: MonitoringArgs, prefix: string): string[] {
  const exprs = [
    ...buildAlertGroups(r).flatMap((g) => g.rules.map((x) => x.expr)),
    ...dashboardQueries(r).map((q) => q.expr),
  ];
  return [...new Set(exprs.flatMap((e) => e.match(new RegExp(`\\b${prefix}_[A-Za-z_]+\\b`, "g")) ?? []))].sort();
}

describe("monitoring stand-ins: recipes after the upstream Dockerfiles", () => {
  const r = monitoringArgsFor();

  for (const name of MONITORING_STAND_IN_NAMES) {
    it(`${name}: entrypoint, command, user, working directory, port and volume of ${MONITORING_RECIPES[name].image}`, () => {
      assert.deepEqual(MONITORING_RECIPES[name].config, UPSTREAM[name]);
    });
  }

  it("stands in for exactly the images the program names (Grafana and kvrocks-exporter excepted)", () => {
    assert.deepEqual(
      MONITORING_STAND_IN_NAMES.map((n) => MONITORING_RECIPES[n].image),
      [
        MONITORING_WORKLOADS.prometheus.image,
        MONITORING_WORKLOADS.redisExporter.image,
        MONITORING_WORKLOADS.blackboxExporter.image,
        MONITORING_WORKLOADS.nodeExporter.image,
      ],
    );
  });

  it("turns a recipe into buildah config flags: upstream's settings, PATH, the STAND-IN label and the version inside", () => {
    assert.deepEqual(monitoringImageConfig(MONITORING_RECIPES.redisExporter, "1.69.0-1"), [
      "--entrypoint",
      '["/redis_exporter"]',
      "--user",
      "59000:59000",
      "--port",
      "9121/tcp",
      "--env",
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "--label",
      "org.opencontainers.image.description=STAND-IN made from Debian packages for tests, not the real base",
      "--label",
      "org.opencontainers.image.version=1.69.0-1",
    ]);
    const prometheus = monitoringImageConfig(MONITORING_RECIPES.prometheus, "2.53.3+ds1-2");
    for (const flag of [
      ["--cmd", JSON.stringify(UPSTREAM.prometheus.cmd)],
      ["--workingdir", "/prometheus"],
      ["--volume", "/prometheus"],
      ["--user", "nobody"],
    ])
      assert.ok(prometheus.join("\n").includes(flag.join("\n")), flag.join(" "));
    // An image without CMD or USER gets none (not an empty one).
    assert.ok(!monitoringImageConfig(MONITORING_RECIPES.nodeExporter, "1").includes("--cmd"));
    assert.ok(!monitoringImageConfig(MONITORING_RECIPES.blackboxExporter, "1").includes("--user"));
  });

  it("exposes the port each of the program's containers names", () => {
    for (const name of MONITORING_STAND_IN_NAMES) {
      const ports = (programContainer(name, r).ports as { containerPort: number }[]).map((p) => p.containerPort);
      assert.deepEqual(ports, MONITORING_RECIPES[name].config.ports, name);
    }
  });

  it("the program runs no shell in them: no command, no exec probe (so no stand-in needs one)", () => {
    for (const name of MONITORING_STAND_IN_NAMES) {
      const c = programContainer(name, r);
      assert.equal(c.command, undefined, name);
      for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe].filter(Boolean))
        assert.ok((probe as { httpGet?: unknown }).httpGet && !(probe as { exec?: unknown }).exec, name);
    }
  });

  it("makes the busybox-based images with busybox, the scratch-based redis exporter without a shell", () => {
    for (const name of MONITORING_STAND_IN_NAMES) {
      const pkgs = recipePackages(MONITORING_RECIPES[name]);
      assert.equal(new Set(pkgs).size, pkgs.length, `${name}: a package listed twice`);
      assert.ok(pkgs.includes("libc6") && pkgs.includes(MONITORING_RECIPES[name].versionPackage), name);
      assert.equal(pkgs.includes("busybox"), name !== "redisExporter", name);
    }
  });
});

describe("monitoring stand-ins: their place in the cluster registry", () => {
  const registry = "moontv-host.example:41234";

  it("the cluster's mirrors serve Docker Hub and Quay", () => {
    assert.deepEqual(standInMirrors(registry), {
      "docker.io": `${registry}/mirror/docker.io`,
      "quay.io": `${registry}/mirror/quay.io`,
    });
  });

  it("are where the prod stack pulls its monitoring images when given the cluster's registry mirrors", () => {
    const settings = settingsFor("prod", { registryMirrors: standInMirrors(registry) });
    const r = monitoringArgs(settings, REDIS_ENDPOINT, (ref) => mirroredImage(ref, settings.registryMirrors));
    const pulled = {
      prometheus: r.prometheus.image,
      redisExporter: r.store.exporter.image,
      blackboxExporter: r.blackboxExporter.image,
      nodeExporter: r.nodeExporter.image,
    };
    for (const name of MONITORING_STAND_IN_NAMES)
      assert.equal(pulled[name], standInRef(registry, MONITORING_RECIPES[name].image), name);
    assert.equal(pulled.prometheus, `${registry}/mirror/quay.io/prometheus/prometheus:v2.53.2`);
    assert.equal(pulled.redisExporter, `${registry}/mirror/docker.io/oliver006/redis_exporter:v1.62.0`);
  });
});

describe("monitoring stand-ins: paths inside an image root", () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-resolve-"));
    fs.mkdirSync(path.join(root, "usr/bin"), { recursive: true });
    fs.mkdirSync(path.join(root, "usr/share/x"), { recursive: true });
    fs.writeFileSync(path.join(root, "usr/bin/prog"), "");
    fs.symlinkSync("usr/bin", path.join(root, "bin"));
    fs.symlinkSync("prog", path.join(root, "usr/bin/alias"));
    fs.mkdirSync(path.join(root, "etc"));
    // Absolute targets are the image's, not this machine's (whose /usr/share exists).
    fs.symlinkSync("/usr/share/x/", path.join(root, "etc/x"));
    fs.symlinkSync("/usr/share/nowhere", path.join(root, "usr/share/x/gone"));
    fs.symlinkSync("../../../../../../usr/bin/prog", path.join(root, "usr/share/x/up"));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("follows relative and absolute links within the image, never out of it", () => {
    assert.equal(resolveInImage(root, "/bin/alias"), path.join(root, "usr/bin/prog"));
    assert.equal(resolveInImage(root, "/etc/x/up"), path.join(root, "usr/bin/prog"));
    assert.equal(resolveInImage(root, "/etc/x/gone"), path.join(root, "usr/share/nowhere"));
  });

  it("finds the links that lead nowhere", () => {
    assert.deepEqual(danglingLinks(root, "/usr/share"), ["/usr/share/x/gone"]);
    fs.symlinkSync("self", path.join(root, "self"));
    assert.throws(() => resolveInImage(root, "/self"), /too many levels of links/);
  });
});

/** Starts the sandbox and waits until `route` answers 200 on `port` inside it. */
async function startAnswering(
  sandboxes: Sandbox[],
  o: Parameters<typeof Sandbox.start>[0],
  route: string,
  port: number,
): Promise<Sandbox> {
  const s = Sandbox.start(o);
  sandboxes.push(s);
  await waitFor(
    `${route} on :${port}`,
    async () => s.exitCode === null && (await s.httpGet(route, port)).status === 200,
    30_000,
    () => s.output.slice(-3000),
  );
  return s;
}

/** The value of the first sample of `metric` in a /metrics text (whose labels include `labels`, if given). */
function sample(metrics: string, metric: string, labels = ""): number | undefined {
  const line = metrics
    .split("\n")
    .find((l) => (l.startsWith(`${metric}{`) && l.includes(labels)) || (!labels && l.startsWith(`${metric} `)));
  return line === undefined ? undefined : Number(line.trim().split(/\s+/).pop());
}

describe("monitoring stand-ins built, pushed, pulled and run as the program runs them", function () {
  this.timeout(15 * 60 * 1000);
  const r = { ...monitoringArgsFor(), instance: "spec" };
  const password = randomBytes(24).toString("hex");
  let registry: LocalRegistry;
  let maker: Buildah;
  let puller: Buildah;
  let scratch: string;
  let hosts: string;
  let pushed: Record<MonitoringStandInName, MonitoringStandIn>;
  const images = {} as Record<MonitoringStandInName, { config: ImageConfig; root: string }>;
  const sandboxes: Sandbox[] = [];
  const servers: RunningServer[] = [];

  before(async () => {
    for (const [bin, pkg] of [
      ["chroot", "coreutils"],
      ["redis-server", "redis-server"],
    ])
      requireBinary(bin, pkg);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-monitoring-standins-"));
    const cache = cacheRoot();
    fs.mkdirSync(cache, { recursive: true });
    registry = await startRegistry();
    maker = new Buildah(fs.mkdtempSync(path.join(cache, "monitoring-standins-")));
    puller = new Buildah(fs.mkdtempSync(path.join(cache, "monitoring-pull-")));
    pushed = await pushMonitoringStandIns(maker, cache, (image) => standInRef(registry.host, image));
    for (const name of MONITORING_STAND_IN_NAMES) {
      // A storage that never saw the images: what a node gets is what the registry holds.
      await puller.exec(["pull", "--tls-verify=false", pushed[name].ref]);
      const { root } = await puller.mountImage(pushed[name].ref);
      images[name] = { config: await puller.imageConfig(pushed[name].ref), root };
    }
    // What Kubernetes mounts as /etc/hosts, with the Services the program's configuration names on this
    // sandbox's loopback (Service DNS stands in so).
    hosts = path.join(scratch, "hosts");
    fs.writeFileSync(hosts, `127.0.0.1\tlocalhost ${r.store.host} ${r.app.serviceName}\n`, { mode: 0o644 });
  });

  after(async () => {
    const errors: string[] = [];
    for (const s of servers) await s.stop().catch((e: Error) => errors.push(e.message));
    for (const s of sandboxes) await s.stop().catch((e: Error) => errors.push(e.message));
    if (puller) await puller.destroy();
    if (maker) await maker.destroy();
    if (registry) await registry.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    assert.deepEqual(errors, [], "every sandbox and server must stop");
  });

  /** A directory of the scratch dir holding `files` (mode 0644, as a ConfigMap's). */
  function configDir(name: string, files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(scratch, `${name}-`));
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text, { mode: 0o644 });
    fs.chmodSync(dir, 0o755);
    return dir;
  }

  /** A writable volume owned by `uid` (a claim with fsGroup, or the copy Docker makes of a VOLUME). */
  function volume(uid: number): string {
    const dir = fs.mkdtempSync(path.join(scratch, "volume-"));
    fs.chownSync(dir, uid, uid);
    return dir;
  }

  /** `argv` run chrooted in the pulled image (its own binaries and libraries). */
  function inImage(name: MonitoringStandInName, argv: string[]) {
    return run("chroot", [images[name].root, ...argv]).then(
      (res) => ({ code: 0, out: res.stdout + res.stderr }),
      (err: Error) => ({ code: 1, out: err.message }),
    );
  }

  /** Starts the image `name` as the program's workload runs it (its container's args and env, uid/gid 65534,
   * `/etc/hosts` naming the Services) and waits until it answers its health route on its port. */
  function startAsProgram(
    name: MonitoringStandInName,
    o: Pick<Parameters<typeof Sandbox.start>[0], "volumes" | "files" | "env">,
    sub = `${name}-pod`,
  ): Promise<Sandbox> {
    return startAnswering(
      sandboxes,
      {
        rootfs: images[name].root,
        config: asContainerRuns(images[name].config, programContainer(name, r), NOBODY, NOBODY),
        volumes: o.volumes,
        files: [...(o.files ?? []), { hostFile: hosts, target: "/etc/hosts" }],
        env: o.env,
        scratchDir: path.join(scratch, sub),
      },
      HEALTH[name],
      MONITORING_RECIPES[name].config.ports[0],
    );
  }

  it("carries trixie's packages: each of the tag's major version and not older than the tag", () => {
    for (const name of MONITORING_STAND_IN_NAMES) {
      const osRelease = fs.readFileSync(path.join(images[name].root, "usr/lib/os-release"), "utf8");
      assert.match(osRelease, /^VERSION_CODENAME=trixie$/m, name);
      const tag = MONITORING_RECIPES[name].image.split(":v")[1].split(".").map(Number);
      const inside = pushed[name].version
        .split(/[^\d.]/)[0]
        .split(".")
        .map(Number);
      assert.equal(inside[0], tag[0], `${name}: ${pushed[name].version} for ${MONITORING_RECIPES[name].image}`);
      assert.ok(
        inside[1] > tag[1] || (inside[1] === tag[1] && inside[2] >= tag[2]),
        `${name}: ${pushed[name].version}`,
      );
    }
  });

  it("each pulled image has its upstream image's configuration, the STAND-IN label and the version inside", () => {
    for (const name of MONITORING_STAND_IN_NAMES) {
      const { config } = images[name];
      const up = UPSTREAM[name];
      assert.deepEqual(config.Entrypoint, up.entrypoint, name);
      assert.deepEqual(config.Cmd ?? null, up.cmd ?? null, name);
      assert.equal(config.User ?? "", up.user ?? "", name);
      assert.equal(config.WorkingDir ?? "", up.workdir ?? "", name);
      assert.deepEqual(
        Object.keys(config.ExposedPorts ?? {}),
        up.ports.map((p) => `${p}/tcp`),
        name,
      );
      assert.deepEqual(Object.keys(config.Volumes ?? {}), up.volumes ?? [], name);
      assert.match(config.Labels?.["org.opencontainers.image.description"] ?? "", /STAND-IN/, name);
      assert.equal(config.Labels?.["org.opencontainers.image.version"], pushed[name].debianVersion, name);
    }
  });

  it("has upstream's files, owners and accounts; busybox's shell except in the scratch-based redis exporter", () => {
    for (const name of MONITORING_STAND_IN_NAMES) {
      const { root } = images[name];
      for (const p of [...MONITORING_RECIPES[name].paths, "/etc/ssl/certs/ca-certificates.crt", "/etc/nsswitch.conf"])
        assert.ok(fs.existsSync(resolveInImage(root, p)), `${name}: ${p}`);
      const shell = fs.existsSync(resolveInImage(root, "/bin/sh"));
      assert.equal(shell, name !== "redisExporter", `${name}: /bin/sh`);
      if (shell) {
        assert.match(fs.readFileSync(path.join(root, "etc/passwd"), "utf8"), /^nobody:x:65534:65534:/m, name);
        assert.ok(fs.existsSync(resolveInImage(root, "/bin/wget")), `${name}: busybox's applets`);
      } else assert.ok(!fs.existsSync(path.join(root, "etc/passwd")), "scratch has no accounts");
    }
    const prom = images.prometheus.root;
    for (const p of ["prometheus", "etc/prometheus", "etc/prometheus/prometheus.yml"]) {
      const st = fs.lstatSync(path.join(prom, p));
      assert.deepEqual([st.uid, st.gid], [NOBODY, NOBODY], p);
    }
    assert.equal(fs.readlinkSync(path.join(prom, "etc/prometheus/consoles")), "/usr/share/prometheus/consoles/");
    assert.deepEqual(danglingLinks(prom, "/usr/share/prometheus"), []);
    const bundle = fs.readFileSync(path.join(prom, "etc/ssl/certs/ca-certificates.crt"), "utf8");
    assert.ok((bundle.match(/BEGIN CERTIFICATE/g) ?? []).length > 100, "Mozilla's CA bundle");
  });

  it("runs each binary from its image: --version says Debian's version", async () => {
    const argv: Record<MonitoringStandInName, string[]> = {
      prometheus: ["/bin/prometheus", "--version"],
      redisExporter: ["/redis_exporter", "-version"],
      blackboxExporter: ["/bin/blackbox_exporter", "--version"],
      nodeExporter: ["/bin/node_exporter", "--version"],
    };
    for (const name of MONITORING_STAND_IN_NAMES) {
      const res = await inImage(name, argv[name]);
      assert.equal(res.code, 0, res.out);
      assert.ok(res.out.includes(pushed[name].version.split("+")[0]), `${name}: ${res.out}`);
    }
    const promtool = await inImage("prometheus", ["/bin/promtool", "--version"]);
    assert.match(promtool.out, new RegExp(`promtool, version ${pushed.prometheus.version.replace(/\+/g, "\\+")}`));
  });

  describe("the image's promtool and blackbox_exporter on the program's files", () => {
    /** prometheus.yml and the rules beside it, as the ConfigMap mounts them, under the image's /tmp. */
    function writeInImage(sub: string, files: Record<string, string>): string {
      const dir = path.join(images.prometheus.root, "tmp", sub);
      fs.mkdirSync(dir, { recursive: true });
      for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
      return `/tmp/${sub}`;
    }

    const variants: [string, MonitoringArgs][] = [
      ["prod's settings", r],
      ["with an Alertmanager", { ...r, alertmanagers: ["alertmanager:9093"] }],
      ["Kvrocks as the store", { ...monitoringArgsFor({ app: { storage: "kvrocks" } }), instance: "spec" }],
    ];
    for (const [label, args] of variants) {
      it(`promtool check config accepts the program's prometheus.yml (${label}) and finds the rules`, async () => {
        const dir = writeInImage(label.replace(/\W+/g, "-"), {
          "prometheus.yml": buildPrometheusConfig(args),
          [RULES_FILE]: buildAlertRules(args),
        });
        const res = await inImage("prometheus", ["/bin/promtool", "check", "config", `${dir}/prometheus.yml`]);
        assert.equal(res.code, 0, res.out);
        assert.match(res.out, /SUCCESS: 1 rule files found/);
        const rules = await inImage("prometheus", ["/bin/promtool", "check", "rules", `${dir}/${RULES_FILE}`]);
        assert.equal(rules.code, 0, rules.out);
        assert.match(
          rules.out,
          new RegExp(`SUCCESS: ${buildAlertGroups(args).flatMap((g) => g.rules).length} rules found`),
        );
      });
    }

    it("promtool test rules passes the program's rule cases; check config rejects a broken file", async () => {
      // The settings the rule cases are written for (test/components/monitoring/promtool.spec.ts).
      const cases = { ...monitoringArgsFor({ monitoring: { grafana: false } }), instance: "test" };
      const dir = writeInImage("unit", {
        [RULES_FILE]: buildAlertRules(cases),
        "rules.test.yml": stringify(ruleTestFile(RULES_FILE)),
        "broken.yml": buildPrometheusConfig(r).replace(/scrape_interval: \S+/, "scrape_interval: soon"),
      });
      const res = await inImage("prometheus", ["/bin/promtool", "test", "rules", `${dir}/rules.test.yml`]);
      assert.equal(res.code, 0, res.out);
      assert.notEqual((await inImage("prometheus", ["/bin/promtool", "check", "config", `${dir}/broken.yml`])).code, 0);
    });

    it("promtool check config accepts the image's own /etc/prometheus/prometheus.yml (upstream's example)", async () => {
      const res = await inImage("prometheus", ["/bin/promtool", "check", "config", "/etc/prometheus/prometheus.yml"]);
      assert.equal(res.code, 0, res.out);
    });

    it("blackbox_exporter --config.check accepts the program's blackbox.yml and the image's own config", async () => {
      const { configMap } = buildBlackboxExporter(r);
      const dir = path.join(images.blackboxExporter.root, "tmp/blackbox");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "blackbox.yml"), (configMap.data as Record<string, string>)["blackbox.yml"]);
      for (const file of ["/tmp/blackbox/blackbox.yml", "/etc/blackbox_exporter/config.yml"]) {
        const res = await inImage("blackboxExporter", [
          "/bin/blackbox_exporter",
          `--config.file=${file}`,
          "--config.check",
        ]);
        assert.equal(res.code, 0, `${file}: ${res.out}`);
      }
    });
  });

  describe("as the program's workloads run them: their args and env, uid 65534, read-only root", () => {
    it("prometheus: every flag accepted, the rules loaded, the TSDB written to /prometheus by 65534, the web UI served", async () => {
      const data = volume(NOBODY);
      const config = configDir("prometheus-config", {
        "prometheus.yml": buildPrometheusConfig(r),
        [RULES_FILE]: buildAlertRules(r),
      });
      const s = await startAsProgram("prometheus", {
        volumes: [{ hostDir: data, target: "/prometheus" }],
        files: [{ hostFile: config, target: "/etc/prometheus" }],
      });
      assert.equal((await s.httpGet("/-/healthy", PORTS.prometheus)).status, 200);
      const flags = JSON.parse((await s.httpGet("/api/v1/status/flags", PORTS.prometheus)).body).data;
      assert.equal(flags["storage.tsdb.retention.time"], r.prometheus.retentionTime);
      // Prometheus reads the size's units as powers of 1024 (8GB is 8 GiB), and prints them so.
      assert.equal(flags["storage.tsdb.retention.size"], r.prometheus.retentionSize.replace(/([KMGTP])B$/, "$1iB"));
      assert.equal(flags["storage.tsdb.path"], "/prometheus");
      assert.equal(flags["web.listen-address"], `:${PORTS.prometheus}`);
      const rules = JSON.parse((await s.httpGet("/api/v1/rules", PORTS.prometheus)).body).data.groups as {
        name: string;
        rules: unknown[];
      }[];
      // The API lists the groups by name.
      assert.deepEqual(
        rules.map((g) => `${g.name}: ${g.rules.length}`).sort(),
        buildAlertGroups(r)
          .map((g) => `${g.name}: ${g.rules.length}`)
          .sort(),
      );
      const wal = path.join(data, "wal");
      assert.ok(fs.existsSync(wal), "the TSDB's WAL in /prometheus");
      assert.equal(fs.statSync(wal).uid, NOBODY);
      // Debian's /graph explains that it has no React UI and links its classic UI, whose scripts come from
      // the libjs-* packages.
      assert.match((await s.httpGet("/graph", PORTS.prometheus)).body, /href="classic\/graph"/);
      const graph = await s.httpGet("/classic/graph", PORTS.prometheus);
      assert.equal(graph.status, 200);
      const scripts = [...graph.body.matchAll(/<script src="([^"]+\.js)[^"]*"/g)].map((m) => m[1]);
      assert.ok(scripts.length > 5, `the classic UI's scripts:\n${graph.body.slice(0, 2000)}`);
      for (const src of scripts) assert.equal((await s.httpGet(src, PORTS.prometheus)).status, 200, src);
    });

    it("redis-exporter: REDIS_ADDR and REDIS_PASSWORD from the Deployment's env; redis_up 1, every metric the rules and dashboard read", async () => {
      const container = programContainer("redisExporter", r);
      const env = Object.fromEntries(
        (container.env as { name: string; value?: string }[]).map((e) => [
          e.name,
          e.name === "REDIS_PASSWORD" ? password : e.value!,
        ]),
      );
      assert.deepEqual(Object.keys(env).sort(), ["REDIS_ADDR", "REDIS_PASSWORD"]);
      const start = (extra: Record<string, string>, sub?: string) =>
        startAsProgram("redisExporter", { volumes: [], env: { ...env, ...extra } }, sub);
      const s = await start({});
      // The Redis the exporter reads: this machine's redis-server in the pod's network, password from a file.
      const conf = path.join(scratch, "redis.conf");
      fs.writeFileSync(conf, `port ${r.store.port}\nbind 127.0.0.1\nsave ""\nrequirepass ${password}\n`, {
        mode: 0o600,
      });
      const [redisCmd, ...redisArgs] = s.inNetwork(["redis-server", conf]);
      const redis = startServer(redisCmd, redisArgs, r.store.port);
      servers.push(redis);
      const metrics = async (t: Sandbox) => (await t.httpGet("/metrics", PORTS.redisExporter)).body;
      await waitFor("redis_up 1", async () => sample(await metrics(s), "redis_up") === 1, 15_000, redis.log);
      // A key, so that the keyspace metrics exist (the password through the environment, not the command line).
      const [cliCmd, ...cliArgs] = s.inNetwork(["redis-cli", "-p", String(r.store.port), "set", "standin", "1"]);
      await run(cliCmd, cliArgs, { env: { ...process.env, REDISCLI_AUTH: password } });
      const text = await metrics(s);
      const missing = metricNames(r, "redis").filter((m) => sample(text, m) === undefined);
      assert.deepEqual(missing, [], "metrics the program's rules and dashboard query");
      // The check bites: a wrong password is redis_up 0.
      const wrong = await start({ REDIS_PASSWORD: "not-the-password" }, "redis-exporter-wrong");
      await waitFor("redis_up 0", async () => sample(await metrics(wrong), "redis_up") === 0, 15_000);
    });

    it("blackbox-exporter: the program's args and blackbox.yml; its probe of the app succeeds, one of a closed port fails", async () => {
      const { configMap } = buildBlackboxExporter(r);
      const config = configDir("blackbox-config", configMap.data as Record<string, string>);
      const s = await startAsProgram("blackboxExporter", {
        volumes: [],
        files: [{ hostFile: config, target: "/etc/blackbox" }],
      });
      // The app's Service answers its liveness route with 200 (this machine's node in the pod's network).
      const app = `require("http").createServer((q, s) => { s.statusCode = q.url === ${JSON.stringify(r.app.probePath)} ? 200 : 404; s.end("ok"); }).listen(${r.app.port}, "127.0.0.1")`;
      const [cmd, ...args] = s.inNetwork([process.execPath, "-e", app]);
      servers.push(startServer(cmd, args, r.app.port));
      const probe = (target: string) =>
        s.httpGet(`/probe?module=http_2xx&target=${encodeURIComponent(target)}`, PORTS.blackboxExporter);
      await waitFor(
        "probe_success 1",
        async () => sample((await probe(appProbeUrl(r))).body, "probe_success") === 1,
        15_000,
      );
      const closed = await probe(`http://${r.app.serviceName}:1${r.app.probePath}`);
      assert.equal(sample(closed.body, "probe_success"), 0, closed.body);
      const probed = (await probe(appProbeUrl(r))).body;
      assert.deepEqual(
        metricNames(r, "probe").filter((m) => sample(probed, m) === undefined),
        [],
        "metrics the program's rules and dashboard query",
      );
    });

    it("node-exporter: the DaemonSet's args and read-only host mounts; the host's filesystems, CPU and memory", async () => {
      // The DaemonSet's hostPath volumes, read-only.
      const s = await startAsProgram("nodeExporter", {
        volumes: [],
        files: [
          { hostFile: "/proc", target: "/host/proc" },
          { hostFile: "/sys", target: "/host/sys" },
          { hostFile: "/", target: "/host/root" },
        ],
      });
      const text = (await s.httpGet("/metrics", PORTS.nodeExporter)).body;
      const missing = metricNames(r, "node").filter((m) => sample(text, m) === undefined);
      assert.deepEqual(missing, [], "metrics the program's rules and dashboard query");
      // --path.rootfs strips /host/root: the host's root file system is mountpoint "/".
      assert.ok(sample(text, "node_filesystem_avail_bytes", 'mountpoint="/"') !== undefined, "the host's /");
      assert.ok(sample(text, "node_scrape_collector_success", 'collector="filesystem"') === 1);
      // Debian enables the systemd collector by default (upstream does not): no D-Bus here, so it fails.
      assert.equal(sample(text, "node_scrape_collector_success", 'collector="systemd"'), 0);
    });
  });

  for (const name of MONITORING_STAND_IN_NAMES) {
    it(`${name}: runs as its image runs by default (USER, ENTRYPOINT and CMD) and answers ${HEALTH[name]}`, async () => {
      const { config, root } = images[name];
      const user = numericImageUser(root, config.User);
      const [uid] = user.split(":").map(Number);
      // Docker gives a VOLUME an anonymous volume with the image's content and owner.
      const volumes = Object.keys(config.Volumes ?? {}).map((target) => ({ hostDir: volume(uid), target }));
      const port = MONITORING_RECIPES[name].config.ports[0];
      const s = await startAnswering(
        sandboxes,
        { rootfs: root, config: { ...config, User: user }, volumes, scratchDir: path.join(scratch, `${name}-default`) },
        HEALTH[name],
        port,
      );
      // Upstream's CMD serves the console templates and libraries from /usr/share/prometheus.
      if (name === "prometheus") {
        const console = await s.httpGet("/consoles/prometheus.html", port);
        assert.equal(console.status, 200, console.body.slice(0, 500));
        assert.match(console.body, /Prometheus Overview|prometheus/i);
      }
    });
  }
});
