// Kvrocks cannot run on this machine (no package or binary is to be had here), so its rendered
// config and objects are checked as strictly as offline checks allow: every directive against the
// upstream kvrocks.conf's, the start-up join run for real with sh, the objects against the restricted
// profile (and, in test/components/platform/kvrocks.spec.ts, the OpenAPI schema and the policy pack).
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  buildKvrocksServices,
  buildKvrocksStatefulSet,
  JOIN_CONFIG_COMMAND,
  KVROCKS_CONFIG_DIR,
  KVROCKS_RUNTIME_CONFIG_DIR,
  KVROCKS_SECRET_DIR,
  kvrocksConfOptions,
  kvrocksImage,
  kvrocksUrl,
  renderKvrocksAuthConf,
  renderKvrocksConf,
  type KvrocksSettings,
} from "../../../components/kvrocks";
import { restrictedViolations } from "../../support/k8s";
import { settingsFor } from "../../support/settings";

const number = (min: number, max: number) => (v: string) => /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
const yesNo = (v: string) => v === "yes" || v === "no";
/** Directives of the upstream kvrocks.conf (apache/kvrocks 2.x) this program may render, with the values they take there. */
const DIRECTIVES: Record<string, (v: string) => boolean> = {
  bind: (v) => v.split(" ").every((a) => /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-f:]+$/.test(a)),
  port: number(1, 65535),
  timeout: number(0, 86400 * 365),
  workers: number(1, 256),
  daemonize: yesNo,
  supervised: (v) => ["no", "upstart", "systemd", "auto"].includes(v),
  "cluster-enabled": yesNo,
  maxclients: number(1, 1_000_000),
  "db-name": (v) => /^\S+$/.test(v),
  dir: (v) => v.startsWith("/"),
  "log-dir": (v) => v === "stdout" || v.startsWith("/"),
  "log-level": (v) => ["info", "warning", "error", "fatal"].includes(v),
  "slowlog-log-slower-than": number(-1, 1e9),
  // MB; "Max Size is 400*1024".
  "rocksdb.block_cache_size": number(1, 400 * 1024),
  "rocksdb.write_buffer_size": number(1, 4096),
  // "The default and the minimum number is 2".
  "rocksdb.max_write_buffer_number": number(2, 64),
  requirepass: (v) => /^\S+$/.test(v),
};

function parseConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const m = /^(\S+) (.+)$/.exec(line);
    assert.ok(m, `not a "directive value" line: ${JSON.stringify(line)}`);
    assert.ok(!out.has(m[1]), `${m[1]} set twice`);
    out.set(m[1], m[2]);
  }
  return out;
}

