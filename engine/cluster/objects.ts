/**
 * What the local cluster is given at `up`: KWOK's configuration with the stages that move fake nodes and
 * pods through their lives (KWOK's own "fast" stages, read from the pinned module, and one of ours for the
 * volume helper pods), two fake nodes, and CoreDNS.
 */
import * as fs from "fs";
import * as path from "path";
import { localPathHelperStage } from "./local-path";

/**
 * KWOK's own stage files: nodes become Ready at once and keep a heartbeat (else the node lifecycle
 * controller takes them for dead after 40 s and marks every pod not Ready); pods become Ready at once,
 * and go away when deleted.
 */
export const KWOK_STAGES = [
  "node/fast/node-initialize.yaml",
  "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "pod/fast/pod-ready.yaml",
  "pod/fast/pod-complete.yaml",
  "pod/fast/pod-delete.yaml",
];

export function kwokConfig(stageDir: string): string {
  // KWOK fills in its option defaults only for a configuration it makes itself: a file must say them.
  const head = [
    "apiVersion: config.kwok.x-k8s.io/v1alpha1",
    "kind: KwokConfiguration",
    "options:",
    "  cidr: 10.0.0.0/24",
    "  podPlayStageParallelism: 4",
    "  nodePlayStageParallelism: 4",
    "  nodeLeaseParallelism: 4",
    "  podsOnNodeSyncParallelism: 1",
    "",
  ].join("\n");
  const stages = KWOK_STAGES.map((f) => fs.readFileSync(path.join(stageDir, f), "utf8").trim());
  return [head, ...stages, localPathHelperStage()].join("\n---\n") + "\n";
}

export function fakeNodes(names: string[]): string {
  return names
    .map((name) =>
      [
        "---",
        "apiVersion: v1",
        "kind: Node",
        "metadata:",
        `  name: ${name}`,
        "  annotations:",
        "    kwok.x-k8s.io/node: fake",
        '    node.alpha.kubernetes.io/ttl: "0"',
        "  labels:",
        "    type: kwok",
        `    kubernetes.io/hostname: ${name}`,
        "    kubernetes.io/os: linux",
        "    kubernetes.io/arch: amd64",
        "    topology.kubernetes.io/zone: local",
        "status:",
        '  allocatable: {cpu: "16", memory: 64Gi, pods: "110"}',
        '  capacity: {cpu: "16", memory: 64Gi, pods: "110"}',
        "",
      ].join("\n"),
    )
    .join("");
}

/**
 * CoreDNS as the cluster DNS, under the names the program's network policies allow (Deployment `coredns`
 * labelled `k8s-app=kube-dns`, Service `kube-dns` in kube-system): it answers cluster names only (no
 * `forward`: nothing leaves the machine), runs non-root on the real node (containerd lets a pod bind
 * ports below 1024), and reads Services and EndpointSlices with upstream's ClusterRole.
 */
export function corednsObjects(image: string, serviceIp: string, clusterDomain: string, node: NodeChoice): string {
  const corefile = [
    ".:53 {",
    "    errors",
    "    health :8080",
    "    ready :8181",
    `    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {`,
    "        pods insecure",
    "        fallthrough in-addr.arpa ip6.arpa",
    "        ttl 30",
    "    }",
    "    prometheus :9153",
    "    cache 30",
    "    loadbalance",
    "}",
  ].join("\n");
  const objects = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "coredns", namespace: "kube-system" } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "system:coredns" },
      rules: [
        { apiGroups: [""], resources: ["endpoints", "services", "pods", "namespaces"], verbs: ["list", "watch"] },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "system:coredns" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:coredns" },
      subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: "kube-system" }],
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "coredns", namespace: "kube-system" },
      data: { Corefile: corefile },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { "k8s-app": "kube-dns" } },
        template: {
          metadata: { labels: { "k8s-app": "kube-dns" } },
          spec: {
            serviceAccountName: "coredns",
            priorityClassName: "system-cluster-critical",
            dnsPolicy: "Default",
            nodeSelector: node.selector,
            tolerations: node.tolerations,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "coredns",
                image,
                args: ["-conf", "/etc/coredns/Corefile"],
                ports: [
                  { name: "dns", containerPort: 53, protocol: "UDP" },
                  { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                  { name: "metrics", containerPort: 9153, protocol: "TCP" },
                ],
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                livenessProbe: { httpGet: { path: "/health", port: 8080 }, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 2 },
                volumeMounts: [{ name: "config", mountPath: "/etc/coredns", readOnly: true }],
              },
            ],
            volumes: [{ name: "config", configMap: { name: "coredns" } }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        clusterIP: serviceIp,
        selector: { "k8s-app": "kube-dns" },
        ports: [
          { name: "dns", port: 53, targetPort: 53, protocol: "UDP" },
          { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" },
          { name: "metrics", port: 9153, targetPort: 9153, protocol: "TCP" },
        ],
      },
    },
  ];
  return objects.map((o) => JSON.stringify(o)).join("\n");
}

/** Where a workload of the cluster's own runs: its node selector and tolerations. */
export interface NodeChoice {
  selector: Record<string, string>;
  tolerations: Array<{ key: string; operator: string; value: string; effect: string }>;
}
