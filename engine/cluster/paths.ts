/** Where the local cluster keeps its binaries, state, logs and the environment file: all under .engine/. */
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const ENGINE_DIR = path.join(ROOT, ".engine");
export const BIN = path.join(ENGINE_DIR, "bin");
export const STATE = path.join(ENGINE_DIR, "cluster");
export const PIDS = path.join(STATE, "pids.json");
export const LOGS = path.join(STATE, "logs");
export const KUBECONFIG = path.join(STATE, "kubeconfig");
export const ENV_FILE = path.join(ENGINE_DIR, "env");
/** What the host looked like before the first `up` changed it; removed once `down` has restored it. */
export const HOST_BEFORE = path.join(STATE, "host-before.json");
export const BUILDKIT_STATE = path.join(STATE, "buildkit");
export const BUILDKITD_CONFIG = path.join(STATE, "buildkitd.toml");
export const BUILDKITD_SOCKET = path.join(STATE, "buildkitd.sock");
// buildx's store and the docker CLI config the provider reads: the engine's own, never ~/.docker.
export const DOCKER_CONFIG = path.join(ENGINE_DIR, "docker");
/** The real node's own directories: containerd's root and state, the kubelet's, the CNI network's. */
export const NODE_DIR = path.join(STATE, "node");
export const CONTAINERD_ROOT = path.join(NODE_DIR, "containerd", "root");
export const CONTAINERD_STATE = path.join(NODE_DIR, "containerd", "state");
export const CONTAINERD_SOCKET = path.join(NODE_DIR, "containerd.sock");
export const KUBELET_ROOT = path.join(NODE_DIR, "kubelet");
export const CNI_DIR = path.join(NODE_DIR, "cni");
