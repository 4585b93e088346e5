import { z } from "zod";
import { IMAGE_REF } from "../../lib/image-ref";
import { IMAGE_TARGETS } from "../../lib/image-targets";
import { SCAN_MODES, SEVERITIES } from "../../lib/vulnerability-scan-contract";
import { parseCpu, parseMemory, parseRedisMemory } from "../../lib/quantities";
import { NODE_VERSION_ALLOWED, NODE_VERSION_FORMAT, nodeVersionProblem } from "./node-lines";
import { annotationValue, commitOrNumber, textOrNumber } from "./yaml-numbers";

/**
 * The one schema of every stack setting. Each leaf carries, as its error, the phrase that says what is
 * allowed: a SettingsError prints it after the key, the stack file and the value given.
 */

const cpu = textOrNumber(
  z
    .string({ error: 'a CPU quantity such as "250m" or "1"' })
    .refine((v) => parseCpu(v) !== undefined && parseCpu(v)! > 0, {
      error: 'a CPU quantity such as "250m" or "1"',
    }),
  'cpu: "1"',
);
// A bare number is bytes, as in Kubernetes.
const memory = textOrNumber(
  z.string({ error: 'a memory quantity such as "256Mi" or "1Gi"' }).refine((v) => (parseMemory(v) ?? 0) >= 1024 ** 2, {
    error: 'a memory quantity of at least 1Mi, such as "256Mi" or "1Gi"',
  }),
  'memory: "256Mi"',
);

export const resourcesSchema = z
  .strictObject(
    {
      requests: z.strictObject({ cpu, memory }, { error: "a mapping { cpu, memory }" }),
      limits: z.strictObject({ cpu, memory }, { error: "a mapping { cpu, memory }" }),
    },
    { error: "a mapping { requests: { cpu, memory }, limits: { cpu, memory } }" },
  )
  .check((ctx) => {
    const { requests, limits } = ctx.value;
    if (parseCpu(requests.cpu)! > parseCpu(limits.cpu)!) {
      ctx.issues.push({
        code: "custom",
        input: requests.cpu,
        path: ["requests", "cpu"],
        message: `a CPU request no larger than the limit (${limits.cpu})`,
      });
    }
    if (parseMemory(requests.memory)! > parseMemory(limits.memory)!) {
      ctx.issues.push({
        code: "custom",
        input: requests.memory,
        path: ["requests", "memory"],
        message: `a memory request no larger than the limit (${limits.memory})`,
      });
    }
  });

const dnsLabel = z
  .string({
    error:
      "a DNS-1123 label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit",
  })
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error:
      "a DNS-1123 label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit",
  });

const imageRef = z
  .string({ error: 'an image reference such as "ghcr.io/org/moontv:1.0" or "repo@sha256:<64 hex>"' })
  .regex(IMAGE_REF, {
    error: 'an image reference such as "ghcr.io/org/moontv:1.0" or "repo@sha256:<64 hex>"',
  });

const httpUrl = z.url({ protocol: /^https?$/, error: "an http(s) URL" });
const probePath = z
  .string({ error: 'an absolute URL path such as "/login"' })
  .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/, { error: 'an absolute URL path such as "/login"' })
  .refine((p) => !p.startsWith("/api/cron"), {
    error: "any route but /api/cron (it refreshes every user's records on each call): use /login or /api/server-config",
  });

