import type * as pulumi from "@pulumi/pulumi";

/** A secret value as the settings hold it: shown only through `reveal()`, never printed. */
export interface RevealableSecret {
  reveal(): string;
}

/** Where the app keeps its data; the store this program deploys for redis and kvrocks. */
export type AppStorage = "redis" | "kvrocks" | "localstorage" | "upstash";

/** What the app component needs to know (the platform hands it `moontv:app`, already validated). */
export interface MoonTvAppSettings {
  /** LunaTV or upstream MoonTV: decides the variable names the code reads. */
  flavor: "lunatv" | "moontv";
  storage: AppStorage;
  username: string;
  /** Site/owner password; absent → generated with @pulumi/random. */
  password?: RevealableSecret;
  upstash?: { url: string; token: RevealableSecret };
  /** config.json (MoonTV only): its path as given and its normalised text, mounted from a ConfigMap. */
  configJson?: { path: string; text: string };
  siteName: string;
  announcement?: string;
  enableRegister: boolean;
  searchMaxPage: number;
  imageProxy?: string;
  doubanProxy?: string;
  timezone: string;
  replicas: number;
  autoscaling: { enabled: boolean; maxReplicas: number; targetCPUUtilization: number };
  probes: { startupPath: string; livenessPath: string; readinessPath: string };
  resources: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };
  /** Seconds a stopping pod keeps serving while endpoints drain (0: none). */
  preStopSleepSeconds: number;
}

/** The optional Ingress to the app. */
export interface AppIngressSettings {
  enabled: boolean;
  host?: string;
  className?: string;
  tlsSecretName?: string;
  /** false: `pulumi up` does not wait for a load-balancer address no controller may ever set. */
  waitForLoadBalancer: boolean;
  annotations?: Record<string, string>;
}

export interface MoonTvAppArgs {
  app: MoonTvAppSettings;
  /** Namespace to deploy into (the Namespace resource's name, so objects wait for it). */
  namespace: pulumi.Input<string>;
  /** Stack name, used as `app.kubernetes.io/instance`. */
  instance: string;
  /** Image to run (`repo@sha256:…` when built by this program). */
  image: pulumi.Input<string>;
  /** REDIS_URL with credentials, a Pulumi secret; required when `app.storage` is `redis`. */
  redisUrl?: pulumi.Output<string>;
  /** KVROCKS_URL with credentials, a Pulumi secret; required when `app.storage` is `kvrocks`. */
  kvrocksUrl?: pulumi.Output<string>;
  ingress: AppIngressSettings;
  /** Resources the Deployment waits for, e.g. the store's StatefulSet (Pulumi awaits its readiness). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}
