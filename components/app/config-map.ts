import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { appLabels } from "./labels";
import { APP_CONFIG_NAME } from "./names";

/** The ConfigMap holding config.json (never a secret: it lists public video sources). */
export function buildAppConfigMap(
  namespace: pulumi.Input<string>,
  instance: string,
  configJsonText: string,
): k8s.core.v1.ConfigMapArgs {
  return {
    metadata: { name: APP_CONFIG_NAME, namespace, labels: appLabels(instance) },
    data: { "config.json": configJsonText },
  };
}