const timezone = z.string({ error: 'an IANA time zone such as "Asia/Shanghai" or "UTC"' }).refine(isTimeZone, {
  error: 'an IANA time zone such as "Asia/Shanghai" or "UTC"',
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

const secretString = z
  .string({ error: "a non-empty string stored as a secret" })
  .min(1, { error: "a non-empty string stored as a secret" });

export const STORAGE_TYPES = ["redis", "kvrocks", "localstorage", "upstash"] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

/** The two code bases the image is built from: they read different variables and storages. */
export const APP_FLAVORS = ["lunatv", "moontv"] as const;
export type AppFlavor = (typeof APP_FLAVORS)[number];

/**
 * `NEXT_PUBLIC_STORAGE_TYPE` values each flavor supports. LunaTV keeps its configuration in the
 * database (no localstorage; its admin config is null there) and adds kvrocks; MoonTV's d1 is
 * Cloudflare-only.
 */
export const FLAVOR_STORAGES: Readonly<Record<AppFlavor, readonly StorageType[]>> = {
  lunatv: ["redis", "kvrocks", "upstash"],
  moontv: ["localstorage", "redis", "upstash"],
};
export const REDIS_EVICTION_POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;

export const appSchema = z.strictObject(
  {
    flavor: z.enum(APP_FLAVORS, {
      error: "lunatv (MoonTechLab/LunaTV, the maintained successor) or moontv (upstream MoonTV)",
    }),
    replicas: z.int({ error: "a whole number of replicas from 1 to 50" }).min(1).max(50),
    storage: z.enum(STORAGE_TYPES, { error: `one of ${STORAGE_TYPES.join(", ")}` }),
    upstash: z
      .strictObject(
        { url: httpUrl, token: secretString },
        { error: "a mapping { url, token } (token stored as a secret)" },
      )
      .optional(),
    siteName: z.string({ error: "a site name of 1 to 64 characters" }).min(1).max(64),
    username: z.string({ error: "a user name of 1 to 64 characters without spaces" }).regex(/^\S{1,64}$/, {
      error: "a user name of 1 to 64 characters without spaces",
    }),
    password: secretString.min(8, { error: "a password of at least 8 characters stored as a secret" }).optional(),
    enableRegister: z.boolean({ error: "true or false" }),
    searchMaxPage: z.int({ error: "a whole number from 1 to 50" }).min(1).max(50),
    imageProxy: httpUrl.optional(),
    doubanProxy: httpUrl.optional(),
    announcement: z.string({ error: "a text of at most 2000 characters" }).max(2000).optional(),
    timezone,
    configJson: z
      .string({ error: "a path to a config.json file, relative to the project directory" })
      .min(1)
      .optional(),
    probes: z.strictObject(
      { startupPath: probePath, livenessPath: probePath, readinessPath: probePath },
      {
        error: "a mapping { startupPath, livenessPath, readinessPath }",
      },
    ),
    resources: resourcesSchema,
    autoscaling: z.strictObject(
      {
        enabled: z.boolean({ error: "true or false" }),
        maxReplicas: z.int({ error: "a whole number of replicas from 1 to 100" }).min(1).max(100),
        targetCPUUtilization: z.int({ error: "a CPU utilisation percentage from 10 to 95" }).min(10).max(95),
      },
      { error: "a mapping { enabled, maxReplicas, targetCPUUtilization }" },
    ),
    preStopSleepSeconds: z
      .int({ error: "a whole number of seconds from 0 to 25 (0 = no pause; needs Kubernetes 1.30+)" })
      .min(0)
      .max(25),
  },
  { error: "a mapping of app settings (see the README's settings table)" },
);

export const redisSchema = z.strictObject(
  {
    version: textOrNumber(
      z
        .string({ error: 'a Redis version tag such as "7.4"' })
        .regex(/^\d+(\.\d+){0,2}$/, { error: 'a Redis version tag such as "7.4"' }),
      'version: "7.4"',
    ),
    image: imageRef.optional(),
    storageSize: textOrNumber(
      z.string({ error: 'a storage quantity such as "1Gi"' }).refine((v) => (parseMemory(v) ?? 0) >= 1024 ** 2, {
        error: 'a storage quantity of at least 1Mi such as "1Gi"',
      }),
      'storageSize: "1Gi"',
    ),
    storageClass: dnsLabel.optional(),
    maxmemory: textOrNumber(
      z
        .string({ error: 'a Redis memory size such as "256mb" or "1gb"' })
        .refine((v) => (parseRedisMemory(v) ?? 0) > 0, {
          error: 'a Redis memory size such as "256mb" or "1gb"',
        }),
      'maxmemory: "256mb"',
    ),
    maxmemoryPolicy: z.enum(REDIS_EVICTION_POLICIES, { error: `one of ${REDIS_EVICTION_POLICIES.join(", ")}` }),
    protect: z.boolean({ error: "true or false" }),
    resources: resourcesSchema,
  },
  { error: "a mapping of Redis settings (see the README's settings table)" },
);

const storageSize = (example: string) =>
  textOrNumber(
    z.string({ error: `a storage quantity such as "${example}"` }).refine((v) => (parseMemory(v) ?? 0) >= 1024 ** 2, {
      error: `a storage quantity of at least 1Mi such as "${example}"`,
    }),
    `storageSize: "${example}"`,
  );

/** Kvrocks (LunaTV's recommended store): Redis protocol on RocksDB, data on disk rather than in memory. */
export const kvrocksSchema = z.strictObject(
  {
    version: textOrNumber(
      z
        .string({ error: 'a Kvrocks version tag such as "2.12.0"' })
        .regex(/^\d+\.\d+\.\d+$/, { error: 'a Kvrocks version tag such as "2.12.0"' }),
      'version: "2.12.0"',
    ),
    image: imageRef.optional(),
    storageSize: storageSize("1Gi"),
    storageClass: dnsLabel.optional(),
    protect: z.boolean({ error: "true or false" }),
    resources: resourcesSchema,
  },
  { error: "a mapping of Kvrocks settings (see the README's settings table)" },
);

/** Kubernetes annotations, as an Ingress or a Namespace takes them. */
const annotations = z.record(
  z.string().regex(/^[\w./-]{1,253}$/, { error: "annotation keys" }),
  annotationValue(z.string({ error: "string annotation values" })),
  { error: "a mapping of annotation to string" },
);

export const kubernetesSchema = z.strictObject(
  {
    context: z.string({ error: "a kubeconfig context name" }).min(1).optional(),
    kubeconfig: secretString.optional(),
    renderYamlToDirectory: z.string({ error: "a directory path" }).min(1).optional(),
    // What a cluster reads from a namespace's annotations: a node selector and default tolerations
    // (PodNodeSelector, PodTolerationRestriction; OpenShift's node-selector), a mesh's injection.
    namespaceAnnotations: annotations.optional(),
  },
  { error: "a mapping { context?, kubeconfig?, renderYamlToDirectory?, namespaceAnnotations? }" },
);

/** `host[:port]/path`, no tag: tags never silently land on Docker Hub. */
const repository = z
  .string({ error: 'a fully qualified repository without tag, e.g. "ghcr.io/org/moontv" or "localhost:5001/moontv"' })
  .regex(
    /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?|localhost(?::\d+)?|[a-z0-9-]+:\d+)\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    {
      error: 'a fully qualified repository without tag, e.g. "ghcr.io/org/moontv" or "localhost:5001/moontv"',
    },
  );
// Platforms docker-build's Platform names (it has no linux/arm/v7, which the build refused): the build
// takes the list as given.
export const BUILD_PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
const imageTag = textOrNumber(
  z
    .string({ error: "an image tag: letters, digits, '_', '.', '-' (1 to 128, not starting with '.' or '-')" })
    .regex(/^[\w][\w.-]{0,127}$/, {
      error: "an image tag: letters, digits, '_', '.', '-' (1 to 128, not starting with '.' or '-')",
    }),
  'version: "1.2"',
);

/** `host[:port]/path` of an OCI repository, as Trivy's --db-repository takes it (an optional tag). */
const ociRepository = z
  .string({ error: 'an OCI repository such as "mirror.example.com/aquasec/trivy-db:2" (host/path[:tag], no scheme)' })
  .regex(/^[a-z0-9.-]+(?::\d{1,5})?(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)+(?::[\w][\w.-]{0,127})?$/, {
    error: 'an OCI repository such as "mirror.example.com/aquasec/trivy-db:2" (host/path[:tag], no scheme)',
  });

/** A calendar day, `YYYY-MM-DD`, that exists. */
const isoDay = z
  .string({ error: 'a date "YYYY-MM-DD"' })
  .refine(
    (d) =>
      /^\d{4}-\d{2}-\d{2}$/.test(d) &&
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
      new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      error: 'a date "YYYY-MM-DD"',
    },
  );

