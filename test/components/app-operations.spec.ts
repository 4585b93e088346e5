import { strict as assert } from "assert";
import { appTopologySpread, buildAppAutoscaler, buildAppDeployment, buildAppIngress, buildAppPodDisruptionBudget } from "../../components/app";
import { settingsFor } from "../support/settings";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("app operations builders", () => {
  it("prod gets a PDB keeping all but one replica; one replica gets none (it would block drains)", () => {
    const pdb = buildAppPodDisruptionBudget(settingsFor("prod").app, "ns", "prod") as any;
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, { "app.kubernetes.io/name": "moontv", "app.kubernetes.io/instance": "prod" });
    assert.equal(buildAppPodDisruptionBudget(settingsFor("dev").app, "ns", "dev"), undefined);
  });

  it("prod autoscales on CPU from the replica count to maxReplicas; dev does not", () => {
    const hpa = buildAppAutoscaler(settingsFor("prod", { app: { replicas: 3 } }).app, "ns", "prod") as any;
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "moontv" });
    assert.equal(hpa.spec.minReplicas, 3);
    assert.equal(hpa.spec.maxReplicas, 6);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
    assert.equal(buildAppAutoscaler(settingsFor("dev").app, "ns", "dev"), undefined);
  });

  it("spreads replicas over nodes and zones without making a small cluster unschedulable", () => {
    for (const c of appTopologySpread("prod")) assert.equal(c.whenUnsatisfiable, "ScheduleAnyway");
    const pod = (buildAppDeployment({ app: settingsFor("prod").app, namespace: "ns", instance: "prod", image: "x" }) as any).spec.template.spec;
    assert.deepEqual(pod.topologySpreadConstraints.map((c: any) => c.topologyKey), ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
  });

  it("pauses before SIGTERM in prod (kubelet sleep, no shell needed) and extends the grace period by as much", () => {
    const prod = (buildAppDeployment({ app: settingsFor("prod").app, namespace: "ns", instance: "prod", image: "x" }) as any).spec.template.spec;
    assert.deepEqual(prod.containers[0].lifecycle, { preStop: { sleep: { seconds: 5 } } });
    assert.equal(prod.terminationGracePeriodSeconds, 35);
    const dev = (buildAppDeployment({ app: settingsFor("dev").app, namespace: "ns", instance: "dev", image: "x" }) as any).spec.template.spec;
    assert.equal(dev.containers[0].lifecycle, undefined);
    assert.equal(dev.terminationGracePeriodSeconds, 30);
  });

  it("renders an Ingress only when enabled, with class, host and TLS", () => {
    assert.equal(buildAppIngress(settingsFor("dev").ingress, "ns", "dev"), undefined);
    const s = settingsFor("prod", { ingress: { enabled: true, host: "tv.example.com", className: "nginx", tlsSecretName: "tv-tls" } });
    const ing = buildAppIngress(s.ingress, "ns", "prod") as any;
    assert.equal(ing.spec.ingressClassName, "nginx");
    assert.deepEqual(ing.spec.tls, [{ hosts: ["tv.example.com"], secretName: "tv-tls" }]);
    assert.deepEqual(ing.spec.rules[0].http.paths[0].backend, { service: { name: "moontv", port: { number: 3000 } } });
  });

  it("does not make `pulumi up` wait for a load-balancer status unless ingress.waitForLoadBalancer", () => {
    const ingress = { enabled: true, host: "tv.example.com", annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "8m" } };
    const noWait = buildAppIngress(settingsFor("dev", { ingress }).ingress, "ns", "dev") as any;
    assert.deepEqual(noWait.metadata.annotations, { "nginx.ingress.kubernetes.io/proxy-body-size": "8m", "pulumi.com/skipAwait": "true" });
    const wait = buildAppIngress(settingsFor("dev", { ingress: { ...ingress, waitForLoadBalancer: true } }).ingress, "ns", "dev") as any;
    assert.deepEqual(wait.metadata.annotations, { "nginx.ingress.kubernetes.io/proxy-body-size": "8m" });
  });

  it("refuses pulumi.com/skipAwait among the Ingress annotations, naming the setting", async () => {
    const { settingsErrorOf } = await import("../support/settings");
    const err = settingsErrorOf(() => settingsFor("dev", { ingress: { enabled: true, host: "tv.example.com", annotations: { "pulumi.com/skipAwait": "false" } } }));
    assert.equal(err.key, "moontv:ingress.annotations.pulumi.com/skipAwait");
    assert.match(err.message, /set moontv:ingress\.waitForLoadBalancer/);
  });

  it("refuses an enabled Ingress without host, and maxReplicas below replicas", async () => {
    const { settingsErrorOf } = await import("../support/settings");
    assert.equal(settingsErrorOf(() => settingsFor("prod", { ingress: { enabled: true } })).key, "moontv:ingress.host");
    assert.equal(settingsErrorOf(() => settingsFor("prod", { app: { replicas: 8 } })).key, "moontv:app.autoscaling.maxReplicas");
    assert.equal(settingsErrorOf(() => settingsFor("dev", { monitoring: { enabled: true }, app: { flavor: "moontv", storage: "localstorage" } })).key, "moontv:monitoring.enabled");
    assert.equal(settingsErrorOf(() => settingsFor("prod", { monitoring: { retentionSize: "10GB" } })).key, "moontv:monitoring.retentionSize");
  });
});
