import * as pulumi from "@pulumi/pulumi";
import { SECRET_OUTPUT_KEYS, type MoonTvStackOutputs } from "./outputs";

/** The contract's keys with the JavaScript type each value must have; `?` marks optional ones. */
const CONTRACT: Record<keyof MoonTvStackOutputs, { type: "string" | "number" | "string[]"; optional?: true }> = {
  namespace: { type: "string" },
  appServiceName: { type: "string" },
  appServiceHost: { type: "string" },
  appPort: { type: "number" },
  appUrl: { type: "string" },
  imageRef: { type: "string" },
  storageType: { type: "string" },
  redisHost: { type: "string", optional: true },
  redisPort: { type: "number", optional: true },
  redisUrl: { type: "string", optional: true },
  kvrocksHost: { type: "string", optional: true },
  kvrocksPort: { type: "number", optional: true },
  kvrocksUrl: { type: "string", optional: true },
  prometheusUrl: { type: "string", optional: true },
  grafanaUrl: { type: "string", optional: true },
  serviceNames: { type: "string[]" },
  ingressHost: { type: "string", optional: true },
};

/** Typed Outputs of a MoonTV stack, as a consumer reads them. */
export type MoonTvStackReference = { [K in keyof MoonTvStackOutputs]-?: pulumi.Output<MoonTvStackOutputs[K]> };

/** A value that does not honour the contract (a stack of another version, or not a MoonTV stack). */
export class StackContractError extends Error {}

/** Checks one value against the contract; throws naming the stack, the key and what was expected. */
export function checkOutput(stack: string, key: keyof MoonTvStackOutputs, value: unknown): void {
  const rule = CONTRACT[key];
  if (value === undefined || value === null) {
    if (rule.optional) return;
    throw new StackContractError(
      `stack ${stack} has no output "${key}": is it a MoonTV stack deployed with this contract?`,
    );
  }
  const ok =
    rule.type === "string[]"
      ? Array.isArray(value) && value.every((v) => typeof v === "string")
      : typeof value === rule.type;
  if (!ok)
    throw new StackContractError(`stack ${stack} output "${key}" is ${JSON.stringify(value)}; expected a ${rule.type}`);
}

/**
 * Reads a MoonTV stack's outputs through a StackReference, checked against the contract. Secret outputs
 * (the Redis and Kvrocks URLs) stay secret whatever the referenced stack marked.
 *
 *   const moontv = readMoonTvStack(new pulumi.StackReference("acme/moontv/prod"));
 *   moontv.appUrl.apply((url) => ...);
 */
export function readMoonTvStack(ref: pulumi.StackReference): MoonTvStackReference {
  const out = {} as Record<string, pulumi.Output<unknown>>;
  for (const key of Object.keys(CONTRACT) as Array<keyof MoonTvStackOutputs>) {
    const checked = pulumi.all([ref.name, ref.getOutput(key)]).apply(([stack, value]) => {
      checkOutput(stack, key, value);
      return value ?? undefined;
    });
    out[key] = (SECRET_OUTPUT_KEYS as readonly string[]).includes(key) ? pulumi.secret(checked) : checked;
  }
  return out as MoonTvStackReference;
}
