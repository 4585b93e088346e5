import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { MoonTvAppSettings } from "./args";
import { appLabels } from "./labels";
import { APP_NAME } from "./names";

/** CPU-based autoscaling between `replicas` and `autoscaling.maxReplicas`. */
export function buildAppAutoscaler(
  app: Pick<MoonTvAppSettings, "replicas" | "autoscaling">,
  namespace: pulumi.Input<string>,
  instance: string,
): k8s.autoscaling.v2.HorizontalPodAutoscalerArgs | undefined {
  if (!app.autoscaling.enabled) return undefined;
  return {
    metadata: { name: APP_NAME, namespace, labels: appLabels(instance) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: APP_NAME },
      minReplicas: app.replicas,
      maxReplicas: app.autoscaling.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: { type: "Utilization", averageUtilization: app.autoscaling.targetCPUUtilization },
          },
        },
      ],
      // Scale down slowly: search traffic is bursty and a cold Next.js replica is slower at first.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}
