/**
 * The local cluster's NetworkPolicy enforcer: kube-router v2.1.0 (engine/kube-router) with its firewall
 * alone (iptables + ipset, which this kernel has), beside the bridge CNI, kube-proxy and CoreDNS that do
 * the rest. Why kube-router and not the others the Go module proxy serves: sigs.k8s.io/kube-network-policies
 * needs nftables' queue (CONFIG_NFT_QUEUE is unset here), and Cilium would replace the pod network with
 * eBPF and compile its datapath with clang at runtime. Pure parts here; steps/network-policy.ts runs it.
 */
import { NODE_NAME, SERVICE_CIDR } from "./node-network";

/** The identity of kube-router's client certificate (engine/cluster/pki.ts). */
export const KUBE_ROUTER_USER = "system:kube-router";

/** Chain kube-router hooks into FORWARD; its presence says the firewall has synced once. */
export const KUBE_ROUTER_FORWARD_CHAIN = "KUBE-ROUTER-FORWARD";

/** What kube-router's informers read (pkg/cmd/kube-router.go starts them all, whatever runs): read-only. */
export function kubeRouterRbac(): object {
  const rules = [
    {
      apiGroups: [""],
      resources: ["namespaces", "pods", "services", "endpoints", "nodes"],
      verbs: ["get", "list", "watch"],
    },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
  ];
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: KUBE_ROUTER_USER }, rules },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: KUBE_ROUTER_USER },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: KUBE_ROUTER_USER },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: KUBE_ROUTER_USER }],
      },
    ],
  };
}

/**
 * kube-router's command line: the firewall only (no BGP routing, no IPVS proxy, no CNI configuration of
 * its own), IPv4 only as the cluster is, for the real node's pods (the fake nodes' pods never send a
 * packet), re-synced every 30 s besides on every change. Metrics off; the health port is the one probe.
 */
export function kubeRouterArgs(kubeconfig: string, healthPort: number): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--hostname-override=${NODE_NAME}`,
    "--run-firewall=true",
    "--run-router=false",
    "--run-service-proxy=false",
    "--enable-cni=false",
    "--enable-ipv4=true",
    "--enable-ipv6=false",
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    "--iptables-sync-period=30s",
    `--health-port=${healthPort}`,
    "--metrics-port=0",
  ];
}

/** ipsets kube-router makes for the policies' peers (pkg/controllers/netpol: KUBE-SRC-…, KUBE-DST-…). */
export const KUBE_ROUTER_IPSET = /^KUBE-(SRC|DST)-/;
