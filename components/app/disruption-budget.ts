import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { MoonTvAppSettings } from "./args";
import { appLabels, appSelector } from "./labels";
import { APP_NAME } from "./names";

/** Keeps all but one replica through voluntary disruptions (drains, upgrades); none for one replica. */
export function buildAppPodDisruptionBudget(
  app: Pick<MoonTvAppSettings, "replicas">,
  namespace: pulumi.Input<string>,
  instance: string,
): k8s.policy.v1.PodDisruptionBudgetArgs | undefined {
  if (app.replicas < 2) return undefined; // a PDB over one replica would block every node drain
  return {
    metadata: { name: APP_NAME, namespace, labels: appLabels(instance) },
    spec: { maxUnavailable: 1, selector: { matchLabels: appSelector(instance) } },
  };
}
