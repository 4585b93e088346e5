/**
 * The pods' network, made before anything listens on it: the cluster's bridge with the node's address,
 * and the CNI configuration containerd reads (bridge + host-local + portmap, loopback for `lo`).
 */
import * as fs from "fs";
import * as path from "path";
import { makeBridge } from "../host-state";
import { cniConflist, CNI_NETWORK } from "../node-config";
import { BRIDGE, NODE_IP, POD_CIDR } from "../node-network";
import { CNI_DIR } from "../paths";
import type { Step } from "../step";

export const CNI_CONF_DIR = path.join(CNI_DIR, "net.d");

export const podNetwork: Step = {
  name: "pod network",
  async run(): Promise<string> {
    makeBridge();
    fs.mkdirSync(CNI_CONF_DIR, { recursive: true });
    fs.writeFileSync(path.join(CNI_CONF_DIR, `10-${CNI_NETWORK}.conflist`), cniConflist(path.join(CNI_DIR, "ipam")));
    return `bridge ${BRIDGE} ${NODE_IP} for pods in ${POD_CIDR} (no route off the machine, no masquerade)`;
  },
};
