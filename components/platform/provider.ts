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
    // A changed config.json or redis.conf patches its ConfigMap in place (the workloads roll through
    // their config-hash annotations); by default the provider replaces a ConfigMap on every change,
    // deleting the fixed-name original first.
    enableConfigMapMutable: true,
  };
}
