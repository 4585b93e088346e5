/**
 * Per-environment defaults. dev: one replica, small budgets, data not protected. prod: two replicas,
 * larger budgets, Redis protected and retained. A stack file overrides any leaf of these.
 */
export type Environment = "dev" | "prod";

/**
 * The vulnerability gate's defaults in every environment (the mode is per environment, below).
 *
 * failOn [CRITICAL]: the level at which a rollout stops. HIGH is common in the OS libraries of a Debian
 * base and in the transitive npm packages of a Next.js app, mostly in code the app never reaches; a gate
 * that stops on HIGH stops nearly every release and trains people to allow-list without reading. Every
 * severity is still counted in the gate's outputs, so HIGH stays visible.
 * ignoreUnfixed false: a critical with no fixed version still ships a critical; accepting it is a
 * decision written in the allow-list, with a reason and an expiry, not a default.
 * db {}: Trivy's own default (mirror.gcr.io/aquasec/trivy-db:2, then ghcr.io/aquasecurity/trivy-db:2; cached in
 * ~/.cache/trivy).
 */
export const SCAN_COMMON_DEFAULTS = {
  failOn: ["CRITICAL"],
  ignoreUnfixed: false,
  allow: [],
  db: {},
} as const;

/**
 * The image build's defaults in every environment. No image.builder: docker-build then takes buildx's
 * current builder, as `docker buildx build` does. No pnpmVersion: corepack takes the app's `packageManager`.
 */
export const IMAGE_BUILD_DEFAULTS = {
  target: "runner",
  push: true,
  buildOnPreview: false,
  // The LTS line LunaTV's Next 14.2 and its native modules (sharp, via N-API) are known to run on, whose
  // release still ships corepack (26 does not); the table of lines is stacks/settings/node-lines.ts.
  nodeVersion: "24",
  // Builds of the main branch also write the cache other branches read.
  cache: { mainBranch: "main" },
  scan: SCAN_COMMON_DEFAULTS,
} as const;

/**
 * The Debian release of both bases: the build stages' glibc is the runtime's, so native modules built there
 * load there. docker-node publishes `node:<v>-trixie-slim` for 22, 24 and 26 (nodejs/docker-node
 * versions.json); distroless publishes Node only as `nodejs{22,24,26}-debian13` (its nodejs/config.bzl:
 * NODEJS_DISTROS = ["debian13"]; the Debian 12 Node images were dropped). The stand-in bases
 * (engine/image/standins.ts) are made from this release's packages.
 */
export const IMAGE_DEBIAN = { codename: "trixie", version: 13 } as const;

/**
 * The bases the Dockerfile is written for (glibc builder, distroless Debian runtime) for a Node version:
 * the default of each of moontv:image.baseImages, which follows moontv:image.nodeVersion. docker-node tags
 * a major and an exact version (`node:24.22.3-trixie-slim`); distroless tags only the major.
 */
export function defaultBaseImages(nodeVersion: string): { build: string; runtime: string } {
  return {
    build: `node:${nodeVersion}-${IMAGE_DEBIAN.codename}-slim`,
    runtime: `gcr.io/distroless/nodejs${nodeVersion.split(".")[0]}-debian${IMAGE_DEBIAN.version}`,
  };
}

/**
 * Redis's defaults in every environment: the official image's tag (`<version>-bookworm`, see
 * components/redis/image.ts) and the eviction policy. Exported because the local cluster pushes a
 * stand-in of exactly this image (engine/cluster/builder.ts).
 */
export const REDIS_DEFAULTS = { version: "7.4", maxmemoryPolicy: "noeviction" } as const;

const common = {
  namespace: "moontv",
  registryMirrors: {},
  kubernetes: {},
  image: IMAGE_BUILD_DEFAULTS,
  app: {
    // The stacks build LunaTV's sources: MoonTechLab/LunaTV is the maintained successor (upstream
    // MoonTV's repository is emptied), so its variables and storages are the default.
    flavor: "lunatv",
    storage: "redis",
    siteName: "MoonTV",
    username: "admin",
    enableRegister: false,
    searchMaxPage: 5,
    timezone: "Asia/Shanghai",
    // /login touches no database (startup, liveness); /api/server-config reads the config, so in
    // redis mode it proves Redis is reachable (readiness). /api/health exists only in one fork.
    probes: { startupPath: "/login", livenessPath: "/login", readinessPath: "/api/server-config" },
  },
  redis: REDIS_DEFAULTS,
  kvrocks: { version: "2.12.0" },
  // The compose deployment's private network: default deny, then the flows the services need. The app
  // fetches video source APIs over HTTP(S); DNS egress goes to the cluster DNS pods only (CoreDNS
  // keeps kube-dns's label).
  network: {
    enabled: true,
    egressPorts: [80, 443],
    egressExcept: [],
    dns: { namespace: "kube-system", podSelector: "k8s-app=kube-dns" },
  },
  // Many controllers never set the Ingress's load-balancer status that `pulumi up` would wait for.
  ingress: { enabled: false, waitForLoadBalancer: false },
  // No Alertmanager: alerts show in Prometheus only. node-exporter on every Linux node (as upstream's
  // chart); a selector of other labels keeps it off nodes it cannot run on (the e2e's fake nodes).
  monitoring: { alertmanagers: [], nodeExporterNodeSelector: "kubernetes.io/os=linux" },
};

