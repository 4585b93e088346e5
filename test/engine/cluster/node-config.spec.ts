/** The real node's configuration builders: the settings this VM needs, and a network that stays on the machine. */
import { strict as assert } from "assert";
import { splitRule } from "../../../engine/cluster/host-state";
import { cniConflist, containerdConfig, kubeletConfig, registryHostsToml } from "../../../engine/cluster/node-config";
import { DNS_SERVICE_IP, NODE_IP, POD_CIDR, SERVICE_CIDR } from "../../../engine/cluster/node-network";
import { corednsObjects } from "../../../engine/cluster/objects";

describe("real node configuration", () => {
  it("containerd: its own root, state and socket, no oom_score_adj writes, cgroupfs, pods' netns under its state", () => {
    const toml = containerdConfig({
      root: "/s/root",
      state: "/s/state",
      socket: "/s/c.sock",
      runc: "/usr/sbin/runc",
      cniBinDir: "/s/bin",
      cniConfDir: "/s/net.d",
      certsDir: "/s/certs.d",
    });
    assert.match(toml, /^root = "\/s\/root"$/m);
    assert.match(toml, /^state = "\/s\/state"$/m);
    assert.match(toml, /^ {2}address = "\/s\/c.sock"$/m);
    assert.match(toml, /restrict_oom_score_adj = true/);
    assert.match(toml, /netns_mounts_under_state_dir = true/);
    assert.match(toml, /SystemdCgroup = false/);
    assert.match(toml, /BinaryName = "\/usr\/sbin\/runc"/);
    assert.doesNotMatch(toml, /\/var\/lib\/containerd|\/run\/containerd\/containerd.sock/);
  });

  it("CNI: the cluster's bridge, no masquerade, no default route, only the Service range through the node", () => {
    const conf = JSON.parse(cniConflist("/s/ipam"));
    const bridge = conf.plugins[0];
    assert.equal(bridge.ipMasq, false);
    assert.equal(bridge.isDefaultGateway, false);
    assert.equal(bridge.ipam.dataDir, "/s/ipam");
    assert.deepEqual(bridge.ipam.routes, [{ dst: SERVICE_CIDR, gw: NODE_IP }]);
    assert.equal(bridge.ipam.ranges[0][0].subnet, POD_CIDR);
  });

  it("kubelet: cgroup v1 allowed, cgroupfs, oomScoreAdj 0, at most 20000 files, the cluster DNS", () => {
    const k = JSON.parse(
      kubeletConfig({
        containerdSocket: "/s/c.sock",
        port: 1,
        healthzPort: 2,
        clientCaFile: "/s/ca.crt",
        resolvConf: "/s/resolv.conf",
        podLogsDir: "/s/logs",
      }),
    );
    assert.equal(k.failCgroupV1, false);
    assert.equal(k.cgroupDriver, "cgroupfs");
    assert.equal(k.oomScoreAdj, 0);
    assert.ok(k.maxOpenFiles <= 20000);
    assert.deepEqual(k.clusterDNS, [DNS_SERVICE_IP]);
    assert.equal(k.authentication.anonymous.enabled, false);
    assert.equal(k.containerRuntimeEndpoint, "unix:///s/c.sock");
  });

  it("containerd trusts the cluster registry by its CA (TLS, never skip_verify)", () => {
    const toml = registryHostsToml("vm:5000", "/s/ca.crt");
    assert.match(toml, /^server = "https:\/\/vm:5000"$/m);
    assert.match(toml, /ca = "\/s\/ca.crt"/);
    assert.doesNotMatch(toml, /skip_verify/);
  });

  it("CoreDNS answers cluster names only (no forward) under the names the network policies allow", () => {
    const objects = corednsObjects("r/coredns:v1", DNS_SERVICE_IP, "cluster.local", { selector: {}, tolerations: [] })
      .split("\n")
      .map((l) => JSON.parse(l));
    const corefile: string = objects.find((o) => o.kind === "ConfigMap").data.Corefile;
    assert.doesNotMatch(corefile, /forward|proxy/);
    assert.match(corefile, /kubernetes cluster\.local/);
    const deployment = objects.find((o) => o.kind === "Deployment");
    assert.equal(deployment.metadata.name, "coredns");
    assert.equal(deployment.spec.template.metadata.labels["k8s-app"], "kube-dns");
    const service = objects.find((o) => o.kind === "Service");
    assert.equal(service.metadata.name, "kube-dns");
    assert.equal(service.metadata.namespace, "kube-system");
    assert.equal(service.spec.clusterIP, DNS_SERVICE_IP);
  });

  it("an iptables -S rule splits into arguments with its quoted comment whole", () => {
    assert.deepEqual(splitRule('-m comment --comment "kubernetes service portals" -j KUBE-SERVICES'), [
      "-m",
      "comment",
      "--comment",
      "kubernetes service portals",
      "-j",
      "KUBE-SERVICES",
    ]);
  });
});
