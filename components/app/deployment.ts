import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { MoonTvAppSettings } from "./args";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "../shared";
import { CONFIG_HASH_ANNOTATION } from "../../lib/annotations";
import { appLabels, appSelector } from "./labels";
import { buildAppEnv, storeUrlKey } from "./env";
import { APP_CONFIG_NAME, APP_GID, APP_NAME, APP_PORT, APP_SECRET_NAME, APP_UID, CONFIG_JSON_PATH } from "./names";
import { copyPublicScript, waitForStoreScript } from "./scripts";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;

export interface AppWorkloadInputs {
  /** The app's settings. */
  app: MoonTvAppSettings;
  /** Namespace of the Deployment. */
  namespace: pulumi.Input<string>;
  /** `app.kubernetes.io/instance`, the stack name. */
  instance: string;
  /** Image to run, digest-pinned downstream of a build (`repo@sha256:…`). */
  image: pulumi.Input<string>;
  /** Hash of the ConfigMap's data, put on the pod template so a config change rolls the pods. */
  configHash?: string;
}

const SEED_MOUNT = "/seed/public";

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

/** HTTP probes on the app's real routes (MoonTV has no /api/health). */
export function buildAppProbes(app: MoonTvAppSettings): {
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
} {
  const get = (path: string) => ({ httpGet: { path, port: "http" } });
  return {
    // Measured start to first 200 is ~1.4 s; allow 60 s for slow nodes before liveness takes over.
    startupProbe: { ...get(app.probes.startupPath), periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
    livenessProbe: { ...get(app.probes.livenessPath), periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 },
    readinessProbe: { ...get(app.probes.readinessPath), periodSeconds: 5, failureThreshold: 3, timeoutSeconds: 3 },
  };
}

/** The init containers: seed the writable /app/public, and (redis or kvrocks storage) wait for the store. */
export function buildAppInitContainers(inputs: AppWorkloadInputs): Container[] {
  const security = restrictedContainerSecurityContext(APP_UID, APP_GID);
  const resources = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "96Mi" } };
  // `args` only: the image's ENTRYPOINT is node (distroless sets /nodejs/bin/node), so these run `node -e`.
  const seed: Container = {
    name: "seed-public",
    image: inputs.image,
    args: ["-e", copyPublicScript(SEED_MOUNT)],
    securityContext: security,
    resources,
    volumeMounts: [{ name: "public", mountPath: SEED_MOUNT }],
  };
  const urlKey = storeUrlKey(inputs.app.storage);
  if (!urlKey) return [seed];
  const store = inputs.app.storage;
  const waitForStore: Container = {
    name: `wait-for-${store}`,
    image: inputs.image,
    args: ["-e", waitForStoreScript(urlKey, store)],
    env: [{ name: urlKey, valueFrom: { secretKeyRef: { name: APP_SECRET_NAME, key: urlKey } } }],
    securityContext: security,
    resources,
  };
  return [seed, waitForStore];
}

/** The MoonTV Deployment: restricted pod, read-only root, writable public/ and .next/cache only. */
export function buildAppDeployment(inputs: AppWorkloadInputs): k8s.apps.v1.DeploymentArgs {
  const { app, namespace, instance } = inputs;
  const volumeMounts: k8s.types.input.core.v1.VolumeMount[] = [
    { name: "public", mountPath: "/app/public" },
    { name: "next-cache", mountPath: "/app/.next/cache" },
  ];
  const volumes: k8s.types.input.core.v1.Volume[] = [
    { name: "public", emptyDir: { sizeLimit: "64Mi" } },
    { name: "next-cache", emptyDir: { sizeLimit: "256Mi" } },
  ];
  if (app.configJson) {
    volumeMounts.push({ name: "config", mountPath: CONFIG_JSON_PATH, subPath: "config.json", readOnly: true });
    // 0444: readable by uid 1001 whatever the fsGroup (a config.json uid 1001 cannot read fails with EACCES).
    volumes.push({
      name: "config",
      configMap: { name: APP_CONFIG_NAME, items: [{ key: "config.json", path: "config.json" }], defaultMode: 0o444 },
    });
  }
  return {
    metadata: { name: APP_NAME, namespace, labels: appLabels(instance) },
    spec: {
      replicas: app.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: appSelector(instance) },
      // Never below the desired replicas during a rollout: add one new pod, then retire one old.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: appLabels(instance),
          annotations: inputs.configHash ? { [CONFIG_HASH_ANNOTATION]: inputs.configHash } : undefined,
        },
        spec: {
          automountServiceAccountToken: false,
          // Service links would inject REDIS_PORT=tcp://… and the like into the app's environment.
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(APP_UID, APP_GID),
          // The pause before SIGTERM plus Next's shutdown (measured: exit 0 in 0.2 s).
          terminationGracePeriodSeconds: 30 + app.preStopSleepSeconds,
          topologySpreadConstraints: appTopologySpread(instance),
          initContainers: buildAppInitContainers(inputs),
          containers: [
            {
              name: APP_NAME,
              image: inputs.image,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
              env: buildAppEnv(app),
              ...buildAppProbes(app),
              // The kubelet's own sleep: the distroless image has no `sleep` binary for an exec hook.
              lifecycle:
                app.preStopSleepSeconds > 0 ? { preStop: { sleep: { seconds: app.preStopSleepSeconds } } } : undefined,
              resources: { requests: { ...app.resources.requests }, limits: { ...app.resources.limits } },
              securityContext: restrictedContainerSecurityContext(APP_UID, APP_GID),
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}
