import type * as k8s from "@pulumi/kubernetes";
import { standardLabels } from "../shared";

/**
 * The namespace, enforcing the Pod Security Standard `restricted` profile on every pod in it, with the
 * stack's own annotations (`moontv:kubernetes.namespaceAnnotations`).
 */
export function buildNamespace(
  name: string,
  instance: string,
  annotations: Readonly<Record<string, string>> = {},
): k8s.core.v1.NamespaceArgs {
  return {
    metadata: {
      name,
      ...(Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
      labels: {
        ...standardLabels({ name: "moontv", instance, component: "namespace" }),
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  };
}
