import { ResourceValidationPolicy } from "@pulumi/policy";
import { parseQuantity } from "../lib/quantity";
import { at, isUnknown, items, UNKNOWN } from "../lib/unknown";

export interface VolumeClaimConfig {
  /** Largest storage request of one claim, as a quantity ("20Gi"). */
  maxStorage?: string;
}

export const DEFAULT_MAX_STORAGE = "20Gi";

/** What is wrong with one claim spec's storage request, or undefined. */
export function claimProblem(spec: unknown, where: string, maxStorage: string): string | undefined {
  const raw = at(spec, "resources", "requests", "storage");
  if (isUnknown(raw)) return undefined;
  if (raw === undefined) return `${where} requests no storage size.`;
  const value = parseQuantity(raw);
  if (value === undefined) return `${where} has an invalid storage request "${String(raw)}".`;
  if (value > (parseQuantity(maxStorage) ?? Infinity))
    return `${where} requests ${String(raw)}, above the ceiling of ${maxStorage}.`;
  return undefined;
}

/** The claim specs of a PVC or a StatefulSet's volumeClaimTemplates, with a label for messages. */
export function claimSpecsOf(type: string, props: unknown): [unknown, string][] {
  if (type === "kubernetes:core/v1:PersistentVolumeClaim") return [[at(props, "spec"), "The claim"]];
  if (type !== "kubernetes:apps/v1:StatefulSet") return [];
  const templates = items(at(props, "spec", "volumeClaimTemplates"));
  if (templates === UNKNOWN) return [];
  return templates.map((t, i) => {
    const name = at(t, "metadata", "name");
    return [at(t, "spec"), `volumeClaimTemplate "${typeof name === "string" ? name : i}"`];
  });
}

export const volumeClaimSize: ResourceValidationPolicy = {
  name: "volume-claim-size",
  description:
    "Every persistent volume claim (standalone or a StatefulSet template) requests storage no larger than the configured ceiling.",
  configSchema: {
    properties: {
      maxStorage: {
        type: "string",
        default: DEFAULT_MAX_STORAGE,
        description: "Largest storage request of a claim (quantity).",
      },
    },
  },
  validateResource: (args, report) => {
    const { maxStorage = DEFAULT_MAX_STORAGE } = args.getConfig<VolumeClaimConfig>();
    for (const [spec, where] of claimSpecsOf(args.type, args.props)) {
      const problem = claimProblem(spec, where, maxStorage);
      if (problem) report(problem);
    }
  },
};
