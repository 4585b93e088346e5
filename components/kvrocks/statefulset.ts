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
  KVROCKS_CONFIG_DIR,
  KVROCKS_CONFIG_NAME,
  KVROCKS_DATA_DIR,
  KVROCKS_GID,
  KVROCKS_HEADLESS_NAME,
  KVROCKS_IMAGE_REPOSITORY,
  KVROCKS_NAME,
  KVROCKS_PORT,
  KVROCKS_RUNTIME_CONFIG_DIR,
  KVROCKS_SECRET_DIR,
  KVROCKS_SECRET_NAME,
  KVROCKS_UID,
} from "./names";

type Probe = k8s.types.input.core.v1.Probe;

/** What Kvrocks is sized and stored with (the component's own args, filled from the settings). */
export interface KvrocksSettings {
  /** Size of the data claim `data-kvrocks-0`, a Kubernetes quantity. */
  storageSize: string;
  /** Its StorageClass; unset = the cluster's default class. */
  storageClass?: string;
  /** `protect` + `retainOnDelete` on the StatefulSet and its claim. */
  protect: boolean;
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
}

export function kvrocksLabels(instance: string): Record<string, string> {
  return standardLabels({ name: KVROCKS_NAME, instance, component: "database" });
}

/** The official image for a version, unless an image is given. */
export function kvrocksImage(version: string, image?: string): string {
  return image ?? `${KVROCKS_IMAGE_REPOSITORY}:${version}`;
}

/** `redis-cli ping` (the image ships redis-tools) with the password from REDISCLI_AUTH: healthy only on PONG. */
export function kvrocksPingProbe(): Probe {
  return { exec: { command: ["sh", "-c", `redis-cli -h 127.0.0.1 -p ${KVROCKS_PORT} ping | grep -q PONG`] } };
}

/** Kvrocks' data claim `data` (one replica: claim `data-kvrocks-0`). */
export function kvrocksDataClaim(
  kvrocks: Pick<KvrocksSettings, "storageSize" | "storageClass">,
  instance: string,
): DataClaim {
  return {
    template: "data",
    labels: kvrocksLabels(instance),
    storageSize: kvrocks.storageSize,
    storageClass: kvrocks.storageClass,
  };
}

export interface KvrocksWorkloadInputs {
  kvrocks: KvrocksSettings;
  namespace: pulumi.Input<string>;
  instance: string;
  /** Image ref (digest-pinned in prod). */
  image: pulumi.Input<string>;
  /** Hash of kvrocks.conf, so a config change restarts Kvrocks. */
  configHash: string;
}

/** Joins the ConfigMap's kvrocks.conf and the Secret's requirepass line into the file Kvrocks runs with. */
export const JOIN_CONFIG_COMMAND = `cat ${KVROCKS_CONFIG_DIR}/kvrocks.conf ${KVROCKS_SECRET_DIR}/auth.conf > ${KVROCKS_RUNTIME_CONFIG_DIR}/kvrocks.conf`;

