import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { appLabels } from "./labels";
import { APP_SECRET_NAME } from "./names";

/** The app Secret; values are Pulumi secrets (or outputs of secret resources). */
export function buildAppSecret(
  namespace: pulumi.Input<string>,
  instance: string,
  values: Record<string, pulumi.Input<string>>,
): k8s.core.v1.SecretArgs {
  return {
    metadata: { name: APP_SECRET_NAME, namespace, labels: appLabels(instance) },
    type: "Opaque",
    stringData: values,
  };
}
