/**
 * The addresses of the local cluster's one real node, in one place. The pods' bridge is the cluster's own
 * (`moontv0`), with no route off the machine and no masquerade: the node and the API server take its
 * gateway address, because the kubelet refuses a loopback node IP and pods must reach the API server.
 */
export const NODE_NAME = "moontv-node";
export const BRIDGE = "moontv0";
export const POD_CIDR = "10.244.0.0/24";
/** The bridge's own address: the node IP, the pods' gateway, where the API server listens. */
export const NODE_IP = "10.244.0.1";
export const SERVICE_CIDR = "10.96.0.0/16";
/** The `kubernetes` Service's ClusterIP (the first of the range): in the API server's certificate. */
export const KUBERNETES_SERVICE_IP = "10.96.0.1";
export const DNS_SERVICE_IP = "10.96.0.10";

/**
 * The real node is tainted, so that only pods that tolerate it run there: the fake nodes keep every
 * workload whose images are tiny stand-ins (they cannot run), and a namespace opts into the real node
 * with the two annotations below (the API server's PodNodeSelector and PodTolerationRestriction
 * admission plugins add the selector and the toleration to each of its pods).
 */
export const REAL_NODE_TAINT = { key: "moontv.dev/real-node", value: "true", effect: "NoSchedule" } as const;
export const REAL_NODE_LABEL = { key: "moontv.dev/node", value: "real" } as const;

/** Annotations that send every pod of a namespace to the real node (and only there). */
export function realNodeNamespaceAnnotations(): Record<string, string> {
  return {
    "scheduler.alpha.kubernetes.io/node-selector": `${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
    "scheduler.alpha.kubernetes.io/defaultTolerations": JSON.stringify([
      { key: REAL_NODE_TAINT.key, operator: "Equal", value: REAL_NODE_TAINT.value, effect: REAL_NODE_TAINT.effect },
    ]),
  };
}