const settings = (stack: "dev" | "prod"): KvrocksSettings => settingsFor(stack).kvrocks;
const statefulSet = (stack: "dev" | "prod") =>
  buildKvrocksStatefulSet({
    kvrocks: settings(stack),
    namespace: "ns",
    instance: stack,
    image: "docker.io/apache/kvrocks:2.12.0",
    configHash: "h",
  }) as { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("kvrocks builders", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`kvrocks.conf (${stack}): only upstream directives with values Kvrocks takes, no password`, () => {
      const conf = parseConf(renderKvrocksConf(kvrocksConfOptions(settings(stack).resources.limits.memory)));
      for (const [key, value] of conf) {
        assert.ok(DIRECTIVES[key], `${key} is not a kvrocks.conf directive`);
        assert.ok(DIRECTIVES[key](value), `${key} ${value}`);
      }
      assert.equal(conf.has("requirepass"), false);
      assert.equal(conf.get("port"), "6666");
      assert.equal(conf.get("dir"), "/var/lib/kvrocks");
      assert.equal(conf.get("daemonize"), "no");
      assert.equal(conf.get("log-dir"), "stdout");
    });
  }

  it("sizes RocksDB's memory from the container limit, under Kvrocks' 4 GiB block-cache default", () => {
    const dev = kvrocksConfOptions("512Mi");
    const prod = kvrocksConfOptions("1Gi");
    assert.deepEqual([dev.blockCacheMiB, dev.writeBufferMiB], [128, 16]);
    assert.deepEqual([prod.blockCacheMiB, prod.writeBufferMiB], [256, 32]);
    assert.equal(kvrocksConfOptions("8Gi").writeBufferMiB, 64);
    // Block cache plus every write buffer (about 7 column families, 2 buffers each) fits the limit.
    for (const [limit, o] of [
      [512, dev],
      [1024, prod],
    ] as const)
      assert.ok(o.blockCacheMiB + 7 * 2 * o.writeBufferMiB < limit, String(limit));
    assert.throws(() => kvrocksConfOptions("128Mi"), /at least 256Mi is needed, got 128Mi/);
  });

  it("joins kvrocks.conf and the Secret's requirepass into the file Kvrocks runs with (sh, as the init container does)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-kvrocks-"));
    try {
      const conf = renderKvrocksConf(kvrocksConfOptions("512Mi"));
      const at = (p: string) => path.join(dir, p);
      fs.mkdirSync(at(KVROCKS_SECRET_DIR), { recursive: true });
      fs.mkdirSync(at(KVROCKS_RUNTIME_CONFIG_DIR), { recursive: true });
      fs.writeFileSync(at(`${KVROCKS_CONFIG_DIR}/kvrocks.conf`), conf);
      fs.writeFileSync(at(`${KVROCKS_SECRET_DIR}/auth.conf`), renderKvrocksAuthConf("s3cretPassw0rd"));
      // The same command, its absolute paths moved under the scratch directory.
      const command = JOIN_CONFIG_COMMAND.replace(
        new RegExp(`(${KVROCKS_CONFIG_DIR}|${KVROCKS_RUNTIME_CONFIG_DIR})`, "g"),
        `${dir}$1`,
      );
      execFileSync("sh", ["-c", command]);
      const joined = parseConf(fs.readFileSync(at(`${KVROCKS_RUNTIME_CONFIG_DIR}/kvrocks.conf`), "utf8"));
      assert.equal(joined.get("requirepass"), "s3cretPassw0rd");
      assert.deepEqual(
        [...joined.keys()].filter((k) => k !== "requirepass"),
        [...parseConf(conf).keys()],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs as uid 999 under the restricted profile, data on a claim at /var/lib/kvrocks, the joined config in memory", () => {
    const spec = statefulSet("dev").spec;
    const pod = spec.template.spec;
    assert.deepEqual(
      [
        pod.securityContext.runAsNonRoot,
        pod.securityContext.runAsUser,
        pod.securityContext.fsGroup,
        pod.securityContext.seccompProfile.type,
      ],
      [true, 999, 999, "RuntimeDefault"],
    );
    for (const c of [...pod.initContainers, ...pod.containers]) {
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
      assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], c.name);
      assert.ok(c.resources.limits.memory && c.resources.requests.cpu, c.name);
    }
    assert.equal(pod.automountServiceAccountToken, false);
    assert.deepEqual(restrictedViolations(pod), [], "Pod Security Standard restricted");
    const c = pod.containers[0];
    assert.deepEqual(c.command, ["kvrocks", "-c", "/run/kvrocks/kvrocks.conf"]);
    assert.deepEqual(c.ports, [{ name: "kvrocks", containerPort: 6666, protocol: "TCP" }]);
    assert.deepEqual(
      c.volumeMounts.map((m: { mountPath: string }) => m.mountPath),
      ["/var/lib/kvrocks", "/run/kvrocks"],
    );
    assert.equal(spec.volumeClaimTemplates[0].metadata.name, "data");
    assert.equal(spec.volumeClaimTemplates[0].spec.resources.requests.storage, "1Gi");
    assert.deepEqual(pod.volumes.find((v: { name: string }) => v.name === "runtime-config").emptyDir, {
      medium: "Memory",
      sizeLimit: "1Mi",
    });
    assert.deepEqual(pod.initContainers[0].command, ["sh", "-c", JOIN_CONFIG_COMMAND]);
    assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
    assert.equal(statefulSet("prod").spec.volumeClaimTemplates[0].spec.resources.requests.storage, "10Gi");
  });

  it("probes with redis-cli ping, authenticated from the Secret, healthy only on PONG", () => {
    const c = statefulSet("dev").spec.template.spec.containers[0];
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      assert.deepEqual(probe.exec.command, ["sh", "-c", "redis-cli -h 127.0.0.1 -p 6666 ping | grep -q PONG"]);
    }
    assert.deepEqual(c.env, [
      { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: "kvrocks-auth", key: "password" } } },
    ]);
  });

  it("Services kvrocks and kvrocks-headless on 6666", () => {
    const { service, headless } = buildKvrocksServices("ns", "dev") as { service: any; headless: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual(
      [service.metadata.name, service.spec.ports[0].port, headless.metadata.name, headless.spec.clusterIP],
      ["kvrocks", 6666, "kvrocks-headless", "None"],
    );
  });

  it("defaults to the official image of the version, and builds KVROCKS_URL with an escaped password", () => {
    assert.equal(kvrocksImage("2.12.0"), "docker.io/apache/kvrocks:2.12.0");
    assert.equal(kvrocksImage("2.12.0", "mirror.example.com/kvrocks:2"), "mirror.example.com/kvrocks:2");
    assert.equal(kvrocksUrl("kvrocks", 6666, "a/b c"), "redis://:a%2Fb%20c@kvrocks:6666");
  });
});