/**
 * The vulnerability gate: Trivy scans the pushed digest (every platform) after the push and before the
 * app rolls out. The allow-list's expiry is checked by the gate, on the day it runs.
 */
export const scanSchema = z.strictObject(
  {
    mode: z.enum(SCAN_MODES, {
      error: "enforce (a finding over the threshold fails the up), advisory (warns) or off (no scan)",
    }),
    failOn: z
      .array(z.enum(SEVERITIES, { error: `one of ${SEVERITIES.join(", ")}` }), {
        error: `a list of severities among ${SEVERITIES.join(", ")}`,
      })
      .min(1, { error: "at least one severity (set mode: off to scan nothing)" })
      .refine((s) => new Set(s).size === s.length, { error: "a list without duplicates" }),
    ignoreUnfixed: z.boolean({ error: "true or false" }),
    allow: z.array(
      z.strictObject(
        {
          id: z
            .string({ error: 'a vulnerability ID such as "CVE-2024-1234" or "GHSA-xxxx-xxxx-xxxx"' })
            .regex(/^(?:CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|[A-Z][A-Z0-9]*-[\w.:-]{1,80})$/, {
              error: 'a vulnerability ID such as "CVE-2024-1234" or "GHSA-xxxx-xxxx-xxxx"',
            }),
          reason: z
            .string({ error: "why the finding is accepted, 10 to 500 characters" })
            .trim()
            .min(10, { error: "why the finding is accepted, 10 to 500 characters" })
            .max(500, { error: "why the finding is accepted, 10 to 500 characters" }),
          expires: isoDay,
        },
        { error: 'a mapping { id, reason, expires: "YYYY-MM-DD" }' },
      ),
      { error: 'a list of { id, reason, expires: "YYYY-MM-DD" }' },
    ),
    db: z
      .strictObject(
        {
          repository: ociRepository.optional(),
          directory: z.string({ error: "a directory holding trivy.db and metadata.json" }).min(1).optional(),
        },
        {
          error:
            "a mapping { repository? } or { directory? } (neither: Trivy's default, mirror.gcr.io/aquasec/trivy-db:2 then ghcr.io/aquasecurity/trivy-db:2)",
        },
      )
      .refine((db) => !(db.repository !== undefined && db.directory !== undefined), {
        error: "either repository (a mirror) or directory (offline), not both",
      }),
  },
  { error: "a mapping { mode, failOn, ignoreUnfixed, allow, db } (see the README's settings table)" },
);

