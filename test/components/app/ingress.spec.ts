import { strict as assert } from "assert";
import { buildAppIngress } from "../../../components/app";
import { settingsFor } from "../../support/settings";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("app Ingress (components/app/ingress.ts)", () => {
  it("renders an Ingress only when enabled, with class, host and TLS", () => {
    assert.equal(buildAppIngress(settingsFor("dev").ingress, "ns", "dev"), undefined);
    const s = settingsFor("prod", {
      ingress: { enabled: true, host: "tv.example.com", className: "nginx", tlsSecretName: "tv-tls" },
    });
    const ing = buildAppIngress(s.ingress, "ns", "prod") as any;
    assert.equal(ing.spec.ingressClassName, "nginx");
    assert.deepEqual(ing.spec.tls, [{ hosts: ["tv.example.com"], secretName: "tv-tls" }]);
    assert.deepEqual(ing.spec.rules[0].http.paths[0].backend, { service: { name: "moontv", port: { number: 3000 } } });
  });

  it("does not make `pulumi up` wait for a load-balancer status unless ingress.waitForLoadBalancer", () => {
    const ingress = {
      enabled: true,
      host: "tv.example.com",
      annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "8m" },
    };
    const noWait = buildAppIngress(settingsFor("dev", { ingress }).ingress, "ns", "dev") as any;
    assert.deepEqual(noWait.metadata.annotations, {
      "nginx.ingress.kubernetes.io/proxy-body-size": "8m",
      "pulumi.com/skipAwait": "true",
    });
    const wait = buildAppIngress(
      settingsFor("dev", { ingress: { ...ingress, waitForLoadBalancer: true } }).ingress,
      "ns",
      "dev",
    ) as any;
    assert.deepEqual(wait.metadata.annotations, { "nginx.ingress.kubernetes.io/proxy-body-size": "8m" });
  });

  it("refuses pulumi.com/skipAwait among the Ingress annotations, naming the setting", async () => {
    const { settingsErrorOf } = await import("../../support/settings");
    const err = settingsErrorOf(() =>
      settingsFor("dev", {
        ingress: { enabled: true, host: "tv.example.com", annotations: { "pulumi.com/skipAwait": "false" } },
      }),
    );
    assert.equal(err.key, "moontv:ingress.annotations.pulumi.com/skipAwait");
    assert.match(err.message, /set moontv:ingress\.waitForLoadBalancer/);
  });

  it("refuses an enabled Ingress without host, and maxReplicas below replicas", async () => {
    const { settingsErrorOf } = await import("../../support/settings");
    assert.equal(settingsErrorOf(() => settingsFor("prod", { ingress: { enabled: true } })).key, "moontv:ingress.host");
    assert.equal(
      settingsErrorOf(() => settingsFor("prod", { app: { replicas: 8 } })).key,
      "moontv:app.autoscaling.maxReplicas",
    );
    assert.equal(
      settingsErrorOf(() =>
        settingsFor("dev", { monitoring: { enabled: true }, app: { flavor: "moontv", storage: "localstorage" } }),
      ).key,
      "moontv:monitoring.enabled",
    );
    assert.equal(
      settingsErrorOf(() => settingsFor("prod", { monitoring: { retentionSize: "10GB" } })).key,
      "moontv:monitoring.retentionSize",
    );
  });
});
