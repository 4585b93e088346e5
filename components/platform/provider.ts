import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { Settings } from "../../stacks/settings/types";

/** Provider args from the settings; the kubeconfig stays a Pulumi secret. */
export function buildProviderArgs(kubernetes: Settings["kubernetes"], namespace: string): k8s.ProviderArgs {
  return {
    context: kubernetes.context,
    kubeconfig: kubernetes.kubeconfig ? pulumi.secret(kubernetes.kubeconfig.reveal()) : undefined,
    renderYamlToDirectory: kubernetes.renderYamlToDirectory,
    // Objects without an explicit namespace land in ours, never in `default`.
    namespace,
  };
}
