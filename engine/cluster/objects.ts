/**
 * What the local cluster is given at `up`: KWOK's configuration with the stages that move fake nodes and
 * pods through their lives (KWOK's own "fast" stages, read from the pinned module), two fake nodes, and a
 * default host-path StorageClass for the controller-manager's provisioner.
 */
import * as fs from "fs";
import * as path from "path";

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
  return [head, ...stages].join("\n---\n") + "\n";
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

export function storageClass(): string {
  return [
    "---",
    "apiVersion: storage.k8s.io/v1",
    "kind: StorageClass",
    "metadata:",
    "  name: standard",
    "  annotations:",
    '    storageclass.kubernetes.io/is-default-class: "true"',
    "provisioner: kubernetes.io/host-path",
    "reclaimPolicy: Delete",
    "volumeBindingMode: Immediate",
    "",
  ].join("\n");
}