const byEnvironment = {
  dev: {
    pinImageDigests: false,
    // scan off: a dev loop builds and pushes every few minutes to a local registry, and a scan needs the
    // Trivy binary and its database (tens of MB from mirror.gcr.io, refreshed every few hours), which an
    // offline laptop and the local cluster of the e2e specs do not have. The gate is there to stop prod
    // rollouts, and the policy pack warns (advisory) that dev has none; set mode: advisory to see the
    // findings as warnings, or enforce.
    image: { platforms: ["linux/amd64"], sizeBudgetMiB: 250, scan: { mode: "off" } },
    monitoring: {
      enabled: false,
      grafana: false,
      nodeExporter: false,
      protect: false,
      scrapeInterval: "30s",
      retentionTime: "2d",
      retentionSize: "1GB",
      storageSize: "2Gi",
    },
    app: {
      replicas: 1,
      autoscaling: { enabled: false, maxReplicas: 3, targetCPUUtilization: 70 },
      preStopSleepSeconds: 0,
      // Measured: ~120 MB RSS after start (docs/moontv.md), so 256Mi leaves room for requests.
      resources: { requests: { cpu: "100m", memory: "192Mi" }, limits: { cpu: "500m", memory: "384Mi" } },
    },
    redis: {
      storageSize: "1Gi",
      maxmemory: "96mb",
      protect: false,
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
    },
    // RocksDB keeps data on disk; memory is its block cache and write buffers (sized from the limit).
    kvrocks: {
      storageSize: "1Gi",
      protect: false,
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    },
  },
  prod: {
    // Third-party images (Redis, …) resolved to digests at deploy time: no tag can move under prod.
    pinImageDigests: true,
    // Measured: runtime base + ~33 MB of app (docs/moontv.md); the published image is 186 MB unpacked.
    // scan enforce: a finding at a failOn severity stops `pulumi up` before the app rolls out.
    image: { platforms: ["linux/amd64", "linux/arm64"], sizeBudgetMiB: 200, scan: { mode: "enforce" } },
    monitoring: {
      enabled: true,
      grafana: true,
      nodeExporter: true,
      protect: true,
      scrapeInterval: "30s",
      retentionTime: "15d",
      retentionSize: "8GB",
      storageSize: "10Gi",
    },
    app: {
      replicas: 2,
      autoscaling: { enabled: true, maxReplicas: 6, targetCPUUtilization: 70 },
      // Lets endpoints and ingress controllers stop sending traffic before SIGTERM.
      preStopSleepSeconds: 5,
      resources: { requests: { cpu: "250m", memory: "384Mi" }, limits: { cpu: "1", memory: "768Mi" } },
    },
    redis: {
      storageSize: "10Gi",
      maxmemory: "384mb",
      protect: true,
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    },
    kvrocks: {
      storageSize: "10Gi",
      protect: true,
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    },
  },
} as const;

// The exporters are equally small.
const EXPORTER_RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { cpu: "100m", memory: "64Mi" },
} as const;

/**
 * What the monitoring workloads run with in every stack: images (pinned like every third-party image),
 * sizes, Grafana's admin user and the alert thresholds. No setting changes them, so the schema has no
 * keys for them; they live here beside the settings' defaults so that each has one home.
 */
export const MONITORING_WORKLOADS = {
  prometheus: {
    image: "quay.io/prometheus/prometheus:v2.53.2",
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
  },
  redisExporter: {
    image: "oliver006/redis_exporter:v1.62.0",
    resources: EXPORTER_RESOURCES,
  },
  kvrocksExporter: {
    image: "kvrocks/kvrocks-exporter:1.0.5",
    resources: EXPORTER_RESOURCES,
  },
  blackboxExporter: {
    image: "quay.io/prometheus/blackbox-exporter:v0.25.0",
    resources: EXPORTER_RESOURCES,
  },
  nodeExporter: {
    image: "quay.io/prometheus/node-exporter:v1.8.2",
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
  },
  grafana: {
    image: "grafana/grafana:11.2.0",
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    adminUser: "admin",
  },
  /** RedisMemoryNearMaxmemory fires above this fraction of maxmemory; KvrocksDiskAlmostFull above this one of its volume. */
  redisMemoryAlertRatio: 0.9,
  kvrocksDiskAlertRatio: 0.9,
} as const;

export function defaultsFor(environment: Environment): Record<string, unknown> {
  return deepMerge(common, byEnvironment[environment]) as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Merges `override` onto `base`: mappings merge key by key, anything else replaces. Own-property
 * definition (not assignment) so that a hostile `__proto__` key stays a plain key the schema refuses.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(override)])) {
    const value = Object.prototype.hasOwnProperty.call(override, key)
      ? deepMerge(Object.prototype.hasOwnProperty.call(base, key) ? base[key] : undefined, override[key])
      : base[key];
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
