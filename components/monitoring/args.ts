import type * as pulumi from "@pulumi/pulumi";

/** Requests and limits of one container (Kubernetes quantities). */
export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** Settings of the Prometheus server. */
export interface PrometheusArgs {
  /** Container image. Default `quay.io/prometheus/prometheus:v2.53.2`. */
  image?: pulumi.Input<string>;
  /** `--storage.tsdb.retention.time`: how long samples are kept, e.g. `15d`. Default `15d`. */
  retentionTime?: string;
  /**
   * `--storage.tsdb.retention.size`: the TSDB is trimmed above this size, e.g. `8GB`. Default `8GB`.
   * Keep it below `storageSize` (Prometheus needs head room for compaction and the WAL).
   */
  retentionSize?: string;
  /** Size of the PersistentVolumeClaim holding the TSDB, e.g. `10Gi`. Default `10Gi`. */
  storageSize?: string;
  /** StorageClass of that claim; unset = the cluster's default class. */
  storageClass?: string;
  /** Requests/limits. Default 100m/256Mi requested, 1 CPU/1Gi limit. */
  resources?: ContainerResources;
}

/** Settings shared by the small exporters and Grafana. */
export interface WorkloadArgs {
  /** Container image (a tag or, better, `repo@sha256:…`). */
  image?: pulumi.Input<string>;
  /** Requests/limits of the container. */
  resources?: ContainerResources;
}

export interface MonitoringArgs {
  /** Namespace of the app, Redis and the monitoring workloads (created by the platform). Required. */
  namespace: string;
  /** Instance name, normally the stack name: label `app.kubernetes.io/instance`. Required. */
  instance: string;
  /** Cluster DNS domain, used for the node-exporter's cross-namespace DNS name. Default `cluster.local`. */
  clusterDomain?: string;
  /** Prometheus `scrape_interval` (a Prometheus duration). Default `30s`. */
  scrapeInterval?: string;
  /** Prometheus `evaluation_interval` of the alert rules. Default: the scrape interval. */
  evaluationInterval?: string;
  /** Prometheus server settings. */
  prometheus?: PrometheusArgs;
  /** The store watched: the Redis or the Kvrocks this program deploys for the app. Default `redis`. */
  store?: "redis" | "kvrocks";
  /** Where Redis is and where its password lives (the Secret the Redis component created). */
  redis?: {
    /** Service name of Redis. Default `redis`. */
    host?: string;
    /** Redis port. Default `6379`. */
    port?: number;
    /** Name of the Secret holding the Redis password. Default `redis-auth`. */
    secretName?: string;
    /** Key of the password in that Secret. Default `password`. */
    secretKey?: string;
    /** "Redis memory near maxmemory" fires above this fraction of `maxmemory`, in (0, 1]. Default `0.9`. */
    memoryAlertRatio?: number;
  };
  /** Where Kvrocks is and where its password lives (with `store: "kvrocks"`). */
  kvrocks?: {
    /** Service name of Kvrocks. Default `kvrocks`. */
    host?: string;
    /** Kvrocks port. Default `6666`. */
    port?: number;
    /** Name of the Secret holding the Kvrocks password. Default `kvrocks-auth`. */
    secretName?: string;
    /** Key of the password in that Secret. Default `password`. */
    secretKey?: string;
    /** "Kvrocks disk almost full" fires above this fraction of its volume, in (0, 1]. Default `0.9`. */
    diskAlertRatio?: number;
  };
  /**
   * The app. MoonTV exposes no `/metrics`, so it is watched from outside: the blackbox-exporter probes
   * `http://<serviceName>:<port><probePath>` and Prometheus scrapes the probe result (`probe_success`).
   */
  app?: {
    /** Service name of the app. Default `moontv`. */
    serviceName?: string;
    /** Service port of the app. Default `3000`. */
    port?: number;
    /** Path probed; must answer 2xx without touching Redis. Default `/login` (see docs/moontv.md, "Health routes"). */
    probePath?: string;
  };
  /** redis-exporter (oliver006/redis_exporter). Default image `oliver006/redis_exporter:v1.62.0`. */
  redisExporter?: WorkloadArgs;
  /** kvrocks-exporter (RocksLabs/kvrocks_exporter), with `store: "kvrocks"`. Default image `kvrocks/kvrocks-exporter:1.0.5`. */
  kvrocksExporter?: WorkloadArgs;
  /** blackbox-exporter that probes the app. Default image `quay.io/prometheus/blackbox-exporter:v0.25.0`. */
  blackboxExporter?: WorkloadArgs;
  /**
   * node-exporter DaemonSet: the one workload outside the `restricted` profile (read-only host mounts),
   * so it runs in its own namespace whose Pod Security level is `privileged`.
   */
  nodeExporter?: WorkloadArgs & {
    /** Deploy it. Default `true`. */
    enabled?: boolean;
    /** Its namespace, created by this component. Default `<namespace>-node-exporter`. */
    namespace?: string;
  };
  /** Grafana with a provisioned Prometheus data source, a dashboard and a generated admin password. */
  grafana?: WorkloadArgs & {
    /** Deploy it. Default `false`. */
    enabled?: boolean;
    /** Admin user name (the password is generated). Default `admin`. */
    adminUser?: string;
  };
  /** Alertmanager addresses (`host:port`) alerts are sent to; empty = alerts show in Prometheus only. */
  alertmanagers?: string[];
  /**
   * Protect the metrics history: `protect` + `retainOnDelete` on the Prometheus StatefulSet and its
   * claim kept when the StatefulSet is deleted. Default false (dev); prod protects its data.
   */
  protectData?: boolean;
}

