/** The default StorageClass: the controller-manager's host-path provisioner binds every claim at once. */
import { kubectl } from "../kube";
import { storageClass } from "../objects";
import type { Step } from "../step";

export const storage: Step = {
  name: "storage",
  async run(): Promise<string> {
    kubectl(["apply", "-f", "-"], storageClass());
    return "StorageClass standard (default; kubernetes.io/host-path, volumes under /tmp/hostpath_pv)";
  },
};
