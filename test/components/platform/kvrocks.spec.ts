// LunaTV on Kvrocks (app.storage: kvrocks), through the offline preview of two stacks of its own and
// the real policy pack: Kvrocks cannot run here, so this is as close to a deployment as it gets.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { analyzeWithPack } from "../../../tools/policy";
import { PROJECT_DIR } from "../../../tools/synth/input";
import { synthesize, type SynthResult } from "../../../tools/synth/run";
import { writeSynthFiles } from "../../../tools/synth/write";
import type { RecordedResource } from "../../../tools/policy/types";
import { validateKubernetesObject } from "../../support/kubernetes-models";

type Props = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const IMAGE = `ghcr.io/acme/lunatv@sha256:${"d".repeat(64)}`;
const named = (rs: RecordedResource[], type: string, name: string) =>
  rs.find((r) => r.type === `kubernetes:${type}` && (r.props.metadata as { name?: string } | undefined)?.name === name);
const names = (rs: RecordedResource[], type: string) =>
  rs.filter((r) => r.type === `kubernetes:${type}`).map((r) => (r.props.metadata as { name: string }).name);
const allFiles = (d: string): string[] =>
  fs
    .readdirSync(d, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? allFiles(path.join(d, e.name)) : [path.join(d, e.name)]));
const policyConfig = (env: string) =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy", "config", `${env}.json`), "utf8"));

