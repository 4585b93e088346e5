import { strict as assert } from "assert";
import {
  buildRedisStatefulSet,
  clusterRedisConfOptions,
  redisImage,
  redisUrl,
  renderRedisConf,
} from "../../../components/redis";
import { settingsFor } from "../../support/settings";

function statefulSetFor(stack: "dev" | "prod") {
  const s = settingsFor(stack);
  return buildRedisStatefulSet({
    redis: s.redis,
    namespace: "ns",
    instance: stack,
    image: "redis:7.4",
    configHash: "h",
  }) as { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe("redis builders", () => {
  it("redis.conf: AOF every second, bounded memory, password only through the included Secret file", () => {
    const conf = renderRedisConf(clusterRedisConfOptions(settingsFor("prod").redis));
    for (const line of [
      "appendonly yes",
      "appendfsync everysec",
      "maxmemory 384mb",
      "maxmemory-policy noeviction",
      "dir /data",
      "port 6379",
      "include /etc/redis/secret/auth.conf",
    ]) {
      assert.ok(conf.split("\n").includes(line), line);
    }
    assert.doesNotMatch(conf, /^requirepass/m);
  });

  it("runs as uid 999 under the restricted profile with data on a claim at /data", () => {
    const spec = statefulSetFor("dev").spec;
    const pod = spec.template.spec;
    assert.equal(pod.securityContext.runAsUser, 999);
    assert.equal(pod.securityContext.fsGroup, 999);
    const c = pod.containers[0];
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.command, ["redis-server", "/etc/redis/redis.conf"]);
    assert.equal(spec.volumeClaimTemplates[0].metadata.name, "data");
    assert.equal(c.volumeMounts.find((m: { name: string }) => m.name === "data").mountPath, "/data");
    assert.equal(spec.volumeClaimTemplates[0].spec.resources.requests.storage, "1Gi");
  });

  it("probes with redis-cli ping, authenticated from the Secret, healthy only on PONG", () => {
    const c = statefulSetFor("dev").spec.template.spec.containers[0];
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      assert.match(probe.exec.command.join(" "), /redis-cli .*ping \| grep -q PONG/);
    }
    assert.deepEqual(c.env, [
      { name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: "redis-auth", key: "password" } } },
    ]);
  });

  it("never lets the StatefulSet delete its claim: the claim is a resource of its own (test/components/shared/claims.spec.ts)", () => {
    for (const stack of ["dev", "prod"] as const) {
      assert.deepEqual(statefulSetFor(stack).spec.persistentVolumeClaimRetentionPolicy, {
        whenDeleted: "Retain",
        whenScaled: "Retain",
      });
    }
  });

  it("defaults to the official Debian image of the version", () => {
    assert.equal(redisImage({ version: "7.4" }), "docker.io/library/redis:7.4-bookworm");
    assert.equal(redisImage({ version: "7.4", image: "mirror/redis:7" }), "mirror/redis:7");
  });

  it("builds REDIS_URL with an escaped password", () => {
    assert.equal(redisUrl("redis", 6379, "a/b c"), "redis://:a%2Fb%20c@redis:6379");
  });
});
