/**
 * Builders for policy specs (in the style of pulumi-policy-aws's tests/util.ts): validation args for
 * a resource, a runner that collects the violations a policy reports, and compliant baselines that a
 * spec changes one field of.
 */
import * as policy from "@pulumi/policy";
import type { RecordedResource } from "../../tools/policy/types";

/** The engine's proxy over props (throws on unknowns); internal to @pulumi/policy, so reached untyped. */
export const unknownCheckingProxy: (props: object) => Record<string, unknown> = (
  policy as unknown as { unknownCheckingProxy: (p: object) => Record<string, unknown> }
).unknownCheckingProxy;

/** The wire sentinel for an unknown value (what the engine sends during a preview). */
export { UNKNOWN } from "../../tools/policy/struct";

/** Thrown by `notApplicable()`; the runner treats it as "no violation", as the analyzer does. */
export class NotApplicable extends Error {}

export interface ArgsOptions {
  name?: string;
  protect?: boolean;
  config?: object;
  /** Wrap the props in the engine's unknown-checking proxy (default true). */
  proxied?: boolean;
}

export function resourceArgs(type: string, props: object, o: ArgsOptions = {}): policy.ResourceValidationArgs {
  const name = o.name ?? "test";
  const p = o.proxied === false ? (props as Record<string, unknown>) : unknownCheckingProxy(props);
  return {
    type,
    props: p,
    urn: `urn:pulumi:test::moontv::${type}::${name}`,
    name,
    opts: {
      protect: o.protect ?? false,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    },
    stackTags: new Map(),
    // As the analyzer does: compare the class's type token with the resource's type.
    isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === type,
    asType: (cls) => ((cls as unknown as { __pulumiType?: string }).__pulumiType === type ? p : undefined) as never,
    getConfig: <T extends object>() => (o.config ?? {}) as T,
    notApplicable: (reason?: string) => {
      throw new NotApplicable(reason);
    },
  };
}

/** Runs every validation of a resource policy; returns the messages it reported. */
export async function runResourcePolicy(
  p: policy.ResourceValidationPolicy,
  type: string,
  props: object,
  o: ArgsOptions = {},
): Promise<string[]> {
  const messages: string[] = [];
  const validations = Array.isArray(p.validateResource)
    ? p.validateResource
    : p.validateResource
      ? [p.validateResource]
      : [];
  for (const v of validations) {
    try {
      await v(resourceArgs(type, props, o), (m) => messages.push(m));
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
  return messages;
}

/** Runs a stack policy over resources given as {type, props}; returns the messages it reported. */
export async function runStackPolicy(
  p: policy.StackValidationPolicy,
  resources: { type: string; props: object; name?: string }[],
  config: object = {},
): Promise<string[]> {
  const messages: string[] = [];
  const policyResources = resources.map((r, i) => {
    const args = resourceArgs(r.type, r.props, { name: r.name ?? `r${i}` });
    return { ...args, dependencies: [], propertyDependencies: {} } as unknown as policy.PolicyResource;
  });
  await p.validateStack(
    {
      resources: policyResources,
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable: () => {
        throw new Error("n/a");
      },
    },
    (m) => messages.push(m),
  );
  return messages;
}

/** Sets the value at a dotted path (`a.b.0.c`) of a deep copy of `obj`; `undefined` deletes it. */
export function withField<T extends object>(obj: T, path: string, value: unknown): T {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const keys = path.split(".");
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (cur[k] === undefined) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy as T;
}

export const DIGEST = "sha256:" + "a".repeat(64);

/** A container meeting every policy of the pack. */
export function compliantContainer(name = "app"): Record<string, unknown> {
  return {
    name,
    image: `ghcr.io/example/${name}@${DIGEST}`,
    ports: [{ name: "http", containerPort: 3000 }],
    env: [
      { name: "NODE_ENV", value: "production" },
      { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "s", key: "password" } } },
    ],
    readinessProbe: { httpGet: { path: "/api/health", port: "http" } },
    livenessProbe: { tcpSocket: { port: 3000 } },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1001,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
  };
}

export function compliantPodSpec(): Record<string, unknown> {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1001, fsGroup: 1001 },
    containers: [compliantContainer()],
  };
}

export function compliantDeployment(): Record<string, unknown> {
  return {
    metadata: { name: "moontv" },
    spec: { replicas: 1, template: { metadata: { labels: { app: "moontv" } }, spec: compliantPodSpec() } },
  };
}

export function compliantStatefulSet(): Record<string, unknown> {
  return {
    metadata: { name: "redis" },
    spec: {
      serviceName: "redis",
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: { spec: compliantPodSpec() },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
    },
  };
}

export const COMPLIANT_DOCKERFILE = [
  "# syntax=docker/dockerfile:1",
  "ARG NODE_IMAGE=node:24-trixie-slim",
  "FROM ${NODE_IMAGE} AS deps",
  "RUN corepack enable",
  "FROM deps AS build",
  "RUN pnpm build",
  "FROM gcr.io/distroless/nodejs24-debian13 AS runtime",
  "ARG APP_UID=1001",
  "COPY --from=build /app /app",
  "USER ${APP_UID}:1001",
  'HEALTHCHECK --interval=30s CMD ["/nodejs/bin/node", "/app/healthcheck.js"]',
  'CMD ["server.js"]',
].join("\n");

export function compliantImage(): Record<string, unknown> {
  return {
    context: { location: "." },
    dockerfile: { inline: COMPLIANT_DOCKERFILE },
    target: "runtime",
    platforms: ["linux/amd64"],
    push: true,
    tags: ["ghcr.io/example/moontv:1.0.0"],
    labels: { "dev.moontv.size-budget-mib": "300" },
    cacheFrom: [{ registry: { ref: "ghcr.io/example/moontv:cache" } }],
    cacheTo: [{ registry: { ref: "ghcr.io/example/moontv:cache", mode: "max" } }],
  };
}

let counter = 0;
/** A RecordedResource for the gRPC specs and the benchmark. */
export function recorded(
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<RecordedResource> = {},
): RecordedResource {
  counter++;
  return {
    urn: `urn:pulumi:test::moontv::${type}::${name}`,
    type,
    name,
    props,
    secretPaths: [],
    options: { protect: false, retainOnDelete: false, dependsOn: [] },
    ...extra,
  };
}
export const recordedCount = (): number => counter;
