import { validateKubernetesObject } from "./kubernetes-models";

/** Plain Kubernetes object as the builders return it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = { apiVersion: string; kind: string; metadata: any; spec?: any; data?: any; stringData?: any };

/** Validates against the Kubernetes OpenAPI schema (kubernetes-models v4); throws naming the object. */
export const validateK8s = (obj: Obj): void => validateKubernetesObject(obj);

const ALLOWED_VOLUMES = [
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
];

/**
 * Violations of the Pod Security Standard `restricted` profile (v1.30) in a pod spec; [] = compliant.
 * Covers host namespaces, privileged, capabilities, volume types, host ports, privilege escalation,
 * non-root, seccomp, procMount and sysctls.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function restrictedViolations(pod: any): string[] {
  const v: string[] = [];
  for (const h of ["hostNetwork", "hostPID", "hostIPC"]) if (pod[h]) v.push(`${h} is true`);
  for (const vol of pod.volumes ?? []) {
    const type = Object.keys(vol).find((k) => k !== "name");
    if (!type || !ALLOWED_VOLUMES.includes(type)) v.push(`volume ${vol.name} has type ${type}`);
  }
  if (pod.securityContext?.sysctls?.length) v.push("pod sets sysctls");
  const podSc = pod.securityContext ?? {};
  if (podSc.runAsUser === 0) v.push("pod runAsUser 0");
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const n = `container ${c.name}`;
    if (sc.privileged) v.push(`${n} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${n} does not set allowPrivilegeEscalation=false`);
    if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) v.push(`${n} is not runAsNonRoot`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) v.push(`${n} runs as uid 0`);
    const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") v.push(`${n} has seccomp ${seccomp}`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) v.push(`${n} does not drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") v.push(`${n} adds ${cap}`);
    if (sc.procMount && sc.procMount !== "Default") v.push(`${n} sets procMount`);
    for (const p of c.ports ?? []) if (p.hostPort) v.push(`${n} uses hostPort ${p.hostPort}`);
  }
  return v;
}

/** The pod spec of a workload object, or undefined for other kinds. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podSpecOf(obj: Obj): any {
  return ["Deployment", "StatefulSet", "DaemonSet"].includes(obj.kind) ? obj.spec.template.spec : undefined;
}

export const STANDARD_LABEL_KEYS = ["name", "instance", "component", "part-of", "managed-by"].map(
  (k) => `app.kubernetes.io/${k}`,
);

/** Views builder output (Pulumi input types) as plain objects, which they are, for reading in specs. */
export function plain<T extends object>(objects: T): { [K in keyof T]: Obj } {
  return objects as never;
}
