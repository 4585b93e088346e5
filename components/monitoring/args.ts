import type * as pulumi from "@pulumi/pulumi";

/** Requests and limits of one container (Kubernetes quantities). */
export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** One small workload: the exporters and Grafana. */
export interface WorkloadArgs {
  /** Container image (a tag or, better, `repo@sha256:…`). */
  image: pulumi.Input<string>;
  resources: ContainerResources;
}

/** The Prometheus server. */
export interface PrometheusArgs extends WorkloadArgs {
  /** `--storage.tsdb.retention.time`: how long samples are kept, e.g. `15d`. */
  retentionTime: string;
  /**
   * `--storage.tsdb.retention.size`: the TSDB is trimmed above this size, e.g. `8GB`. Below `storageSize`:
   * Prometheus needs head room for compaction and the WAL.
   */
  retentionSize: string;
  /** Size of the PersistentVolumeClaim holding the TSDB, e.g. `10Gi`. */
  storageSize: string;
  /** StorageClass of that claim; unset: the cluster's default class. */
  storageClass?: string;
}

/** Where the store's exporter finds it: the store component's Service and password Secret. */
interface StoreTarget {
  /** Service name of the store. */
  host: string;
  port: number;
  /** The Secret holding the store's password, and its key there. */
  secretName: string;
  secretKey: string;
  /** The exporter that reads it (redis-exporter or kvrocks-exporter). */
  exporter: WorkloadArgs;
}

/** The store watched: the Redis or the Kvrocks this program deploys for the app. */
export type MonitoredStore =
  | (StoreTarget & {
      kind: "redis";
      /** "Redis memory near maxmemory" fires above this fraction of `maxmemory`, in (0, 1]. */
      memoryAlertRatio: number;
    })
  | (StoreTarget & {
      kind: "kvrocks";
      /** "Kvrocks disk almost full" fires above this fraction of its volume, in (0, 1]. */
      diskAlertRatio: number;
    });

/** Everything the monitoring is made from; the platform fills it from the settings and the other components. */
export interface MonitoringArgs {
  /** Namespace of the app, its store and the monitoring workloads (created by the platform). */
  namespace: string;
  /** Instance name, normally the stack name: label `app.kubernetes.io/instance`. */
  instance: string;
  /** Cluster DNS domain, for the node-exporter's cross-namespace DNS name and the in-cluster URLs. */
  clusterDomain: string;
  /** Prometheus `scrape_interval` (a Prometheus duration). */
  scrapeInterval: string;
  /** Prometheus `evaluation_interval` of the alert rules. */
  evaluationInterval: string;
  prometheus: PrometheusArgs;
  store: MonitoredStore;
  /**
   * The app. MoonTV exposes no `/metrics`, so it is watched from outside: the blackbox-exporter probes
   * `http://<serviceName>:<port><probePath>` and Prometheus scrapes the probe result (`probe_success`).
   */
  app: {
    /** The app's Service name and port. */
    serviceName: string;
    port: number;
    /** Path probed; must answer 2xx without touching the store (see docs/moontv.md, "Health routes"). */
    probePath: string;
  };
  /** blackbox-exporter, which probes the app. */
  blackboxExporter: WorkloadArgs;
  /**
   * node-exporter DaemonSet: the one workload outside the `restricted` profile (read-only host mounts),
   * so it runs in its own namespace whose Pod Security level is `privileged`.
   */
  nodeExporter: WorkloadArgs & {
    enabled: boolean;
    /** Its namespace, created by this component; never the app's (that one enforces `restricted`). */
    namespace: string;
    /** Labels of the nodes it runs on (it tolerates every taint, so a selector is what keeps it off one). */
    nodeSelector: Record<string, string>;
  };
  /** Grafana with a provisioned Prometheus data source, a dashboard and a generated admin password. */
  grafana: WorkloadArgs & {
    enabled: boolean;
    /** Admin user name (the password is generated). */
    adminUser: string;
  };
  /** Alertmanager addresses (`host:port`) alerts are sent to; empty: alerts show in Prometheus only. */
  alertmanagers: string[];
  /**
   * Protect the metrics history: `protect` + `retainOnDelete` on the Prometheus StatefulSet and its
   * claim kept when the StatefulSet is deleted.
   */
  protectData: boolean;
}
