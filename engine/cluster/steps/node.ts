/**
 * The nodes: one real node (the kubelet on containerd, registered as moontv-node, tainted so that only
 * namespaces that opt in run there) and KWOK's two fake nodes, which keep what one node cannot show and
 * every workload whose images are tiny stand-ins that cannot run.
 */
import * as fs from "fs";
import * as path from "path";
import { freePort } from "../host-tools";
import { componentKubeconfig, kubectl } from "../kube";
import { kubeletConfig } from "../node-config";
import { NODE_IP, NODE_NAME, REAL_NODE_LABEL, REAL_NODE_TAINT } from "../node-network";
import { kwokConfig, fakeNodes } from "../objects";
import { BIN, CONTAINERD_SOCKET, KUBECONFIG, KUBELET_ROOT, NODE_DIR, STATE } from "../paths";
import { binary, logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";
import { pinnedModule } from "../node-images";

export const FAKE_NODES = ["kwok-node-0", "kwok-node-1"];

function readyNodes(): string[] {
  const out = kubectl([
    "get",
    "nodes",
    "-o",
    'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
  ]);
  return out
    .split("\n")
    .filter((l) => l.endsWith("=True"))
    .map((l) => l.split("=")[0]);
}

async function startKubelet(ctx: ClusterContext): Promise<void> {
  const { pki } = ctx;
  const [port, healthzPort] = await Promise.all([freePort(NODE_IP), freePort()]);
  const kubeconfig = componentKubeconfig(
    "kubelet",
    ctx.apiPort,
    `system:node:${NODE_NAME}`,
    pki.caCert,
    pki.nodeCert,
    pki.nodeKey,
  );
  // Pods resolve cluster names only: the node's own resolv.conf names no server.
  const resolvConf = path.join(NODE_DIR, "resolv.conf");
  fs.writeFileSync(resolvConf, "# the local cluster's pods reach no name server off the machine\n");
  const config = path.join(NODE_DIR, "kubelet.json");
  fs.writeFileSync(
    config,
    kubeletConfig({
      containerdSocket: CONTAINERD_SOCKET,
      port,
      healthzPort,
      clientCaFile: pki.caCert,
      resolvConf,
      podLogsDir: path.join(NODE_DIR, "pod-logs"),
    }),
  );
  const env = { ...process.env, PATH: `${BIN}:${process.env.PATH ?? ""}` };
  start(
    "kubelet",
    [
      `--config=${config}`,
      `--kubeconfig=${kubeconfig}`,
      `--root-dir=${KUBELET_ROOT}`,
      `--cert-dir=${path.join(NODE_DIR, "kubelet-pki")}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      `--node-labels=${REAL_NODE_LABEL.key}=${REAL_NODE_LABEL.value}`,
      `--register-with-taints=${REAL_NODE_TAINT.key}=${REAL_NODE_TAINT.value}:${REAL_NODE_TAINT.effect}`,
    ],
    port,
    ctx.started,
    binary("kubelet"),
    env,
  );
}

function startKwok(ctx: ClusterContext, port: number): void {
  const file = path.join(STATE, "kwok.yaml");
  const stages = path.join(pinnedModule("kwok", "sigs.k8s.io/kwok").dir, "kustomize", "stage");
  fs.writeFileSync(file, kwokConfig(stages));
  start(
    "kwok",
    [
      `--kubeconfig=${KUBECONFIG}`,
      `--config=${file}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      `--server-address=127.0.0.1:${port}`,
      "--node-ip=127.0.0.1",
      // Node leases renewed by KWOK are the heartbeat the node lifecycle controller watches.
      "--node-lease-duration-seconds=40",
    ],
    port,
    ctx.started,
  );
}

export const nodes: Step = {
  name: "node",
  async run(ctx: ClusterContext): Promise<string> {
    await startKubelet(ctx);
    startKwok(ctx, await freePort());
    kubectl(["apply", "-f", "-"], fakeNodes(FAKE_NODES));
    await waitFor(
      `node ${NODE_NAME} Ready (kubelet)`,
      120_000,
      async () => readyNodes().includes(NODE_NAME),
      () => logTail("kubelet", 25),
    );
    await waitFor(
      "the fake nodes Ready (KWOK)",
      60_000,
      async () => FAKE_NODES.every((n) => readyNodes().includes(n)),
      () => logTail("kwok"),
    );
    const version = kubectl([
      "get",
      "node",
      NODE_NAME,
      "-o",
      "jsonpath={.status.nodeInfo.kubeletVersion} {.status.nodeInfo.containerRuntimeVersion}",
    ]);
    return `${NODE_NAME} Ready (kubelet ${version}, ${NODE_IP}, tainted ${REAL_NODE_TAINT.key}); fake ${FAKE_NODES.join(", ")} Ready (KWOK)`;
  },
};
