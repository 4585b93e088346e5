import { ResourceValidationPolicy } from "@pulumi/policy";
import { forType } from "../lib/resource-type";
import { IMAGE_TYPE } from "../lib/image-build";
import { at, isUnknown, items, UNKNOWN } from "../lib/unknown";

/** True if one cacheTo entry exports to a registry with mode=max; UNKNOWN if it cannot be told yet. */
function isRegistryMax(entry: unknown): boolean | typeof UNKNOWN {
  if (isUnknown(entry)) return UNKNOWN;
  if (at(entry, "disabled") === true) return false;
  const raw = at(entry, "raw");
  if (isUnknown(raw)) return UNKNOWN;
  // docker-build fills in every field of its inputs, so the real engine hands the pack `raw: ""` beside
  // a structured registry entry: only a non-empty raw string is a cache spec of its own.
  if (typeof raw === "string" && raw !== "") {
    const fields = new Set(raw.split(",").map((f) => f.trim()));
    return fields.has("type=registry") && fields.has("mode=max");
  }
  const registry = at(entry, "registry");
  if (registry === undefined || registry === null) return false;
  const mode = at(registry, "mode");
  if (isUnknown(mode) || isUnknown(registry)) return UNKNOWN;
  return mode === "max";
}

/** What is wrong with an image build's cacheTo, or undefined. */
export function cacheProblem(props: unknown): string | undefined {
  const entries = items(at(props, "cacheTo"));
  if (entries === UNKNOWN) return undefined;
  const verdicts = entries.map(isRegistryMax);
  if (verdicts.includes(true) || verdicts.includes(UNKNOWN)) return undefined;
  return entries.length === 0
    ? 'The image build exports no cache; add cacheTo: [{ registry: { ref, mode: "max" } }].'
    : "The image build exports no registry cache with mode max (the default mode min drops the builder stages' layers).";
}

export const buildRegistryCache: ResourceValidationPolicy = {
  name: "build-registry-cache",
  description:
    "Every image build exports its layer cache to a registry with mode max, so every stage is reused by the next build.",
  validateResource: forType(IMAGE_TYPE, (_props, args, report) => {
    const problem = cacheProblem(args.props);
    if (problem) report(problem);
  }),
};
