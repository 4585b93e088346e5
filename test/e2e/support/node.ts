/** The real node's containers as containerd sees them (crictl on the node's own socket). */
import { spawnSync } from "child_process";
import * as path from "path";
import { CONTAINERD_SOCKET } from "../../../engine/cluster/paths";
import { BIN, type Kube } from "./engine";

/** `crictl inspect` of a container named by a pod status's `containerd://<id>`. */
export function crictlInspect(containerId: string): { status: Kube; info: Kube } {
  const r = spawnSync(
    path.join(BIN, "crictl"),
    ["--runtime-endpoint", `unix://${CONTAINERD_SOCKET}`, "inspect", containerId.replace(/^containerd:\/\//, "")],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`crictl inspect ${containerId}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
