import type * as k8s from "@pulumi/kubernetes";
import { restrictedContainerSecurityContext } from "../shared";
import type { MonitoringArgs } from "./args";
import { NOBODY, httpProbe, meta, monitoringLabels, monitoringSelector, service } from "./common";
import { NAMES, PORTS, PSS_EXCEPTION_LABEL } from "./names";

export interface NodeExporterObjects {
  namespace: k8s.types.input.core.v1.Namespace;
  daemonSet: k8s.types.input.apps.v1.DaemonSet;
  service: k8s.types.input.core.v1.Service;
}

/** Host paths node-exporter reads, mounted read-only under /host. */
const HOST_MOUNTS = [
  { name: "proc", hostPath: "/proc", mountPath: "/host/proc" },
  { name: "sys", hostPath: "/sys", mountPath: "/host/sys" },
  { name: "root", hostPath: "/", mountPath: "/host/root" },
];

/**
 * node-exporter, the documented exception to the `restricted` profile: node metrics (CPU, memory,
 * disks) can only be read from the host's /proc, /sys and root file system, and `hostPath` volumes are
 * forbidden by both `baseline` and `restricted`. It therefore gets its own namespace with Pod Security
 * level `privileged`, so the app namespace stays `restricted`. Everything else is still locked down:
 * non-root, no privilege escalation, all capabilities dropped, read-only mounts, and no hostNetwork /
 * hostPID (network-device metrics then describe the pod's own network namespace; Prometheus reaches it
 * through a pod IP that NetworkPolicies can select).
 */
export function buildNodeExporter(r: MonitoringArgs): NodeExporterObjects {
  const name = NAMES.nodeExporter;
  const ns = r.nodeExporter.namespace;
  const exception = { [PSS_EXCEPTION_LABEL]: name };
  return {
    namespace: {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: ns,
        labels: {
          ...monitoringLabels(name, r.instance),
          ...exception,
          "pod-security.kubernetes.io/enforce": "privileged",
          // Warn if anything beyond host mounts creeps in (e.g. a privileged container).
          "pod-security.kubernetes.io/warn": "privileged",
        },
      },
    },
    daemonSet: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: meta(name, ns, r.instance, exception),
      spec: {
        selector: { matchLabels: monitoringSelector(name, r.instance) },
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
        template: {
          metadata: { labels: { ...monitoringLabels(name, r.instance), ...exception } },
          spec: {
            automountServiceAccountToken: false,
            hostNetwork: false,
            hostPID: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: NOBODY,
              runAsGroup: NOBODY,
              seccompProfile: { type: "RuntimeDefault" },
            },
            nodeSelector: { ...r.nodeExporter.nodeSelector },
            tolerations: [{ operator: "Exists" }], // every selected node, control plane included
            containers: [
              {
                name,
                image: r.nodeExporter.image,
                args: [
                  "--path.procfs=/host/proc",
                  "--path.sysfs=/host/sys",
                  "--path.rootfs=/host/root",
                  `--web.listen-address=:${PORTS.nodeExporter}`,
                  "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/kubelet/.+|var/lib/containerd/.+|var/lib/docker/.+)($|/)",
                ],
                ports: [{ name: "http", containerPort: PORTS.nodeExporter, protocol: "TCP" }],
                readinessProbe: httpProbe("/", "http"),
                livenessProbe: httpProbe("/", "http", 20),
                resources: r.nodeExporter.resources,
                securityContext: restrictedContainerSecurityContext(NOBODY, NOBODY),
                volumeMounts: HOST_MOUNTS.map((m) => ({
                  name: m.name,
                  mountPath: m.mountPath,
                  readOnly: true,
                  ...(m.name === "root" ? { mountPropagation: "HostToContainer" } : {}),
                })),
              },
            ],
            volumes: HOST_MOUNTS.map((m) => ({ name: m.name, hostPath: { path: m.hostPath, type: "Directory" } })),
          },
        },
      },
    },
    // Headless: its A records are the pods, which Prometheus' dns_sd_configs turns into one target per node.
    service: service(name, ns, r.instance, PORTS.nodeExporter, true),
  };
}
