import type * as k8s from "@pulumi/kubernetes";
import { standardLabels } from "../shared";

/** The namespace, enforcing the Pod Security Standard `restricted` profile on every pod in it. */
export function buildNamespace(name: string, instance: string): k8s.core.v1.NamespaceArgs {
  return {
    metadata: {
      name,
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
