/**
 * etcd, kube-apiserver, kube-controller-manager and kube-scheduler. The API server listens on the node's
 * bridge address (pods and the kubelet reach it there; the host too), and its admission plugins include
 * PodNodeSelector and PodTolerationRestriction, with which a namespace opts into the tainted real node.
 */
import * as fs from "fs";
import * as path from "path";
import { freePort, stablePort } from "../host-tools";
import { kubectl, kubectlSucceeds, writeKubeconfig } from "../kube";
import { NODE_IP, SERVICE_CIDR } from "../node-network";
import { KUBECONFIG, STATE } from "../paths";
import { logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";

async function httpOk(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/**
 * True once the `kubernetes` EndpointSlice names this API server's port. One killed without a shutdown
 * (a crash) leaves its own port there, and the lease reconciler keeps an endpoint whose address is right
 * whatever its port: that stale slice is deleted, and the reconciler writes it anew.
 */
function kubernetesEndpointIsCurrent(apiPort: number): boolean {
  const ports = kubectl([
    "-n",
    "default",
    "get",
    "endpointslices",
    "-l",
    "kubernetes.io/service-name=kubernetes",
    "-o",
    "jsonpath={.items[*].ports[*].port}",
  ]).trim();
  if (ports === String(apiPort)) return true;
  if (ports) {
    kubectl(["-n", "default", "delete", "endpointslices", "-l", "kubernetes.io/service-name=kubernetes"]);
    kubectl(["-n", "default", "delete", "endpoints", "kubernetes", "--ignore-not-found"]);
  }
  return false;
}

export const controlPlane: Step = {
  name: "control plane",
  async run(ctx: ClusterContext): Promise<string> {
    const { pki, started } = ctx;
    const [etcdPort, etcdPeer, cmPort, schedPort] = await Promise.all(Array.from({ length: 4 }, () => freePort()));
    // Stable across runs: kubeconfigs stay valid, and so does the `kubernetes` Service's endpoint, which an
    // API server killed without a shutdown leaves behind.
    fs.mkdirSync(STATE, { recursive: true });
    const apiPort = await stablePort(path.join(STATE, "apiserver.port"), NODE_IP);
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    start(
      "etcd",
      [
        "--name=moontv",
        `--data-dir=${path.join(STATE, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=moontv=http://127.0.0.1:${etcdPeer}`,
        "--quota-backend-bytes=2147483648",
        "--unsafe-no-fsync", // a throw-away test cluster: durability buys nothing and costs seconds
      ],
      etcdPort,
      started,
    );
    await waitFor(
      "etcd",
      30_000,
      () => httpOk(`${etcdUrl}/health`),
      () => logTail("etcd"),
    );

    start(
      "kube-apiserver",
      [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${NODE_IP}`,
        `--advertise-address=${NODE_IP}`,
        `--secure-port=${apiPort}`,
        `--cert-dir=${path.join(STATE, "apiserver-certs")}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        // To the kubelet (logs, exec, port-forward) as the admin; the kubelet trusts the cluster's CA.
        `--kubelet-client-certificate=${pki.adminCert}`,
        `--kubelet-client-key=${pki.adminKey}`,
        // The node's name resolves nowhere: dial the kubelet at its address.
        "--kubelet-preferred-address-types=InternalIP",
        `--service-account-key-file=${pki.serviceAccountPub}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--authorization-mode=Node,RBAC",
        // PodSecurity and ServiceAccount are on by default; named here so that the claim is visible.
        "--enable-admission-plugins=NodeRestriction,PodSecurity,ServiceAccount,PodNodeSelector,PodTolerationRestriction",
        "--allow-privileged=true",
        // The aggregation layer (metrics-server's metrics.k8s.io): the API server proxies to it as
        // front-proxy-client, from a CA of its own, and dials its endpoint (on the node) directly.
        `--requestheader-client-ca-file=${pki.frontProxyCaCert}`,
        "--requestheader-allowed-names=front-proxy-client",
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        `--proxy-client-cert-file=${pki.frontProxyCert}`,
        `--proxy-client-key-file=${pki.frontProxyKey}`,
        "--enable-aggregator-routing=true",
      ],
      apiPort,
      started,
    );
    writeKubeconfig(KUBECONFIG, `https://${NODE_IP}:${apiPort}`, "admin", pki.caCert, pki.adminCert, pki.adminKey);
    await waitFor(
      "kube-apiserver",
      90_000,
      async () => kubectlSucceeds(["get", "--raw", "/readyz"]),
      () => logTail("kube-apiserver"),
    );

    // Both controllers talk to the API server as the admin and serve their own health port on loopback.
    const controllerFlags = (port: number) => [
      `--kubeconfig=${KUBECONFIG}`,
      `--authentication-kubeconfig=${KUBECONFIG}`,
      `--authorization-kubeconfig=${KUBECONFIG}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      "--leader-elect=false",
    ];
    start(
      "kube-controller-manager",
      [
        ...controllerFlags(cmPort),
        "--use-service-account-credentials=true",
        `--service-account-private-key-file=${pki.serviceAccountKey}`,
        `--root-ca-file=${pki.caCert}`,
        `--cluster-signing-cert-file=${pki.caCert}`,
        `--cluster-signing-key-file=${pki.caKey}`,
        "--controllers=*",
      ],
      cmPort,
      started,
    );
    start("kube-scheduler", controllerFlags(schedPort), schedPort, started);
    await waitFor(
      "the default ServiceAccount",
      60_000,
      async () => kubectlSucceeds(["-n", "default", "get", "sa", "default"]),
      () => logTail("kube-controller-manager"),
    );
    await waitFor(
      `Service kubernetes's endpoint ${NODE_IP}:${apiPort}`,
      60_000,
      async () => kubernetesEndpointIsCurrent(apiPort),
      () => logTail("kube-apiserver"),
    );
    ctx.apiPort = apiPort;
    return `etcd, kube-apiserver https://${NODE_IP}:${apiPort}, kube-controller-manager, kube-scheduler`;
  },
};
