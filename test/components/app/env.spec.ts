import { strict as assert } from "assert";
import { appSecretKeys, buildAppDeployment, buildAppEnv, heapSizeMiB } from "../../../components/app";
import { settingsFor } from "../../support/settings";

const IMAGE = "registry.example.com/moontv@sha256:" + "c".repeat(64);

function deploymentFor(values: Record<string, unknown> = {}, files?: Record<string, string>) {
  const s = settingsFor("dev", values, { files });
  return buildAppDeployment({ app: s.app, namespace: "ns", instance: "dev", image: IMAGE, configHash: "abc" }) as {
    metadata: { name: string };
    spec: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
}

describe("app environment (components/app/env.ts)", () => {
  it("derives the V8 heap from the memory limit", () => {
    assert.equal(heapSizeMiB("768Mi"), 576);
    assert.equal(heapSizeMiB("1Gi"), 768);
    const env = deploymentFor({ app: { resources: { limits: { memory: "1Gi" } } } }).spec.template.spec.containers[0]
      .env;
    assert.equal(env.find((e: { name: string }) => e.name === "NODE_OPTIONS").value, "--max-old-space-size=768");
  });

  it("puts every secret in the Secret and only references it from the environment", () => {
    const s = settingsFor(
      "dev",
      { app: { storage: "upstash", upstash: { url: "https://u.example", token: "tok-123456" } } },
      { secretKeys: ["app"] },
    );
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
    Object.fromEntries(
      buildAppEnv(settingsFor("dev", { app }).app)
        .filter((e) => e.value !== undefined)
        .map((e) => [e.name, e.value]),
    );
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
    for (const k of [
      "NEXT_PUBLIC_DOUBAN_PROXY_TYPE",
      "NEXT_PUBLIC_DOUBAN_IMAGE_PROXY_TYPE",
      "NEXT_PUBLIC_DOUBAN_PROXY",
    ])
      assert.equal(plain[k], undefined, k);
  });
});
