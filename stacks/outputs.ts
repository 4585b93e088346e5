import * as pulumi from "@pulumi/pulumi";

/**
 * The stack-output contract: what other Pulumi programs may read through a StackReference. Adding a
 * field is compatible; renaming or removing one breaks consumers.
 */
export interface MoonTvStackOutputs {
  /** Kubernetes namespace of the platform. */
  namespace: string;
  /** Name of the app Service (`moontv`). */
  appServiceName: string;
  /** Fully qualified in-cluster DNS name of the app Service, e.g. `moontv.moontv.svc.cluster.local`. */
  appServiceHost: string;
  /** Port of the app Service (3000). */
  appPort: number;
  /** In-cluster URL of the app, e.g. `http://moontv.moontv.svc.cluster.local:3000`. */
  appUrl: string;
  /** The image the app runs, `repo@sha256:…` when built or pinned. */
  imageRef: string;
  /** The app's storage type: `redis`, `kvrocks`, `localstorage` or `upstash`. */
  storageType: string;
  /** In-namespace host of Redis (`redis`), when storage is redis. */
  redisHost?: string;
  /** Redis port (6379), when storage is redis. */
  redisPort?: number;
  /** `redis://:<password>@redis:6379`, a secret, when storage is redis. */
  redisUrl?: string;
  /** In-namespace host of Kvrocks (`kvrocks`), when storage is kvrocks. */
  kvrocksHost?: string;
  /** Kvrocks port (6666), when storage is kvrocks. */
  kvrocksPort?: number;
  /** `redis://:<password>@kvrocks:6666`, a secret, when storage is kvrocks. */
  kvrocksUrl?: string;
  /** In-cluster URL of Prometheus, when monitoring is on. */
  prometheusUrl?: string;
  /** In-cluster URL of Grafana, when Grafana is on. */
  grafanaUrl?: string;
  /** Names of every Service of the platform (compose's service names). */
  serviceNames: string[];
  /** Public host of the Ingress, when one is configured. */
  ingressHost?: string;
}

/** Keys whose values are Pulumi secrets; a reader must keep them secret. */
export const SECRET_OUTPUT_KEYS = ["redisUrl", "kvrocksUrl"] as const satisfies ReadonlyArray<keyof MoonTvStackOutputs>;

export type StackOutputValues = { [K in keyof MoonTvStackOutputs]-?: pulumi.Output<MoonTvStackOutputs[K]> };

export interface PlatformOutputSources {
  namespace: pulumi.Input<string>;
  appServiceName: pulumi.Input<string>;
  appPort: number;
  imageRef: pulumi.Input<string>;
  storageType: string;
  redis?: { host: string; port: number; url: pulumi.Output<string> };
  kvrocks?: { host: string; port: number; url: pulumi.Output<string> };
  prometheusUrl?: pulumi.Output<string>;
  grafanaUrl?: pulumi.Output<string>;
  serviceNames: string[];
  ingressHost?: string;
}

/** Cluster DNS suffix used in the in-cluster names. */
export const CLUSTER_DOMAIN = "cluster.local";

/** The outputs a stack exports, derived from what the platform built. */
export function toStackOutputs(src: PlatformOutputSources): StackOutputValues {
  const appServiceHost = pulumi.interpolate`${src.appServiceName}.${src.namespace}.svc.${CLUSTER_DOMAIN}`;
  return {
    namespace: pulumi.output(src.namespace),
    appServiceName: pulumi.output(src.appServiceName),
    appServiceHost,
    appPort: pulumi.output(src.appPort),
    appUrl: pulumi.interpolate`http://${appServiceHost}:${src.appPort}`,
    imageRef: pulumi.output(src.imageRef),
    storageType: pulumi.output(src.storageType),
    redisHost: pulumi.output(src.redis?.host),
    redisPort: pulumi.output(src.redis?.port),
    redisUrl: src.redis ? pulumi.secret(src.redis.url) : pulumi.output(undefined),
    kvrocksHost: pulumi.output(src.kvrocks?.host),
    kvrocksPort: pulumi.output(src.kvrocks?.port),
    kvrocksUrl: src.kvrocks ? pulumi.secret(src.kvrocks.url) : pulumi.output(undefined),
    prometheusUrl: pulumi.output(src.prometheusUrl),
    grafanaUrl: pulumi.output(src.grafanaUrl),
    serviceNames: pulumi.output(src.serviceNames),
    ingressHost: pulumi.output(src.ingressHost),
  };
}
