import { ResourceValidationPolicy } from "@pulumi/policy";
import { ContainerRef, describeContainer } from "../lib/pod-templates";
import { at, isUnknown, items, UNKNOWN } from "../lib/unknown";
import { eachContainer } from "../lib/workloads";

/** What is wrong with one probe of a container, or undefined if it is fine or cannot be told yet. */
export function probeProblem(container: unknown, probeField: string): string | undefined {
  const probe = at(container, probeField);
  if (isUnknown(probe)) return undefined;
  if (probe === undefined || probe === null) return `has no ${probeField}`;
  if (at(probe, "exec") !== undefined) return undefined; // a command needs no port
  const port = ["httpGet", "tcpSocket", "grpc"].map((h) => at(probe, h, "port")).find((p) => p !== undefined);
  if (port === undefined) return `has a ${probeField} without exec, httpGet, tcpSocket or grpc`;
  if (isUnknown(port)) return undefined;
  const ports = items(at(container, "ports"));
  if (ports === UNKNOWN) return undefined;
  const declared = ports.map((p) => (typeof port === "number" ? at(p, "containerPort") : at(p, "name")));
  if (declared.some(isUnknown) || declared.includes(port)) return undefined;
  return typeof port === "number"
    ? `has a ${probeField} on port ${port}, which is not one of its containerPorts`
    : `has a ${probeField} on port "${port}", which is not a named port it declares`;
}

/** Problems of a long-running container's readiness and liveness probes (and startup probe if any). */
export function healthProbeProblems(ref: ContainerRef): string[] {
  const fields = ["readinessProbe", "livenessProbe"];
  if (at(ref.container, "startupProbe") !== undefined) fields.push("startupProbe");
  return fields
    .map((f) => probeProblem(ref.container, f))
    .filter((p): p is string => p !== undefined)
    .map((p) => `${describeContainer(ref)} (${ref.path}) ${p}.`);
}

export const workloadHealthProbes: ResourceValidationPolicy = {
  name: "workload-health-probes",
  description:
    "Every long-running container has readiness and liveness probes that target a port the container declares (or run a command).",
  validateResource: eachContainer((ref, _template, _args, report) => {
    if (!ref.longRunning) return;
    for (const problem of healthProbeProblems(ref)) report(problem);
  }),
};
