/**
 * The cluster's volumes: Rancher's local-path provisioner (what kind ships as its default StorageClass)
 * runs beside the control plane and binds each claim to a directory it makes on the claim's node with a
 * helper pod. The controller-manager's host-path provisioner cannot serve the program: its directories are
 * root's and 0750, and fsGroup does not apply to hostPath volumes, so Redis (uid 999) could not write
 * /data. The local-path helper makes each directory 0777, as upstream's default setup script does.
 */
import * as path from "path";
import { NODE_DIR } from "./paths";

export const LOCAL_PATH_NAMESPACE = "local-path-storage";
export const LOCAL_PATH_PROVISIONER = "rancher.io/local-path";
export const LOCAL_PATH_SERVICE_ACCOUNT = "local-path-provisioner-service-account";
export const LOCAL_PATH_CONFIGMAP = "local-path-config";
export const STORAGE_CLASS = "standard";
/** Where the real node's volumes live: one directory per claim, `<pv>_<namespace>_<claim>`. */
export const LOCAL_PATH_DIR = path.join(NODE_DIR, "local-path");

/** The provisioner's own configuration file: every node keeps its volumes under one directory. */
export function localPathConfig(volumeDir: string): string {
  return JSON.stringify({ nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: [volumeDir] }] }, null, 2);
}

/**
 * The helper pod the provisioner copies for each claim (it adds the node, the volumes and the command).
 * Any image with a POSIX sh, mkdir and rm serves: the cluster uses the build base stand-in it already has.
 */
export function localPathHelperPod(image: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "helper-pod", labels: { app: "local-path-helper" } },
    spec: {
      priorityClassName: "system-node-critical",
      containers: [{ name: "helper-pod", image, imagePullPolicy: "IfNotPresent" }],
    },
  });
}

/**
 * The namespace the helper pods run in (privileged: they mount the node's volume directory), their
 * ServiceAccount, the setup and teardown scripts they run (upstream's defaults), and the default
 * StorageClass. WaitForFirstConsumer: the volume is made on the node the scheduler picked for the pod.
 */
export function localPathObjects(): string {
  const objects = [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: LOCAL_PATH_NAMESPACE,
        labels: {
          "pod-security.kubernetes.io/enforce": "privileged",
          "pod-security.kubernetes.io/warn": "privileged",
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: LOCAL_PATH_SERVICE_ACCOUNT, namespace: LOCAL_PATH_NAMESPACE },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: LOCAL_PATH_CONFIGMAP, namespace: LOCAL_PATH_NAMESPACE },
      data: {
        setup: '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\n',
        teardown: '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n',
      },
    },
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name: STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: LOCAL_PATH_PROVISIONER,
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
    },
  ];
  return objects.map((o) => JSON.stringify(o)).join("\n");
}

/**
 * A KWOK stage: a helper pod on a fake node succeeds at once (no container runs there), so that claims of
 * pods the scheduler puts on the fake nodes bind as well; their directories are never made.
 */
export function localPathHelperStage(): string {
  return [
    "apiVersion: kwok.x-k8s.io/v1alpha1",
    "kind: Stage",
    "metadata:",
    "  name: local-path-helper-complete",
    "spec:",
    "  resourceRef:",
    "    apiGroup: v1",
    "    kind: Pod",
    "  selector:",
    "    matchExpressions:",
    "    - key: '.metadata.deletionTimestamp'",
    "      operator: 'DoesNotExist'",
    "    - key: '.metadata.namespace'",
    "      operator: 'In'",
    "      values:",
    `      - '${LOCAL_PATH_NAMESPACE}'`,
    "    - key: '.status.phase'",
    "      operator: 'In'",
    "      values:",
    "      - 'Running'",
    "  next:",
    "    statusTemplate: |",
    "      {{ $now := Now }}",
    "      containerStatuses:",
    "      {{ range .spec.containers }}",
    "      - image: {{ .image | Quote }}",
    "        name: {{ .name | Quote }}",
    "        ready: false",
    "        restartCount: 0",
    "        started: false",
    "        state:",
    "          terminated:",
    "            exitCode: 0",
    "            finishedAt: {{ $now | Quote }}",
    "            reason: Completed",
    "            startedAt: {{ $now | Quote }}",
    "      {{ end }}",
    "      phase: Succeeded",
  ].join("\n");
}
