/**
 * The default StorageClass `standard`: the local-path provisioner (engine/cluster/local-path.ts) runs as a
 * process of the cluster and binds each claim to a directory its helper pod makes on the pod's node.
 */
import * as fs from "fs";
import * as path from "path";
import { kubectl } from "../kube";
import {
  LOCAL_PATH_CONFIGMAP,
  LOCAL_PATH_DIR,
  LOCAL_PATH_NAMESPACE,
  LOCAL_PATH_PROVISIONER,
  LOCAL_PATH_SERVICE_ACCOUNT,
  STORAGE_CLASS,
  localPathConfig,
  localPathHelperPod,
  localPathObjects,
} from "../local-path";
import { KUBECONFIG, STATE } from "../paths";
import { logTail, start } from "../processes";
import type { ClusterContext, Step } from "../step";
import { waitFor } from "../wait";

export const storage: Step = {
  name: "storage",
  async run(ctx: ClusterContext): Promise<string> {
    const helperImage = ctx.env.E2E_BUILD_BASE;
    if (!helperImage) throw new Error("the builder step must run first (the helper pod's image is the build base)");
    // --force: a cluster made before kept a host-path class of the same name, whose provisioner and
    // binding mode cannot change in place (the claims already bound keep their volumes).
    kubectl(["apply", "--force", "-f", "-"], localPathObjects());
    const dir = path.join(STATE, "local-path");
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(LOCAL_PATH_DIR, { recursive: true });
    const config = path.join(dir, "config.json");
    const helperPod = path.join(dir, "helper-pod.json");
    fs.writeFileSync(config, localPathConfig(LOCAL_PATH_DIR));
    fs.writeFileSync(helperPod, localPathHelperPod(helperImage));
    start(
      "local-path-provisioner",
      [
        "start",
        `--config=${config}`,
        `--kubeconfig=${KUBECONFIG}`,
        `--namespace=${LOCAL_PATH_NAMESPACE}`,
        `--provisioner-name=${LOCAL_PATH_PROVISIONER}`,
        `--service-account-name=${LOCAL_PATH_SERVICE_ACCOUNT}`,
        `--configmap-name=${LOCAL_PATH_CONFIGMAP}`,
        `--helper-image=${helperImage}`,
        `--helper-pod-file=${helperPod}`,
      ],
      0,
      ctx.started,
    );
    // Its controller has started once it has taken the leader lease (the log says so).
    await waitFor(
      "the local-path provisioner's controller",
      60_000,
      async () => /Started provisioner controller/.test(logTail("local-path-provisioner", 200)),
      () => logTail("local-path-provisioner"),
    );
    return `StorageClass ${STORAGE_CLASS} (default; ${LOCAL_PATH_PROVISIONER}, WaitForFirstConsumer, volumes under ${path.relative(process.cwd(), LOCAL_PATH_DIR) || LOCAL_PATH_DIR})`;
  },
};
