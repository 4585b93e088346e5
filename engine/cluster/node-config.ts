/**
 * Pure builders of the real node's configuration files: containerd's, the CNI network's, the kubelet's
 * and containerd's trust of the cluster's registry. The settings this VM needs are facts measured here
 * (shared DESIGN.md, "A real node"): it drops CAP_SYS_RESOURCE even for root, so nothing may write
 * oom_score_adj; its cgroups are v1; its hard limit of open files is 20000.
 */
import { CLUSTER_DOMAIN } from "../../stacks/outputs";
import { BRIDGE, DNS_SERVICE_IP, NODE_IP, POD_CIDR, SERVICE_CIDR } from "./node-network";

/** The sandbox image containerd runs every pod's network namespace with; made here, never pulled. */
export const SANDBOX_IMAGE = "registry.k8s.io/pause:3.10.2";
/** The CNI network's name (also the name of its conflist file). */
export const CNI_NETWORK = "moontv-pods";

export interface ContainerdPaths {
  root: string;
  state: string;
  socket: string;
  runc: string;
  cniBinDir: string;
  cniConfDir: string;
  /** hosts.toml per registry (containerd's `config_path`). */
  certsDir: string;
}

const toml = (value: string) => JSON.stringify(value);

/** containerd 2.x (config version 3): its own root, state and socket; CRI on Debian's runc, cgroupfs. */
export function containerdConfig(p: ContainerdPaths): string {
  return [
    "version = 3",
    `root = ${toml(p.root)}`,
    `state = ${toml(p.state)}`,
    "[grpc]",
    `  address = ${toml(p.socket)}`,
    "[ttrpc]",
    `  address = ${toml(`${p.socket}.ttrpc`)}`,
    // Its default is /opt/containerd: keep everything under the state directory.
    `[plugins."io.containerd.internal.v1.opt"]`,
    `  path = ${toml(`${p.root}/opt`)}`,
    `[plugins."io.containerd.cri.v1.runtime"]`,
    // runc cannot write oom_score_adj on this VM (CAP_SYS_RESOURCE is dropped): never ask it to.
    "  restrict_oom_score_adj = true",
    // Pods' network namespaces live under the state directory, where `down` finds them.
    "  netns_mounts_under_state_dir = true",
    `[plugins."io.containerd.cri.v1.runtime".containerd]`,
    '  default_runtime_name = "runc"',
    `[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]`,
    `  BinaryName = ${toml(p.runc)}`,
    // cgroup v1 here, and no systemd to delegate to.
    "  SystemdCgroup = false",
    `[plugins."io.containerd.cri.v1.runtime".cni]`,
    `  bin_dirs = [${toml(p.cniBinDir)}]`,
    `  conf_dir = ${toml(p.cniConfDir)}`,
    "  max_conf_num = 1",
    `[plugins."io.containerd.cri.v1.images"]`,
    '  snapshotter = "overlayfs"',
    `[plugins."io.containerd.cri.v1.images".pinned_images]`,
    `  sandbox = ${toml(SANDBOX_IMAGE)}`,
    `[plugins."io.containerd.cri.v1.images".registry]`,
    `  config_path = ${toml(p.certsDir)}`,
    "",
  ].join("\n");
}

/** containerd's hosts.toml for the cluster's TLS registry: pull and resolve, verified against its CA. */
export function registryHostsToml(registry: string, caCert: string): string {
  return [
    `server = ${toml(`https://${registry}`)}`,
    `[host.${toml(`https://${registry}`)}]`,
    '  capabilities = ["pull", "resolve"]',
    `  ca = ${toml(caCert)}`,
    "",
  ].join("\n");
}

/**
 * The pods' network: the cluster's own bridge with its gateway on the node, host-local addresses kept
 * under the cluster's state (not /var/lib/cni), no masquerade and no default route, only the pod range
 * (on the bridge) and the Service range (through the node, where kube-proxy's rules take it): no packet
 * from a pod can leave the machine.
 */
export function cniConflist(ipamDataDir: string): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: CNI_NETWORK,
      plugins: [
        {
          type: "bridge",
          bridge: BRIDGE,
          isGateway: true,
          isDefaultGateway: false,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            dataDir: ipamDataDir,
            ranges: [[{ subnet: POD_CIDR, gateway: NODE_IP, rangeStart: "10.244.0.10" }]],
            routes: [{ dst: SERVICE_CIDR, gw: NODE_IP }],
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export interface KubeletConfigInput {
  containerdSocket: string;
  port: number;
  healthzPort: number;
  clientCaFile: string;
  /** A resolv.conf with no name server: pods resolve cluster names only (CoreDNS forwards nothing). */
  resolvConf: string;
  podLogsDir: string;
}

/** The kubelet's KubeletConfiguration for this VM (cgroup v1, no oom_score_adj, at most 20000 files). */
export function kubeletConfig(k: KubeletConfigInput): string {
  return JSON.stringify(
    {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      // Kubernetes 1.35+ refuses cgroup v1 unless told; a cgroup v2 host needs neither this nor cgroupfs.
      failCgroupV1: false,
      cgroupDriver: "cgroupfs",
      failSwapOn: false,
      oomScoreAdj: 0,
      maxOpenFiles: 20000,
      containerRuntimeEndpoint: `unix://${k.containerdSocket}`,
      address: NODE_IP,
      port: k.port,
      readOnlyPort: 0,
      healthzBindAddress: "127.0.0.1",
      healthzPort: k.healthzPort,
      // Only holders of a certificate of the cluster's CA (the API server, the admin) reach the kubelet.
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: false },
        x509: { clientCAFile: k.clientCaFile },
      },
      authorization: { mode: "AlwaysAllow" },
      clusterDNS: [DNS_SERVICE_IP],
      clusterDomain: CLUSTER_DOMAIN,
      resolvConf: k.resolvConf,
      podLogsDir: k.podLogsDir,
      // A shared test machine: evict only when the disk or memory is really short.
      evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
      imageGCHighThresholdPercent: 99,
      imageGCLowThresholdPercent: 98,
      serializeImagePulls: false,
      // Heartbeats often enough that a restarted kubelet is seen at once.
      nodeStatusReportFrequency: "10s",
    },
    null,
    2,
  );
}