export function buildKvrocksStatefulSet(inputs: KvrocksWorkloadInputs): k8s.apps.v1.StatefulSetArgs {
  const { kvrocks, namespace, instance } = inputs;
  const ping = kvrocksPingProbe();
  const security = restrictedContainerSecurityContext(KVROCKS_UID, KVROCKS_GID);
  const runtimeConfig = { name: "runtime-config", mountPath: KVROCKS_RUNTIME_CONFIG_DIR };
  return {
    metadata: { name: KVROCKS_NAME, namespace, labels: kvrocksLabels(instance) },
    spec: {
      serviceName: KVROCKS_HEADLESS_NAME,
      replicas: 1,
      selector: { matchLabels: selectorLabels({ name: KVROCKS_NAME, instance }) },
      // The claim is a resource of its own (components/shared/claims.ts), as Redis's.
      persistentVolumeClaimRetentionPolicy: RETAIN_CLAIMS,
      template: {
        metadata: { labels: kvrocksLabels(instance), annotations: { [CONFIG_HASH_ANNOTATION]: inputs.configHash } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(KVROCKS_UID, KVROCKS_GID),
          // Time to flush the memtables on SIGTERM.
          terminationGracePeriodSeconds: 30,
          initContainers: [
            {
              name: "config",
              image: inputs.image,
              command: ["sh", "-c", JOIN_CONFIG_COMMAND],
              securityContext: security,
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "32Mi" } },
              volumeMounts: [
                {
                  name: "config",
                  mountPath: `${KVROCKS_CONFIG_DIR}/kvrocks.conf`,
                  subPath: "kvrocks.conf",
                  readOnly: true,
                },
                { name: "auth", mountPath: KVROCKS_SECRET_DIR, readOnly: true },
                runtimeConfig,
              ],
            },
          ],
          containers: [
            {
              name: KVROCKS_NAME,
              image: inputs.image,
              imagePullPolicy: "IfNotPresent",
              // Not the image's entrypoint, which points at a config file on the data volume.
              command: ["kvrocks", "-c", `${KVROCKS_RUNTIME_CONFIG_DIR}/kvrocks.conf`],
              ports: [{ name: "kvrocks", containerPort: KVROCKS_PORT, protocol: "TCP" }],
              env: [
                {
                  name: "REDISCLI_AUTH",
                  valueFrom: { secretKeyRef: { name: KVROCKS_SECRET_NAME, key: STORE_PASSWORD_KEY } },
                },
              ],
              // Opening a large RocksDB (WAL replay) takes a while: the startup probe allows 5 minutes.
              startupProbe: { ...ping, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 },
              livenessProbe: { ...ping, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
              readinessProbe: { ...ping, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 3 },
              resources: { requests: { ...kvrocks.resources.requests }, limits: { ...kvrocks.resources.limits } },
              securityContext: security,
              volumeMounts: [{ name: "data", mountPath: KVROCKS_DATA_DIR }, runtimeConfig],
            },
          ],
          volumes: [
            { name: "config", configMap: { name: KVROCKS_CONFIG_NAME, defaultMode: 0o444 } },
            // 0440 with fsGroup 999: readable by Kvrocks only.
            {
              name: "auth",
              secret: {
                secretName: KVROCKS_SECRET_NAME,
                items: [{ key: "auth.conf", path: "auth.conf" }],
                defaultMode: 0o440,
              },
            },
            // In memory: the joined file holds the password.
            { name: "runtime-config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
          ],
        },
      },
      volumeClaimTemplates: [claimTemplate(kvrocksDataClaim(kvrocks, instance))],
    },
  };
}

/** ClusterIP Service `kvrocks` and the headless Service the StatefulSet needs. */
export function buildKvrocksServices(namespace: pulumi.Input<string>, instance: string) {
  return buildStoreServices(namespace, {
    name: KVROCKS_NAME,
    headlessName: KVROCKS_HEADLESS_NAME,
    port: KVROCKS_PORT,
    labels: kvrocksLabels(instance),
    instance,
  });
}

export function buildKvrocksConfigMap(
  namespace: pulumi.Input<string>,
  instance: string,
  conf: string,
): k8s.core.v1.ConfigMapArgs {
  return {
    metadata: { name: KVROCKS_CONFIG_NAME, namespace, labels: kvrocksLabels(instance) },
    data: { "kvrocks.conf": conf },
  };
}

export function buildKvrocksSecret(
  namespace: pulumi.Input<string>,
  instance: string,
  password: pulumi.Input<string>,
  authConf: pulumi.Input<string>,
): k8s.core.v1.SecretArgs {
  return buildStoreSecret(
    { name: KVROCKS_SECRET_NAME, namespace, labels: kvrocksLabels(instance) },
    password,
    authConf,
  );
}

/** `redis://:<password>@kvrocks:6666`: Kvrocks speaks the Redis protocol, and LunaTV's KVROCKS_URL is such a URL. */
export const kvrocksUrl = redisProtocolUrl;
