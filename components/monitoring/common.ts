import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels, standardLabels, type Labels } from "../shared";
import { COMPONENT } from "./names";

export type ObjectMeta = k8s.types.input.meta.v1.ObjectMeta;
export type Container = k8s.types.input.core.v1.Container;

/** uid/gid `nobody`, which the Prometheus-project images use as their USER. */
export const NOBODY = 65534;

/** The five recommended labels of a monitoring object. */
export function monitoringLabels(name: string, instance: string): Labels {
  return standardLabels({ name, instance, component: COMPONENT });
}

/** The immutable selector of a monitoring workload. */
export function monitoringSelector(name: string, instance: string): Labels {
  return selectorLabels({ name, instance });
}

/** Metadata with an explicit, stable name. */
export function meta(name: string, namespace: string, instance: string, extra: Labels = {}): ObjectMeta {
  return { name, namespace, labels: { ...monitoringLabels(name, instance), ...extra } };
}

/** An HTTP probe on a named container port. */
export function httpProbe(
  path: string,
  port: string,
  periodSeconds = 10,
  failureThreshold = 3,
): k8s.types.input.core.v1.Probe {
  return { httpGet: { path, port }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

/** A ClusterIP Service named like its workload, exposing one named port. */
export function service(
  name: string,
  namespace: string,
  instance: string,
  port: number,
  headless = false,
): k8s.types.input.core.v1.Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(name, namespace, instance),
    spec: {
      ...(headless ? { clusterIP: "None" } : {}),
      selector: monitoringSelector(name, instance),
      ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }],
    },
  };
}
