/**
 * What Redis and Kvrocks share as Redis-protocol stores run by a one-replica StatefulSet: a ClusterIP
 * Service under the store's name with a headless one beside it, the config ConfigMap, the password
 * Secret (the password and the `requirepass` file the server includes) and the URL the app is given.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { selectorLabels } from "./labels";

export interface StoreNames {
  /** The store's name: its Service, its pods' `app.kubernetes.io/name`, its container port's name. */
  name: string;
  headlessName: string;
  port: number;
  labels: Record<string, string>;
  instance: string;
}

/** ClusterIP Service `<name>` (the compose host name) and the headless Service the StatefulSet needs. */
export function buildStoreServices(
  namespace: pulumi.Input<string>,
  s: StoreNames,
): {
  service: k8s.core.v1.ServiceArgs;
  headless: k8s.core.v1.ServiceArgs;
} {
  const selector = selectorLabels({ name: s.name, instance: s.instance });
  const ports = [{ name: s.name, port: s.port, targetPort: s.name, protocol: "TCP" }];
  return {
    service: { metadata: { name: s.name, namespace, labels: s.labels }, spec: { type: "ClusterIP", selector, ports } },
    headless: {
      metadata: { name: s.headlessName, namespace, labels: s.labels },
      spec: { clusterIP: "None", selector, ports, publishNotReadyAddresses: true },
    },
  };
}

/** The key of the password in the store's Secret (the probes and the exporters read it there). */
export const STORE_PASSWORD_KEY = "password";

/** The Secret with the password and the `requirepass` file (`auth.conf`); both values are secret. */
export function buildStoreSecret(
  metadata: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> },
  password: pulumi.Input<string>,
  authConf: pulumi.Input<string>,
): k8s.core.v1.SecretArgs {
  return { metadata, type: "Opaque", stringData: { [STORE_PASSWORD_KEY]: password, "auth.conf": authConf } };
}

/** `redis://:<password>@<host>:<port>`, as the app's REDIS_URL and KVROCKS_URL take it. */
export function redisProtocolUrl(host: string, port: number, password: string): string {
  return `redis://:${encodeURIComponent(password)}@${host}:${port}`;
}
