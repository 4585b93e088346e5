// The NetworkIsolation component under Pulumi's mock runtime.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { NetworkIsolation } from "../../../components/network";
import { networkArgs } from "../../../components/platform/network";
import { REDIS_ENDPOINT } from "../../support/platform-args";
import { settingsFor } from "../../support/settings";
import { validateK8s, type Obj } from "../../support/k8s";

const registered: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

describe("NetworkIsolation component (mocks)", function () {
  this.timeout(30_000);
  before(() => {
    // In before(), not at load time: setMocks is process-wide and other spec files set their own.
    pulumi.runtime.setMocks(
      {
        newResource(args) {
          registered.push({ type: args.type, name: args.name, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "moontv",
      "prod",
      false,
    );
  });

  it("registers one NetworkPolicy per built policy under the component, all valid", async () => {
    const settings = settingsFor("prod", {
      network: { ingressNamespace: "ingress-nginx" },
      monitoring: { enabled: true, grafana: false },
    });
    const c = new NetworkIsolation("net", networkArgs(settings, REDIS_ENDPOINT, "moontv-node-exporter"));
    await new Promise((r) => c.urn.apply(r));
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(registered.some((r) => r.type === "moontv:network:NetworkIsolation" && r.name === "net"));
    const policies = registered.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    assert.deepEqual(policies.map((p) => p.name).sort(), c.policyNames.map((n) => `net-${n.replace("/", "-")}`).sort());
    assert.deepEqual(c.policyNames, [
      "moontv/default-deny",
      "moontv/allow-dns",
      "moontv/moontv",
      "moontv/redis",
      "moontv/prometheus",
      "moontv/redis-exporter",
      "moontv/blackbox-exporter",
      "moontv-node-exporter/default-deny",
      "moontv-node-exporter/node-exporter",
    ]);
    for (const p of policies) validateK8s(p.inputs as Obj);
  });
});
