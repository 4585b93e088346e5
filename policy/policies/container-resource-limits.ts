import { ResourceValidationPolicy } from "@pulumi/policy";
import { ContainerRef, describeContainer } from "../lib/pod-templates";
import { parseQuantity } from "../lib/quantity";
import { at, isUnknown } from "../lib/unknown";
import { eachContainer } from "../lib/workloads";

export interface ResourceCeilings {
  /** Largest CPU request or limit of one container, as a quantity ("2", "1500m"). */
  maxCpu?: string;
  /** Largest memory request or limit of one container, as a quantity ("2Gi"). */
  maxMemory?: string;
}

export const DEFAULT_CEILINGS: Required<ResourceCeilings> = { maxCpu: "2", maxMemory: "2Gi" };

/** Problems of one container's requests and limits against the ceilings; unknown values raise none. */
export function resourceProblems(ref: ContainerRef, ceilings: Required<ResourceCeilings>): string[] {
  const who = `${describeContainer(ref)} (${ref.path})`;
  const problems: string[] = [];
  for (const [resource, ceiling] of [
    ["cpu", ceilings.maxCpu],
    ["memory", ceilings.maxMemory],
  ] as const) {
    const max = parseQuantity(ceiling) ?? Infinity;
    const values: Record<string, number | undefined> = {};
    for (const kind of ["requests", "limits"]) {
      const raw = at(ref.container, "resources", kind, resource);
      if (isUnknown(raw)) continue;
      if (raw === undefined) {
        problems.push(`${who} sets no ${resource} ${kind}.`);
        continue;
      }
      const value = parseQuantity(raw);
      if (value === undefined) problems.push(`${who} has an invalid ${resource} ${kind} "${String(raw)}".`);
      else if (value > max) {
        problems.push(
          `${who} has a ${resource} ${kind.slice(0, -1)} of ${String(raw)}, above the ceiling of ${ceiling}.`,
        );
      }
      values[kind] = value;
    }
    if (values.requests !== undefined && values.limits !== undefined && values.requests > values.limits) {
      problems.push(`${who} requests more ${resource} than its limit.`);
    }
  }
  return problems;
}

export const containerResourceLimits: ResourceValidationPolicy = {
  name: "container-resource-limits",
  description: "Every container sets CPU and memory requests and limits, none above the configured ceilings.",
  configSchema: {
    properties: {
      maxCpu: {
        type: "string",
        default: DEFAULT_CEILINGS.maxCpu,
        description: "Largest CPU request or limit of a container (quantity).",
      },
      maxMemory: {
        type: "string",
        default: DEFAULT_CEILINGS.maxMemory,
        description: "Largest memory request or limit of a container (quantity).",
      },
    },
  },
  validateResource: eachContainer((ref, _template, args, report) => {
    if (ref.kind === "ephemeralContainer") return; // Kubernetes forbids resources on ephemeral containers
    const ceilings = { ...DEFAULT_CEILINGS, ...args.getConfig<ResourceCeilings>() };
    for (const problem of resourceProblems(ref, ceilings)) report(problem);
  }),
};
