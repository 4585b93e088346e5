import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { SKIP_AWAIT } from "../../lib/annotations";
import type { AppIngressSettings } from "./args";
import { appLabels } from "./labels";
import { APP_NAME, APP_PORT } from "./names";

/**
 * An Ingress to Service `moontv`, with TLS from an existing Secret when named. Unless
 * `waitForLoadBalancer`, `pulumi up` does not wait for a load-balancer address in its status.
 */
export function buildAppIngress(
  ingress: AppIngressSettings,
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
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: APP_NAME, port: { number: APP_PORT } } } },
            ],
          },
        },
      ],
    },
  };
}
