import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import {
  buildStoreSecret,
  buildStoreServices,
  claimTemplate,
  RETAIN_CLAIMS,
  redisProtocolUrl,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  selectorLabels,
  standardLabels,
  STORE_PASSWORD_KEY,
  type DataClaim,
} from "../shared";
import { CONFIG_HASH_ANNOTATION } from "../../lib/annotations";
import {
  REDIS_CONF_PATH,
  REDIS_CONFIG_NAME,
  REDIS_DATA_DIR,
  REDIS_GID,
  REDIS_HEADLESS_NAME,
  REDIS_NAME,
  REDIS_PORT,
  REDIS_SECRET_DIR,
  REDIS_SECRET_NAME,
  REDIS_UID,
} from "./names";

/** What the Redis component needs to know of its settings (the platform maps `moontv:redis` to it). */
export interface RedisSettings {
  /** Tag of the official image, e.g. `7.4`; ignored when `image` is given. */
  version: string;
  image?: string;
  /** Size of the data claim `data-redis-0`, a Kubernetes quantity. */
  storageSize: string;
  /** Its StorageClass; unset = the cluster's default class. */
  storageClass?: string;
  /** Redis memory notation, e.g. `256mb`. */
  maxmemory: string;
  maxmemoryPolicy: string;
  /** `protect` + `retainOnDelete` on the StatefulSet and its claim. */
  protect: boolean;
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
}

export function redisLabels(instance: string): Record<string, string> {
  return standardLabels({ name: REDIS_NAME, instance, component: "cache" });
}

/** `redis-cli ping` with the password from the environment (REDISCLI_AUTH), healthy only on PONG. */
export function redisPingProbe(): k8s.types.input.core.v1.Probe {
  return { exec: { command: ["sh", "-c", `redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping | grep -q PONG`] } };
}

/** Redis's data claim `data` (one replica: claim `data-redis-0`). */
export function redisDataClaim(
  redis: Pick<RedisSettings, "storageSize" | "storageClass">,
  instance: string,
): DataClaim {
  return {
    template: "data",
    labels: redisLabels(instance),
    storageSize: redis.storageSize,
    storageClass: redis.storageClass,
  };
}

export interface RedisWorkloadInputs {
  redis: RedisSettings;
  namespace: pulumi.Input<string>;
  instance: string;
  /** Image ref (digest-pinned in prod). */
  image: pulumi.Input<string>;
  /** Hash of redis.conf, so a config change restarts Redis. */
  configHash: string;
}

export function buildRedisStatefulSet(inputs: RedisWorkloadInputs): k8s.apps.v1.StatefulSetArgs {
  const { redis, namespace, instance } = inputs;
  const ping = redisPingProbe();
  return {
    metadata: { name: REDIS_NAME, namespace, labels: redisLabels(instance) },
    spec: {
      serviceName: REDIS_HEADLESS_NAME,
      replicas: 1,
      selector: { matchLabels: selectorLabels({ name: REDIS_NAME, instance }) },
      // The claim is a resource of its own (components/shared/claims.ts): Pulumi deletes it in dev and
      // keeps it in prod; "Delete" here would let the controller own it and delete it with a replaced StatefulSet.
      persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
      template: {
        metadata: { labels: redisLabels(instance), annotations: { [CONFIG_HASH_ANNOTATION]: inputs.configHash } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(REDIS_UID, REDIS_GID),
          // Time for the final AOF fsync on SIGTERM.
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: REDIS_NAME,
              image: inputs.image,
              imagePullPolicy: "IfNotPresent",
              command: ["redis-server", REDIS_CONF_PATH],
              ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
              env: [
                {
                  name: "REDISCLI_AUTH",
                  valueFrom: { secretKeyRef: { name: REDIS_SECRET_NAME, key: STORE_PASSWORD_KEY } },
                },
              ],
              // Loading a large AOF answers LOADING to PING: the startup probe allows 5 minutes for it.
              startupProbe: { ...ping, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 },
              livenessProbe: { ...ping, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
              readinessProbe: { ...ping, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 3 },
              resources: { requests: { ...redis.resources.requests }, limits: { ...redis.resources.limits } },
              securityContext: restrictedContainerSecurityContext(REDIS_UID, REDIS_GID),
              volumeMounts: [
                { name: "data", mountPath: REDIS_DATA_DIR },
                { name: "config", mountPath: REDIS_CONF_PATH, subPath: "redis.conf", readOnly: true },
                { name: "auth", mountPath: REDIS_SECRET_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: REDIS_CONFIG_NAME, defaultMode: 0o444 } },
            // 0440 with fsGroup 999: readable by redis only.
            {
              name: "auth",
              secret: {
                secretName: REDIS_SECRET_NAME,
                items: [{ key: "auth.conf", path: "auth.conf" }],
                defaultMode: 0o440,
              },
            },
          ],
        },
      },
      volumeClaimTemplates: [claimTemplate(redisDataClaim(redis, instance))],
    },
  };
}

/** ClusterIP Service `redis` (the compose host name) and the headless Service the StatefulSet needs. */
export function buildRedisServices(namespace: pulumi.Input<string>, instance: string) {
  return buildStoreServices(namespace, {
    name: REDIS_NAME,
    headlessName: REDIS_HEADLESS_NAME,
    port: REDIS_PORT,
    labels: redisLabels(instance),
    instance,
  });
}

export function buildRedisConfigMap(
  namespace: pulumi.Input<string>,
  instance: string,
  redisConf: string,
): k8s.core.v1.ConfigMapArgs {
  return {
    metadata: { name: REDIS_CONFIG_NAME, namespace, labels: redisLabels(instance) },
    data: { "redis.conf": redisConf },
  };
}

export function buildRedisSecret(
  namespace: pulumi.Input<string>,
  instance: string,
  password: pulumi.Input<string>,
  authConf: pulumi.Input<string>,
): k8s.core.v1.SecretArgs {
  return buildStoreSecret({ name: REDIS_SECRET_NAME, namespace, labels: redisLabels(instance) }, password, authConf);
}

/** `redis://:<password>@redis:6379`, as MoonTV's REDIS_URL expects. */
export const redisUrl = redisProtocolUrl;
