import { strict as assert } from "assert";
import {
  appSecretKeys, buildAppDeployment, buildAppEnv, buildAppService, copyPublicScript, heapSizeMiB,
} from "../../components/app";
import { settingsFor, SAMPLE_CONFIG_JSON } from "../support/settings";

const IMAGE = "registry.example.com/moontv@sha256:" + "c".repeat(64);

function deploymentFor(values: Record<string, unknown> = {}, files?: Record<string, string>) {
  const s = settingsFor("dev", values, { files });
  return buildAppDeployment({ app: s.app, namespace: "ns", instance: "dev", image: IMAGE, configHash: "abc" }) as {
    metadata: { name: string };
    spec: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

describe("app builders", () => {
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
      { runAsNonRoot: pod.securityContext.runAsNonRoot, runAsUser: pod.securityContext.runAsUser, runAsGroup: pod.securityContext.runAsGroup, seccomp: pod.securityContext.seccompProfile.type },
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

  it("the seed script really copies a tree", async () => {
    const fs = await import("fs");
    const os = await import("os");
    const path = await import("path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-"));
    fs.mkdirSync(path.join(dir, "src", "icons"), { recursive: true });
    fs.writeFileSync(path.join(dir, "src", "icons", "a.png"), "png");
    const script = copyPublicScript(path.join(dir, "dst")).replace('"/app/public"', JSON.stringify(path.join(dir, "src")));
    new Function("require", script)(require);
    assert.equal(fs.readFileSync(path.join(dir, "dst", "icons", "a.png"), "utf8"), "png");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("mounts config.json read-only at /app/config.json, readable by uid 1001", () => {
    const pod = deploymentFor({ app: { flavor: "moontv", configJson: "c.json" } }, { "c.json": SAMPLE_CONFIG_JSON }).spec.template.spec;
    const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === "config");
    assert.deepEqual(mount, { name: "config", mountPath: "/app/config.json", subPath: "config.json", readOnly: true });
    const vol = pod.volumes.find((v: { name: string }) => v.name === "config");
    assert.equal(vol.configMap.defaultMode, 0o444);
    assert.equal(deploymentFor().spec.template.spec.volumes.find((v: { name: string }) => v.name === "config"), undefined);
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
    assert.deepEqual(wait.env, [{ name: "KVROCKS_URL", valueFrom: { secretKeyRef: { name: "moontv-auth", key: "KVROCKS_URL" } } }]);
    assert.match(wait.args[1], /new URL\(process\.env\.KVROCKS_URL\)/);
    assert.match(wait.args[1], /kvrocks is ready/);
  });

  it("derives the V8 heap from the memory limit", () => {
    assert.equal(heapSizeMiB("768Mi"), 576);
    assert.equal(heapSizeMiB("1Gi"), 768);
    const env = deploymentFor({ app: { resources: { limits: { memory: "1Gi" } } } }).spec.template.spec.containers[0].env;
    assert.equal(env.find((e: { name: string }) => e.name === "NODE_OPTIONS").value, "--max-old-space-size=768");
  });

  it("puts every secret in the Secret and only references it from the environment", () => {
    const s = settingsFor("dev", { app: { storage: "upstash", upstash: { url: "https://u.example", token: "tok-123456" } } }, { secretKeys: ["app"] });
    const env = buildAppEnv(s.app);
    for (const key of ["USERNAME", "PASSWORD", "UPSTASH_URL", "UPSTASH_TOKEN"]) {
      const e = env.find((x) => x.name === key)!;
      assert.equal(e.value, undefined, key);
      assert.deepEqual(e.valueFrom, { secretKeyRef: { name: "moontv-auth", key } });
    }
    assert.ok(!JSON.stringify(env).includes("tok-123456"));
    assert.deepEqual(appSecretKeys({ storage: "redis" }), ["USERNAME", "PASSWORD", "REDIS_URL"]);
    assert.deepEqual(appSecretKeys({ storage: "kvrocks" }), ["USERNAME", "PASSWORD", "KVROCKS_URL"]);
    assert.deepEqual(appSecretKeys({ storage: "localstorage" }), ["USERNAME", "PASSWORD"]);
  });

  const envOf = (app: Record<string, unknown>) =>
    Object.fromEntries(buildAppEnv(settingsFor("dev", { app }).app).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  const proxies = { imageProxy: "https://i.example/", doubanProxy: "https://d.example/" };

  it("sets MoonTV's run-time variables from the settings (flavor moontv)", () => {
    const env = envOf({ flavor: "moontv", searchMaxPage: 9, enableRegister: true, siteName: "Moon", ...proxies });
    assert.equal(env.NEXT_PUBLIC_SEARCH_MAX_PAGE, "9");
    assert.equal(env.NEXT_PUBLIC_ENABLE_REGISTER, "true");
    assert.equal(env.SITE_NAME, "Moon");
    assert.equal(env.NEXT_PUBLIC_SITE_NAME, undefined, "MoonTV reads SITE_NAME");
    assert.equal(env.NEXT_PUBLIC_IMAGE_PROXY, "https://i.example/");
    assert.equal(env.NEXT_PUBLIC_DOUBAN_PROXY, "https://d.example/");
    assert.equal(env.NEXT_PUBLIC_DOUBAN_PROXY_TYPE, undefined);
    assert.equal(env.NEXT_PUBLIC_STORAGE_TYPE, "redis");
    assert.equal(env.PORT, "3000");
  });

  it("sets LunaTV's names for the same settings (the default flavor)", () => {
    const env = envOf({ searchMaxPage: 9, siteName: "Luna", ...proxies });
    assert.equal(env.NEXT_PUBLIC_SITE_NAME, "Luna");
    assert.equal(env.SITE_NAME, undefined, "LunaTV reads NEXT_PUBLIC_SITE_NAME");
    assert.equal(env.NEXT_PUBLIC_SEARCH_MAX_PAGE, "9");
    // LunaTV uses a proxy URL only with the `custom` proxy type.
    assert.equal(env.NEXT_PUBLIC_DOUBAN_IMAGE_PROXY_TYPE, "custom");
    assert.equal(env.NEXT_PUBLIC_DOUBAN_IMAGE_PROXY, "https://i.example/");
    assert.equal(env.NEXT_PUBLIC_DOUBAN_PROXY_TYPE, "custom");
    assert.equal(env.NEXT_PUBLIC_DOUBAN_PROXY, "https://d.example/");
    assert.equal(env.NEXT_PUBLIC_IMAGE_PROXY, undefined, "MoonTV's name");
    const plain = envOf({});
    for (const k of ["NEXT_PUBLIC_DOUBAN_PROXY_TYPE", "NEXT_PUBLIC_DOUBAN_IMAGE_PROXY_TYPE", "NEXT_PUBLIC_DOUBAN_PROXY"]) assert.equal(plain[k], undefined, k);
  });

  it("exposes Service moontv on 3000", () => {
    const svc = buildAppService("ns", "dev") as { metadata: { name: string }; spec: { ports: Array<{ port: number }> } };
    assert.equal(svc.metadata.name, "moontv");
    assert.equal(svc.spec.ports[0].port, 3000);
  });
});
