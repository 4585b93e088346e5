/**
 * One-off pods of the specs on the real node, as restricted as the program's own (PodSecurity
 * `restricted`), running scripts in the runtime base's Node.js (the stand-in has no shell), and scripts
 * run by `kubectl exec` in any container that has that Node.js (the app's image too).
 */
import { realNodeNamespaceAnnotations } from "../../../engine/cluster/node-network";
import { kubectl, type Kube } from "./engine";

/** Where distroless (and its stand-in, and so the app's image) keeps node. */
export const POD_NODE = "/nodejs/bin/node";

/** The pod-level securityContext of a restricted pod, as uid 1001. */
export function restrictedPodSecurity(): Kube {
  return {
    runAsNonRoot: true,
    runAsUser: 1001,
    runAsGroup: 1001,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** A restricted container running `node -e script` in `image` (a read-only root unless told otherwise). */
export function nodeScriptContainer(name: string, image: string, script: string, readOnlyRoot = true): Kube {
  return {
    name,
    image,
    // The stand-in's tag is `latest`: kept, not pulled again, once the node has it.
    imagePullPolicy: "IfNotPresent",
    args: ["-e", script],
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      ...(readOnlyRoot ? { readOnlyRootFilesystem: true } : {}),
    },
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
  };
}

/** Runs `node -e script` in a running container (`pod` or `deploy/<name>`); answers its trimmed output. */
export function nodeInPod(namespace: string, pod: string, script: string, container?: string): string {
  return kubectl([
    "-n",
    namespace,
    "exec",
    pod,
    ...(container ? ["-c", container] : []),
    "--",
    POD_NODE,
    "-e",
    script,
  ]).trim();
}

/** A namespace of the specs' own whose pods run on the real node, enforcing PodSecurity `restricted`. */
export function realNodeNamespace(name: string): void {
  kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        annotations: realNodeNamespaceAnnotations(),
        labels: { "pod-security.kubernetes.io/enforce": "restricted" },
      },
    }),
  );
}
