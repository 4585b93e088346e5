import { strict as assert } from "assert";
import { appTopologySpread, buildAppDeployment } from "../../../components/app";
import { SAMPLE_CONFIG_JSON, settingsFor } from "../../support/settings";

/* eslint-disable @typescript-eslint/no-explicit-any */
const IMAGE = "registry.example.com/moontv@sha256:" + "c".repeat(64);

function deploymentFor(values: Record<string, unknown> = {}, files?: Record<string, string>) {
  const s = settingsFor("dev", values, { files });
  return buildAppDeployment({ app: s.app, namespace: "ns", instance: "dev", image: IMAGE, configHash: "abc" }) as {
    metadata: { name: string };
    spec: any;
  };
}

describe("app Deployment (components/app/deployment.ts)", () => {
  it("probes the real routes: startup and liveness /login, readiness /api/server-config, on the named port", () => {
    const c = deploymentFor().spec.template.spec.containers[0];
    assert.equal(c.startupProbe.httpGet.path, "/login");
    assert.equal(c.livenessProbe.httpGet.path, "/login");
    assert.equal(c.readinessProbe.httpGet.path, "/api/server-config");
    assert.equal(c.readinessProbe.httpGet.port, "http");
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 3000, protocol: "TCP" }]);
  });

  it("takes probe paths from the settings", () => {
    const c = deploymentFor({ app: { probes: { readinessPath: "/login" } } }).spec.template.spec.containers[0];
    assert.equal(c.readinessProbe.httpGet.path, "/login");
  });

  it("runs under the restricted profile as uid/gid 1001 with a read-only root", () => {
    const pod = deploymentFor().spec.template.spec;
    assert.deepEqual(
      {
        runAsNonRoot: pod.securityContext.runAsNonRoot,
        runAsUser: pod.securityContext.runAsUser,
        runAsGroup: pod.securityContext.runAsGroup,
        seccomp: pod.securityContext.seccompProfile.type,
      },
      { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccomp: "RuntimeDefault" },
    );
    for (const c of [...pod.containers, ...pod.initContainers]) {
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
      assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], c.name);
      assert.ok(c.resources.limits.memory && c.resources.requests.cpu, c.name);
    }
    assert.equal(pod.automountServiceAccountToken, false);
  });

  it("makes only /app/public and /app/.next/cache writable, and seeds public/ from the image with node", () => {
    const pod = deploymentFor().spec.template.spec;
    const mounts = pod.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath);
    assert.deepEqual(mounts, ["/app/public", "/app/.next/cache"]);
    const seed = pod.initContainers.find((c: { name: string }) => c.name === "seed-public");
    assert.equal(seed.command, undefined, "must use the image's node ENTRYPOINT");
    assert.equal(seed.args[0], "-e");
    assert.equal(seed.volumeMounts[0].name, "public");
    assert.match(seed.args[1], /cpSync\("\/app\/public", "\/seed\/public"/);
  });

  it("mounts config.json read-only at /app/config.json, readable by uid 1001", () => {
    const pod = deploymentFor({ app: { flavor: "moontv", configJson: "c.json" } }, { "c.json": SAMPLE_CONFIG_JSON })
      .spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === "config");
    assert.deepEqual(mount, { name: "config", mountPath: "/app/config.json", subPath: "config.json", readOnly: true });
    const vol = pod.volumes.find((v: { name: string }) => v.name === "config");
    assert.equal(vol.configMap.defaultMode, 0o444);
    assert.equal(
      deploymentFor().spec.template.spec.volumes.find((v: { name: string }) => v.name === "config"),
      undefined,
    );
  });

  it("rolls out without going below the desired replicas", () => {
    const d = deploymentFor({ app: { replicas: 3 } });
    assert.equal(d.spec.replicas, 3);
    assert.deepEqual(d.spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
  });

  it("waits for the store this program deploys: Redis or Kvrocks, with the URL from the Secret", () => {
    const inits = (v: Record<string, unknown>) => deploymentFor(v).spec.template.spec.initContainers;
    const names = (v: Record<string, unknown>) => inits(v).map((c: { name: string }) => c.name);
    assert.deepEqual(names({}), ["seed-public", "wait-for-redis"]);
    assert.deepEqual(names({ app: { storage: "kvrocks" } }), ["seed-public", "wait-for-kvrocks"]);
    assert.deepEqual(names({ app: { flavor: "moontv", storage: "localstorage" } }), ["seed-public"]);
    const wait = inits({ app: { storage: "kvrocks" } })[1];
    assert.deepEqual(wait.env, [
      { name: "KVROCKS_URL", valueFrom: { secretKeyRef: { name: "moontv-auth", key: "KVROCKS_URL" } } },
    ]);
    assert.match(wait.args[1], /new URL\(process\.env\.KVROCKS_URL\)/);
    assert.match(wait.args[1], /kvrocks is ready/);
  });

  it("spreads replicas over nodes and zones without making a small cluster unschedulable", () => {
    for (const c of appTopologySpread("prod")) assert.equal(c.whenUnsatisfiable, "ScheduleAnyway");
    const pod = (
      buildAppDeployment({ app: settingsFor("prod").app, namespace: "ns", instance: "prod", image: "x" }) as any
    ).spec.template.spec;
    assert.deepEqual(
      pod.topologySpreadConstraints.map((c: any) => c.topologyKey),
      ["kubernetes.io/hostname", "topology.kubernetes.io/zone"],
    );
  });

  it("pauses before SIGTERM in prod (kubelet sleep, no shell needed) and extends the grace period by as much", () => {
    const prod = (
      buildAppDeployment({ app: settingsFor("prod").app, namespace: "ns", instance: "prod", image: "x" }) as any
    ).spec.template.spec;
    assert.deepEqual(prod.containers[0].lifecycle, { preStop: { sleep: { seconds: 5 } } });
    assert.equal(prod.terminationGracePeriodSeconds, 35);
    const dev = (
      buildAppDeployment({ app: settingsFor("dev").app, namespace: "ns", instance: "dev", image: "x" }) as any
    ).spec.template.spec;
    assert.equal(dev.containers[0].lifecycle, undefined);
    assert.equal(dev.terminationGracePeriodSeconds, 30);
  });
});
