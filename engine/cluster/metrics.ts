/**
 * The local cluster's resource metrics: metrics-server v0.8.0 (engine/metrics-server), run as a process of
 * the cluster on the node's address and registered as the `metrics.k8s.io` API, so that an HPA reads its
 * pods' CPU as on any cluster. Pure parts here; steps/metrics.ts runs it.
 */
import { NODE_IP } from "./node-network";

export const METRICS_SERVER_USER = "system:metrics-server";
export const METRICS_API = "v1beta1.metrics.k8s.io";

/**
 * What metrics-server needs, as upstream's manifests give it: read nodes' metrics and pods, delegate
 * authentication and authorization of the API server's proxied requests, read the request-header CA; and
 * its API: a Service without a selector whose EndpointSlice is the node's address, and the APIService,
 * trusting the cluster's CA (which signed metrics-server's serving certificate).
 */
export function metricsServerObjects(port: number, caBundle: string): object {
  const user = { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: METRICS_SERVER_USER };
  const ns = "kube-system";
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: METRICS_SERVER_USER },
        rules: [
          { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
          { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
        ],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: METRICS_SERVER_USER },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: METRICS_SERVER_USER },
        subjects: [user],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name: "metrics-server:system:auth-delegator" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
        subjects: [user],
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "metrics-server-auth-reader", namespace: ns },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: "extension-apiserver-authentication-reader",
        },
        subjects: [user],
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "metrics-server", namespace: ns },
        spec: { ports: [{ name: "https", port: 443, targetPort: port, protocol: "TCP" }] },
      },
      {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name: "metrics-server-node",
          namespace: ns,
          labels: {
            "kubernetes.io/service-name": "metrics-server",
            "endpointslice.kubernetes.io/managed-by": "moontv-cluster",
          },
        },
        addressType: "IPv4",
        endpoints: [{ addresses: [NODE_IP], conditions: { ready: true } }],
        ports: [{ name: "https", port, protocol: "TCP" }],
      },
      {
        apiVersion: "apiregistration.k8s.io/v1",
        kind: "APIService",
        metadata: { name: METRICS_API },
        spec: {
          group: "metrics.k8s.io",
          version: "v1beta1",
          service: { name: "metrics-server", namespace: ns, port: 443 },
          caBundle: Buffer.from(caBundle).toString("base64"),
          groupPriorityMinimum: 100,
          versionPriority: 100,
        },
      },
    ],
  };
}

/** metrics-server's command line: the node's kubelet by its address, scraped every 15 s. */
export function metricsServerArgs(o: {
  kubeconfig: string;
  port: number;
  certFile: string;
  keyFile: string;
  requestHeaderCa: string;
}): string[] {
  return [
    `--kubeconfig=${o.kubeconfig}`,
    `--authentication-kubeconfig=${o.kubeconfig}`,
    `--authorization-kubeconfig=${o.kubeconfig}`,
    `--requestheader-client-ca-file=${o.requestHeaderCa}`,
    `--bind-address=${NODE_IP}`,
    `--secure-port=${o.port}`,
    `--tls-cert-file=${o.certFile}`,
    `--tls-private-key-file=${o.keyFile}`,
    "--kubelet-preferred-address-types=InternalIP",
    "--kubelet-use-node-status-port",
    // The kubelet serves with a certificate it made itself (no serving CA here), as on kind.
    "--kubelet-insecure-tls",
    "--metric-resolution=15s",
  ];
}
