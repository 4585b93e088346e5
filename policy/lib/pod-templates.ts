/** Finding the pod specs and containers inside Kubernetes workload resources, by resource type. */
import { at, items, isUnknown, Unknown, UNKNOWN } from "./unknown";

/** Where the pod template sits in each workload type, and whether its containers run indefinitely. */
const WORKLOADS: Record<string, { path: string[]; longRunning: boolean }> = {
  "kubernetes:apps/v1:Deployment": { path: ["spec", "template"], longRunning: true },
  "kubernetes:apps/v1:StatefulSet": { path: ["spec", "template"], longRunning: true },
  "kubernetes:apps/v1:DaemonSet": { path: ["spec", "template"], longRunning: true },
  "kubernetes:apps/v1:ReplicaSet": { path: ["spec", "template"], longRunning: true },
  "kubernetes:core/v1:ReplicationController": { path: ["spec", "template"], longRunning: true },
  "kubernetes:core/v1:PodTemplate": { path: ["template"], longRunning: true },
  "kubernetes:core/v1:Pod": { path: [], longRunning: true },
  "kubernetes:batch/v1:Job": { path: ["spec", "template"], longRunning: false },
  "kubernetes:batch/v1:CronJob": { path: ["spec", "jobTemplate", "spec", "template"], longRunning: false },
};

/** The resource types that carry a pod template. */
export const WORKLOAD_TYPES: readonly string[] = Object.keys(WORKLOADS);

export interface PodTemplate {
  /** Dotted path of the pod template inside the props, e.g. `spec.template` ("" for a Pod). */
  path: string;
  /** The pod spec (may be a proxy); UNKNOWN if not known yet. */
  spec: unknown;
  /** True if the containers are expected to run indefinitely (not a Job/CronJob, nor a Pod that ends). */
  longRunning: boolean;
}

export type ContainerKind = "container" | "initContainer" | "ephemeralContainer";

export interface ContainerRef {
  kind: ContainerKind;
  /** Dotted path inside the props, e.g. `spec.template.spec.containers[0]`. */
  path: string;
  /** The container's `name`, or its path when the name is not known. */
  name: string;
  /** The container object (may be a proxy). */
  container: unknown;
  /** True for app containers of a long-running pod and for native sidecars (init with restartPolicy Always). */
  longRunning: boolean;
}

/** The pod template of a workload resource, undefined if the type carries none. */
export function podTemplateOf(type: string, props: unknown): PodTemplate | undefined {
  const w = WORKLOADS[type];
  if (!w) return undefined;
  const template = at(props, ...w.path);
  const spec = isUnknown(template) ? UNKNOWN : at(template, "spec");
  let longRunning = w.longRunning;
  if (type === "kubernetes:core/v1:Pod") {
    // A bare Pod that does not restart always is a one-off task, like a Job.
    const policy = at(spec, "restartPolicy");
    longRunning = policy === undefined || policy === "Always";
  }
  return { path: w.path.join("."), spec, longRunning };
}

const LISTS: [ContainerKind, string][] = [
  ["container", "containers"],
  ["initContainer", "initContainers"],
  ["ephemeralContainer", "ephemeralContainers"],
];

/** Every container of a pod spec; UNKNOWN entries (unknown lists or elements) are skipped. */
export function containersOf(template: PodTemplate): ContainerRef[] {
  const out: ContainerRef[] = [];
  if (isUnknown(template.spec)) return out;
  const base = template.path ? `${template.path}.spec` : "spec";
  for (const [kind, field] of LISTS) {
    const list = items(at(template.spec, field));
    if (list === UNKNOWN) continue;
    list.forEach((container, i) => {
      if (isUnknown(container) || container === null || typeof container !== "object") return;
      const path = `${base}.${field}[${i}]`;
      const name = at(container, "name");
      const sidecar = kind === "initContainer" && at(container, "restartPolicy") === "Always";
      out.push({
        kind,
        path,
        name: typeof name === "string" ? name : path,
        container,
        longRunning: (kind === "container" && template.longRunning) || sidecar,
      });
    });
  }
  return out;
}

/** A human label for messages, e.g. `container "moontv"` or `init container "migrate"`. */
export function describeContainer(ref: ContainerRef): string {
  const kind = { container: "container", initContainer: "init container", ephemeralContainer: "ephemeral container" }[
    ref.kind
  ];
  return `${kind} "${ref.name}"`;
}

/** Reads a security-context field at container level, falling back to the pod level. */
export function effectiveSecurity(template: PodTemplate, ref: ContainerRef, field: string): unknown | Unknown {
  const own = at(ref.container, "securityContext", field);
  if (own !== undefined) return own;
  return at(template.spec, "securityContext", field);
}
