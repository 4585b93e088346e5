import { strict as assert } from "assert";
import { settingsErrorOf, settingsFor } from "../support/settings";

describe("settings: moontv:network", () => {
  it("defaults: internet egress on 80 and 443, DNS to kube-system's kube-dns pods", () => {
    const n = settingsFor("prod").network;
    assert.deepEqual(n.egressPorts, [80, 443]);
    assert.deepEqual(n.dns, { namespace: "kube-system", podSelector: { "k8s-app": "kube-dns" } });
  });

  it("a stack's DNS pod selector replaces the default one (it is not merged with it)", () => {
    const n = settingsFor("prod", {
      network: { dns: { namespace: "openshift-dns", podSelector: "dns.operator.openshift.io/daemonset-dns=default" } },
    }).network;
    assert.deepEqual(n.dns, {
      namespace: "openshift-dns",
      podSelector: { "dns.operator.openshift.io/daemonset-dns": "default" },
    });
    const two = settingsFor("prod", { network: { dns: { namespace: "kube-system", podSelector: "a=b,c=d" } } }).network;
    assert.deepEqual(two.dns.podSelector, { a: "b", c: "d" });
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "a CIDR outside IPv4",
      { egressExcept: ["10.0.0.0/33"] },
      /moontv:network\.egressExcept\.0 .*an IPv4 CIDR such as 10\.0\.0\.0\/8/,
    ],
    ["an octet over 255", { egressExcept: ["300.0.0.0/8"] }, /moontv:network\.egressExcept\.0 .*an IPv4 CIDR/],
    ["port 0", { egressPorts: [0] }, /moontv:network\.egressPorts\.0 .*a TCP port from 1 to 65535/],
    ["no port at all", { egressPorts: [] }, /moontv:network\.egressPorts .*at least one TCP port/],
    [
      "a selector that is not key=value",
      { dns: { namespace: "kube-system", podSelector: "k8s-app" } },
      /moontv:network\.dns\.podSelector .*an equality label selector/,
    ],
  ];
  for (const [what, network, message] of bad) {
    it(`refuses ${what}, naming the key`, () =>
      assert.match(settingsErrorOf(() => settingsFor("prod", { network })).message, message));
  }
});
