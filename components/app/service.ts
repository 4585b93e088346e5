import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { appLabels, appSelector } from "./labels";
import { APP_NAME, APP_PORT } from "./names";

/** ClusterIP Service `moontv` on 3000, as compose publishes it. */
export function buildAppService(namespace: pulumi.Input<string>, instance: string): k8s.core.v1.ServiceArgs {
  return {
    metadata: { name: APP_NAME, namespace, labels: appLabels(instance) },
    spec: {
      type: "ClusterIP",
      selector: appSelector(instance),
      ports: [{ name: "http", port: APP_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