type Req<T> = { [K in keyof T]-?: T[K] };

/** MonitoringArgs with every default filled in. */
export interface ResolvedMonitoringArgs {
  namespace: string;
  instance: string;
  clusterDomain: string;
  scrapeInterval: string;
  evaluationInterval: string;
  prometheus: Req<Omit<PrometheusArgs, "storageClass">> & { storageClass?: string };
  store: "redis" | "kvrocks";
  redis: Req<NonNullable<MonitoringArgs["redis"]>>;
  kvrocks: Req<NonNullable<MonitoringArgs["kvrocks"]>>;
  app: Req<NonNullable<MonitoringArgs["app"]>>;
  redisExporter: Req<WorkloadArgs>;
  kvrocksExporter: Req<WorkloadArgs>;
  blackboxExporter: Req<WorkloadArgs>;
  nodeExporter: Req<NonNullable<MonitoringArgs["nodeExporter"]>>;
  grafana: Req<NonNullable<MonitoringArgs["grafana"]>>;
  alertmanagers: string[];
  protectData: boolean;
}

const small = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string): ContainerResources => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

export const DEFAULT_IMAGES = {
  prometheus: "quay.io/prometheus/prometheus:v2.53.2",
  redisExporter: "oliver006/redis_exporter:v1.62.0",
  kvrocksExporter: "kvrocks/kvrocks-exporter:1.0.5",
  blackboxExporter: "quay.io/prometheus/blackbox-exporter:v0.25.0",
  nodeExporter: "quay.io/prometheus/node-exporter:v1.8.2",
  grafana: "grafana/grafana:11.2.0",
} as const;

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const SIZE = /^[0-9]+(B|KB|MB|GB|TB|PB|EB)$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function check(ok: boolean, field: string, value: unknown, allowed: string): void {
  if (!ok) throw new Error(`monitoring.${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
}

/** Fills in defaults and rejects malformed values with a message naming the field. Pure. */
export function resolveMonitoringArgs(a: MonitoringArgs): ResolvedMonitoringArgs {
  const scrapeInterval = a.scrapeInterval ?? "30s";
  const r: ResolvedMonitoringArgs = {
    namespace: a.namespace,
    instance: a.instance,
    clusterDomain: a.clusterDomain ?? "cluster.local",
    scrapeInterval,
    evaluationInterval: a.evaluationInterval ?? scrapeInterval,
    prometheus: {
      image: a.prometheus?.image ?? DEFAULT_IMAGES.prometheus,
      retentionTime: a.prometheus?.retentionTime ?? "15d",
      retentionSize: a.prometheus?.retentionSize ?? "8GB",
      storageSize: a.prometheus?.storageSize ?? "10Gi",
      storageClass: a.prometheus?.storageClass,
      resources: a.prometheus?.resources ?? small("100m", "256Mi", "1", "1Gi"),
    },
    store: a.store ?? "redis",
    redis: {
      host: a.redis?.host ?? "redis",
      port: a.redis?.port ?? 6379,
      secretName: a.redis?.secretName ?? "redis-auth",
      secretKey: a.redis?.secretKey ?? "password",
      memoryAlertRatio: a.redis?.memoryAlertRatio ?? 0.9,
    },
    kvrocks: {
      host: a.kvrocks?.host ?? "kvrocks",
      port: a.kvrocks?.port ?? 6666,
      secretName: a.kvrocks?.secretName ?? "kvrocks-auth",
      secretKey: a.kvrocks?.secretKey ?? "password",
      diskAlertRatio: a.kvrocks?.diskAlertRatio ?? 0.9,
    },
    app: {
      serviceName: a.app?.serviceName ?? "moontv",
      port: a.app?.port ?? 3000,
      probePath: a.app?.probePath ?? "/login",
    },
    redisExporter: {
      image: a.redisExporter?.image ?? DEFAULT_IMAGES.redisExporter,
      resources: a.redisExporter?.resources ?? small("10m", "32Mi", "100m", "64Mi"),
    },
    kvrocksExporter: {
      image: a.kvrocksExporter?.image ?? DEFAULT_IMAGES.kvrocksExporter,
      resources: a.kvrocksExporter?.resources ?? small("10m", "32Mi", "100m", "64Mi"),
    },
    blackboxExporter: {
      image: a.blackboxExporter?.image ?? DEFAULT_IMAGES.blackboxExporter,
      resources: a.blackboxExporter?.resources ?? small("10m", "32Mi", "100m", "64Mi"),
    },
    nodeExporter: {
      enabled: a.nodeExporter?.enabled ?? true,
      namespace: a.nodeExporter?.namespace ?? `${a.namespace}-node-exporter`,
      image: a.nodeExporter?.image ?? DEFAULT_IMAGES.nodeExporter,
      resources: a.nodeExporter?.resources ?? small("10m", "32Mi", "200m", "64Mi"),
    },
    grafana: {
      enabled: a.grafana?.enabled ?? false,
      adminUser: a.grafana?.adminUser ?? "admin",
      image: a.grafana?.image ?? DEFAULT_IMAGES.grafana,
      resources: a.grafana?.resources ?? small("50m", "128Mi", "500m", "512Mi"),
    },
    alertmanagers: a.alertmanagers ?? [],
    protectData: a.protectData ?? false,
  };
  check(DNS_LABEL.test(r.namespace ?? ""), "namespace", a.namespace, "a DNS label");
  check(DNS_LABEL.test(r.nodeExporter.namespace), "nodeExporter.namespace", r.nodeExporter.namespace, "a DNS label");
  check(r.nodeExporter.namespace !== r.namespace, "nodeExporter.namespace", r.nodeExporter.namespace,
    "a namespace other than the restricted app namespace");
  check(!!r.instance, "instance", a.instance, "a non-empty stack name");
  for (const f of ["scrapeInterval", "evaluationInterval"] as const) check(DURATION.test(r[f]), f, r[f], "a duration like 30s");
  check(DURATION.test(r.prometheus.retentionTime), "prometheus.retentionTime", r.prometheus.retentionTime, "a duration like 15d");
  check(SIZE.test(r.prometheus.retentionSize), "prometheus.retentionSize", r.prometheus.retentionSize, "a size like 8GB");
  check(QUANTITY.test(r.prometheus.storageSize), "prometheus.storageSize", r.prometheus.storageSize, "a quantity like 10Gi");
  check(Number.isInteger(r.redis.port) && r.redis.port > 0 && r.redis.port < 65536, "redis.port", r.redis.port, "1-65535");
  check(Number.isInteger(r.app.port) && r.app.port > 0 && r.app.port < 65536, "app.port", r.app.port, "1-65535");
  check(r.app.probePath.startsWith("/"), "app.probePath", r.app.probePath, "a path starting with /");
  const ratio = r.redis.memoryAlertRatio;
  check(ratio > 0 && ratio <= 1, "redis.memoryAlertRatio", ratio, "a fraction in (0, 1]");
  check(r.store === "redis" || r.store === "kvrocks", "store", r.store, "redis or kvrocks");
  check(Number.isInteger(r.kvrocks.port) && r.kvrocks.port > 0 && r.kvrocks.port < 65536, "kvrocks.port", r.kvrocks.port, "1-65535");
  const disk = r.kvrocks.diskAlertRatio;
  check(disk > 0 && disk <= 1, "kvrocks.diskAlertRatio", disk, "a fraction in (0, 1]");
  return r;
}