/**
 * The image: either a prebuilt `ref`, or the build of the MoonTV sources (`repository` set), which
 * deploys the pushed `repository@sha256:…`.
 */
export const imageSchema = z.strictObject(
  {
    ref: imageRef.optional(),
    repository: repository.optional(),
    context: z
      .strictObject(
        {
          location: z.string({ error: "a local directory or a git URL (https://….git)" }).min(1),
          gitRef: textOrNumber(
            z
              .string({ error: "a branch, tag or commit" })
              .regex(/^[\w./-]{1,200}$/, { error: "a branch, tag or commit" }),
            'gitRef: "1.2"',
          ).optional(),
          subdirectory: z
            .string({ error: "a sub-directory of the repository" })
            .regex(/^[\w./-]{1,200}$/, { error: "a sub-directory of the repository" })
            .optional(),
        },
        { error: "a mapping { location, gitRef?, subdirectory? }" },
      )
      .optional(),
    target: z.enum(IMAGE_TARGETS, { error: "runner (distroless, default) or debug (build base with a shell)" }),
    platforms: z
      .array(z.enum(BUILD_PLATFORMS, { error: `one of ${BUILD_PLATFORMS.join(", ")}` }), {
        error: `a list of ${BUILD_PLATFORMS.join(", ")}`,
      })
      .min(1, { error: "at least one platform" })
      .refine((ps) => new Set(ps).size === ps.length, { error: "a list without duplicates" }),
    push: z.boolean({ error: "true or false" }),
    // buildx's own rule for builder names (docker buildx create --name).
    builder: z
      .string({ error: "a buildx builder name: a letter, then letters, digits, '.', '_', '-'" })
      .regex(/^[a-zA-Z][a-zA-Z0-9._-]{0,127}$/, {
        error: "a buildx builder name: a letter, then letters, digits, '.', '_', '-'",
      })
      .optional(),
    buildOnPreview: z.boolean({ error: "true or false" }),
    version: imageTag.optional(),
    gitSha: commitOrNumber(
      z
        .string({ error: "a git commit id (7 to 40 hex digits)" })
        .regex(/^[0-9a-f]{7,40}$/, { error: "a git commit id (7 to 40 lower-case hex digits)" }),
    ).optional(),
    // An OCI label: public, so no credentials in it.
    sourceUrl: httpUrl
      .refine((u) => !URL.canParse(u) || (!new URL(u).username && !new URL(u).password), {
        error: "an http(s) URL without credentials (image labels are public)",
      })
      .optional(),
    nodeVersion: textOrNumber(
      z
        .string({ error: NODE_VERSION_ALLOWED })
        .regex(NODE_VERSION_FORMAT, { error: NODE_VERSION_ALLOWED })
        .check((ctx) => {
          const problem = nodeVersionProblem(ctx.value);
          if (problem)
            ctx.issues.push({ code: "custom", input: ctx.value, message: `${NODE_VERSION_ALLOWED}: ${problem}` });
        }),
      'nodeVersion: "24.10"',
    ),
    pnpmVersion: textOrNumber(
      z
        .string({ error: 'an exact pnpm version such as "10.14.0"' })
        .regex(/^\d+\.\d+\.\d+$/, { error: 'an exact pnpm version such as "10.14.0"' }),
      'pnpmVersion: "10.14.0"',
    ).optional(),
    baseImages: z
      .strictObject(
        { build: imageRef.optional(), runtime: imageRef.optional() },
        { error: "a mapping { build?, runtime? } of image refs" },
      )
      .optional(),
    sizeBudgetMiB: z
      .number({ error: "a size in MiB from 1 to 4096" })
      .positive({ error: "a size in MiB from 1 to 4096" })
      .max(4096, { error: "a size in MiB from 1 to 4096" }),
    scan: scanSchema,
    registry: z
      .strictObject(
        { username: z.string({ error: "a user name" }).min(1), password: secretString },
        { error: "a mapping { username, password } (password stored as a secret)" },
      )
      .optional(),
    cache: z.strictObject(
      {
        branch: textOrNumber(
          z.string({ error: "a git branch name" }).regex(/^[\w./-]{1,200}$/, { error: "a git branch name" }),
          'branch: "2024"',
        ).optional(),
        mainBranch: textOrNumber(
          z.string({ error: "a git branch name" }).regex(/^[\w./-]{1,200}$/, { error: "a git branch name" }),
          'mainBranch: "2024"',
        ),
      },
      { error: "a mapping { branch?, mainBranch }" },
    ),
  },
  { error: "a mapping { ref } or { repository, context, … } (see the README's settings table)" },
);