describe("platform: LunaTV on Kvrocks (offline preview)", function () {
  this.timeout(180_000);
  let dir: string;
  const runs: Record<string, SynthResult> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-kvrocks-stack-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const stack = (environment: string, extra: Record<string, unknown> = {}) =>
      stringify({
        config: {
          "moontv:environment": environment,
          "moontv:image": { ref: IMAGE },
          "moontv:app": { storage: "kvrocks" },
          ...extra,
        },
      });
    fs.writeFileSync(
      path.join(dir, "Pulumi.kvdev.yaml"),
      stack("dev", { "moontv:registryMirrors": { "docker.io": "mirror.example.com/hub" } }),
    );
    // As Pulumi.prod.yaml: Pulumi.yaml declares pinImageDigests false, so prod stacks set it.
    fs.writeFileSync(path.join(dir, "Pulumi.kvprod.yaml"), stack("prod", { "moontv:pinImageDigests": true }));
    for (const s of ["kvdev", "kvprod"]) runs[s] = await synthesize(s, { stackDir: dir });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("renders Kvrocks in Redis's place, every object valid against the Kubernetes OpenAPI schema", () => {
    for (const { resources } of Object.values(runs)) {
      assert.ok(named(resources, "apps/v1:StatefulSet", "kvrocks"));
      assert.deepEqual(
        names(resources, "core/v1:Service")
          .filter((n) => /^(kvrocks|redis)(-headless)?$/.test(n))
          .sort(),
        ["kvrocks", "kvrocks-headless"],
      );
      assert.ok(
        named(resources, "core/v1:ConfigMap", "kvrocks-config") && named(resources, "core/v1:Secret", "kvrocks-auth"),
      );
      assert.ok(named(resources, "core/v1:PersistentVolumeClaim", "data-kvrocks-0"));
      assert.equal(named(resources, "apps/v1:StatefulSet", "redis"), undefined);
      for (const r of resources.filter((x) => x.type.startsWith("kubernetes:")))
        validateKubernetesObject(r.props as never);
    }
  });

  it("gives the app KVROCKS_URL from the Secret and makes it wait for Kvrocks", () => {
    const { resources } = runs.kvdev;
    const dep = named(resources, "apps/v1:Deployment", "moontv")!;
    const pod = (dep.props as Props).spec.template.spec;
    const env = pod.containers[0].env;
    assert.deepEqual(
      env.find((e: { name: string }) => e.name === "KVROCKS_URL"),
      { name: "KVROCKS_URL", valueFrom: { secretKeyRef: { name: "moontv-auth", key: "KVROCKS_URL" } } },
    );
    assert.equal(
      env.find((e: { name: string }) => e.name === "REDIS_URL"),
      undefined,
    );
    assert.equal(env.find((e: { name: string }) => e.name === "NEXT_PUBLIC_STORAGE_TYPE").value, "kvrocks");
    assert.deepEqual(
      pod.initContainers.map((c: { name: string }) => c.name),
      ["seed-public", "wait-for-kvrocks"],
    );
    assert.ok(dep.options.dependsOn.includes(named(resources, "apps/v1:StatefulSet", "kvrocks")!.urn));
    const secret = named(resources, "core/v1:Secret", "moontv-auth")!;
    assert.deepEqual(Object.keys((secret.props as Props).stringData).sort(), ["KVROCKS_URL", "PASSWORD", "USERNAME"]);
  });

  it("keeps the password out of the ConfigMap, the pod spec and the files: the joined config is built in the pod", () => {
    for (const [stack, result] of Object.entries(runs)) {
      const { resources, placeholders } = result;
      const out = path.join(dir, "out");
      writeSynthFiles(out, result);
      for (const f of allFiles(path.join(out, stack))) {
        const text = fs.readFileSync(f, "utf8");
        for (const p of [...placeholders, "offline-preview-random-"])
          assert.ok(!text.includes(p), `${path.basename(f)} holds ${p}`);
        assert.doesNotMatch(text, /redis:\/\/:[^@[]+@/, path.basename(f));
      }
      const conf = (named(resources, "core/v1:ConfigMap", "kvrocks-config")!.props as Props).data["kvrocks.conf"];
      assert.doesNotMatch(conf, /requirepass|masterauth/);
      const secret = parseYaml(
        fs.readFileSync(path.join(out, stack, "kubernetes", "secret-kvrocks-auth.yaml"), "utf8"),
      );
      assert.deepEqual(secret.stringData, { password: "[secret]", "auth.conf": "[secret]" });
    }
  });

  it("serves what its Service and the app's URL name: port, data directory and mounts agree with kvrocks.conf", () => {
    const { resources, outputs } = runs.kvdev;
    const conf = Object.fromEntries(
      ((named(resources, "core/v1:ConfigMap", "kvrocks-config")!.props as Props).data["kvrocks.conf"] as string)
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => l.split(" ")),
    );
    const c = (named(resources, "apps/v1:StatefulSet", "kvrocks")!.props as Props).spec.template.spec.containers[0];
    assert.equal(String(c.ports[0].containerPort), conf.port);
    assert.ok(
      c.volumeMounts.some((m: { name: string; mountPath: string }) => m.name === "data" && m.mountPath === conf.dir),
    );
    assert.equal(
      (named(resources, "core/v1:Service", "kvrocks")!.props as Props).spec.ports[0].port,
      Number(conf.port),
    );
    assert.deepEqual(
      [outputs.storageType.value, outputs.kvrocksHost.value, outputs.kvrocksPort.value, outputs.kvrocksUrl.secret],
      ["kvrocks", "kvrocks", 6666, true],
    );
    assert.equal(outputs.redisUrl.value, undefined);
    assert.ok((outputs.serviceNames.value as string[]).includes("kvrocks"));
  });

  it("prod protects and retains Kvrocks, its claim and the namespace, and pins its image by digest; dev pulls through its mirror", () => {
    const prod = runs.kvprod.resources;
    for (const r of [
      named(prod, "apps/v1:StatefulSet", "kvrocks")!,
      named(prod, "core/v1:PersistentVolumeClaim", "data-kvrocks-0")!,
      prod.find((x) => x.type === "kubernetes:core/v1:Namespace")!,
    ]) {
      assert.equal(r.options.protect, true, r.name);
      assert.equal(r.options.retainOnDelete, true, r.name);
    }
    const image = (rs: RecordedResource[]) =>
      (named(rs, "apps/v1:StatefulSet", "kvrocks")!.props as Props).spec.template.spec.containers[0].image;
    assert.match(image(prod), /^docker\.io\/apache\/kvrocks:2\.12\.0@sha256:[a-f0-9]{64}$/);
    assert.equal(image(runs.kvdev.resources), "mirror.example.com/hub/apache/kvrocks:2.12.0");
    assert.equal(named(runs.kvdev.resources, "apps/v1:StatefulSet", "kvrocks")!.options.protect, false);
  });

  it("prod watches Kvrocks: kvrocks-exporter with the password from the Secret, a kvrocks job and its alerts", () => {
    const prod = runs.kvprod.resources;
    const exporter = named(prod, "apps/v1:Deployment", "kvrocks-exporter")!;
    const c = (exporter.props as Props).spec.template.spec.containers[0];
    assert.match(c.image, /^kvrocks\/kvrocks-exporter:1\.0\.5@sha256:/);
    assert.deepEqual(c.env, [
      { name: "KVROCKS_ADDR", value: "kvrocks://kvrocks:6666" },
      { name: "KVROCKS_PASSWORD", valueFrom: { secretKeyRef: { name: "kvrocks-auth", key: "password" } } },
    ]);
    assert.equal(named(prod, "apps/v1:Deployment", "redis-exporter"), undefined);
    const data = (named(prod, "core/v1:ConfigMap", "prometheus")!.props as Props).data;
    assert.match(
      data["prometheus.yml"],
      /job_name: kvrocks\n\s+static_configs:\n\s+- targets:\n\s+- kvrocks-exporter:9121/,
    );
    assert.doesNotMatch(data["prometheus.yml"], /redis/);
    assert.match(data["alerts.yml"], /alert: KvrocksDown/);
    assert.doesNotMatch(data["alerts.yml"], /Redis/);
    assert.deepEqual(
      names(prod, "networking.k8s.io/v1:NetworkPolicy")
        .filter((n) => /kvrocks|redis/.test(n))
        .sort(),
      ["kvrocks", "kvrocks-exporter"],
    );
  });

  for (const [stack, env] of [
    ["kvdev", "dev"],
    ["kvprod", "prod"],
  ] as const) {
    it(`the ${stack} stack passes the policy pack with ${env}'s config, no mandatory violation`, async () => {
      const report = await analyzeWithPack(runs[stack].resources, policyConfig(env));
      const mandatory = report.filter((v) => v.enforcementLevel === "mandatory");
      assert.deepEqual(mandatory, [], JSON.stringify(mandatory, null, 2));
    });
  }

  it("the unprotected dev Kvrocks fails prod's data-protection policy (the pack sees it)", async () => {
    const report = await analyzeWithPack(runs.kvdev.resources, policyConfig("prod"));
    assert.ok(
      report.some(
        (v) => v.policy === "redis-data-protected" && v.enforcementLevel === "mandatory" && /kvrocks/.test(v.urn ?? ""),
      ),
      JSON.stringify(report.map((v) => [v.policy, v.urn])),
    );
  });
});
