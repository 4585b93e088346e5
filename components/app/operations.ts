import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { Settings } from "../../stacks/settings/types";
import { appLabels, appSelector } from "./deployment";
import { APP_NAME, APP_PORT } from "./names";
import { SKIP_AWAIT } from "../shared/annotations";

type AppSettings = Settings["app"];

/**
 * Spread replicas over nodes and zones. `ScheduleAnyway`: a single-node cluster still schedules every
 * replica, and a multi-node one spreads them so one node's loss takes at most a share of them.
 */
export function appTopologySpread(instance: string): k8s.types.input.core.v1.TopologySpreadConstraint[] {
  return ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: appSelector(instance) },
  }));
}

/** Keeps all but one replica through voluntary disruptions (drains, upgrades); none for one replica. */
export function buildAppPodDisruptionBudget(
  app: AppSettings,
  namespace: pulumi.Input<string>,
  instance: string,
): k8s.policy.v1.PodDisruptionBudgetArgs | undefined {
  if (app.replicas < 2) return undefined; // a PDB over one replica would block every node drain
  return {
    metadata: { name: APP_NAME, namespace, labels: appLabels(instance) },
    spec: { maxUnavailable: 1, selector: { matchLabels: appSelector(instance) } },
  };
}

/** CPU-based autoscaling between `replicas` and `autoscaling.maxReplicas`. */
export function buildAppAutoscaler(
  app: AppSettings,
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
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: app.autoscaling.targetCPUUtilization } } }],
      // Scale down slowly: search traffic is bursty and a cold Next.js replica is slower at first.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
    },
  };
}

/**
 * An Ingress to Service `moontv`, with TLS from an existing Secret when named. Unless
 * `waitForLoadBalancer`, `pulumi up` does not wait for a load-balancer address in its status.
 */
export function buildAppIngress(
  ingress: Settings["ingress"],
  namespace: pulumi.Input<string>,
  instance: string,
): k8s.networking.v1.IngressArgs | undefined {
  if (!ingress.enabled) return undefined;
  return {
    metadata: {
      name: APP_NAME,
      namespace,
      labels: appLabels(instance),
      annotations: ingress.waitForLoadBalancer ? ingress.annotations : { ...ingress.annotations, [SKIP_AWAIT]: "true" },
    },
    spec: {
      ingressClassName: ingress.className,
      tls: ingress.tlsSecretName ? [{ hosts: [ingress.host!], secretName: ingress.tlsSecretName }] : undefined,
      rules: [
        {
          host: ingress.host,
          http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: APP_NAME, port: { number: APP_PORT } } } }] },
        },
      ],
    },
  };
}