const promDuration = z
  .string({ error: 'a Prometheus duration such as "30s", "15d"' })
  .regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, {
    error: 'a Prometheus duration such as "30s", "15d"',
  });

/**
 * Labels as one `key=value[,key=value]` string, read into a mapping. One string, not a mapping, so that a
 * stack's selector replaces the default instead of merging with it.
 */
function equalitySelector(example: string) {
  const error = `an equality label selector such as "${example}"`;
  return z
    .string({ error })
    .regex(/^[\w./-]{1,253}=[\w.-]{0,63}(,[\w./-]{1,253}=[\w.-]{0,63})*$/, { error })
    .transform((s) => Object.fromEntries(s.split(",").map((pair) => pair.split("=") as [string, string])));
}

export const monitoringSchema = z.strictObject(
  {
    enabled: z.boolean({ error: "true or false" }),
    grafana: z.boolean({ error: "true or false" }),
    nodeExporter: z.boolean({ error: "true or false" }),
    nodeExporterNodeSelector: equalitySelector("kubernetes.io/os=linux"),
    scrapeInterval: promDuration,
    retentionTime: promDuration,
    retentionSize: z
      .string({ error: 'a Prometheus size such as "8GB"' })
      .regex(/^[0-9]+(B|KB|MB|GB|TB)$/, { error: 'a Prometheus size such as "8GB"' }),
    storageSize: textOrNumber(
      z
        .string({ error: 'a storage quantity such as "10Gi"' })
        .refine((v) => (parseMemory(v) ?? 0) >= 1024 ** 2, { error: 'a storage quantity such as "10Gi"' }),
      'storageSize: "10Gi"',
    ),
    storageClass: dnsLabel.optional(),
    alertmanagers: z.array(z.string().regex(/^[a-z0-9.-]+:\d{1,5}$/, { error: "host:port" }), {
      error: "a list of host:port",
    }),
    protect: z.boolean({ error: "true or false" }),
  },
  { error: "a mapping of monitoring settings (see the README's settings table)" },
);

const ipv4Cidr = z.string({ error: "an IPv4 CIDR such as 10.0.0.0/8" }).refine(
  (c) => {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(c);
    return !!m && m.slice(1, 5).every((o) => Number(o) < 256) && Number(m[5]) <= 32;
  },
  { error: "an IPv4 CIDR such as 10.0.0.0/8" },
);
const tcpPort = z.int({ error: "a TCP port from 1 to 65535" }).min(1).max(65535);

export const networkSchema = z.strictObject(
  {
    enabled: z.boolean({ error: "true or false" }),
    ingressNamespace: dnsLabel.optional(),
    egressExcept: z.array(ipv4Cidr, { error: "a list of IPv4 CIDRs" }),
    egressPorts: z
      .array(tcpPort, { error: "a list of TCP ports such as [80, 443]" })
      .min(1, { error: "at least one TCP port such as [80, 443]" }),
    dns: z.strictObject(
      {
        namespace: dnsLabel,
        podSelector: equalitySelector("k8s-app=kube-dns"),
      },
      { error: "a mapping { namespace, podSelector } naming the cluster DNS pods" },
    ),
  },
  { error: "a mapping { enabled, ingressNamespace?, egressExcept?, egressPorts, dns }" },
);

export const ingressSchema = z.strictObject(
  {
    enabled: z.boolean({ error: "true or false" }),
    host: z
      .string({ error: 'a DNS host name such as "tv.example.com"' })
      .regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/, {
        error: 'a DNS host name such as "tv.example.com"',
      })
      .optional(),
    className: dnsLabel.optional(),
    tlsSecretName: dnsLabel.optional(),
    waitForLoadBalancer: z.boolean({ error: "true or false" }),
    annotations: annotations.optional(),
  },
  { error: "a mapping { enabled, host, className?, tlsSecretName?, waitForLoadBalancer, annotations? }" },
);

/** `docker.io`, `quay.io`, `registry.example.com:5000`: a registry host as image refs name it. */
const registryHost = z.string().regex(/^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?)$/, {
  error: 'registry host names such as "docker.io" or "quay.io"',
});
const mirrorPrefix = z
  .string({ error: 'a repository prefix such as "mirror.example.com/dockerhub" (host[:port]/path, no tag)' })
  .regex(/^[a-z0-9.-]+(?::\d{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, {
    error: 'a repository prefix such as "mirror.example.com/dockerhub" (host[:port]/path, no tag)',
  });

export const ENVIRONMENTS = ["dev", "prod"] as const;

/** Everything under the `moontv:` namespace, after per-environment defaults were merged in. */
export const settingsSchema = z.strictObject({
  environment: z.enum(ENVIRONMENTS, { error: `one of ${ENVIRONMENTS.join(", ")}` }),
  namespace: dnsLabel,
  pinImageDigests: z.boolean({ error: "true or false" }),
  registryMirrors: z.record(registryHost, mirrorPrefix, {
    error: "a mapping of registry host to mirror prefix, e.g. { docker.io: mirror.example.com/dockerhub }",
  }),
  kubernetes: kubernetesSchema,
  image: imageSchema,
  app: appSchema,
  redis: redisSchema,
  kvrocks: kvrocksSchema,
  monitoring: monitoringSchema,
  network: networkSchema,
  ingress: ingressSchema,
});

export type SettingsInput = z.input<typeof settingsSchema>;
export type ParsedSettings = z.output<typeof settingsSchema>;
