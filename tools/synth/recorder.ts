import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../policy/types";

// The runtime's wire signatures, as the SDK serializes values.
import {
  specialOutputValueSig as OUTPUT_SIG,
  specialResourceSig as RESOURCE_SIG,
  specialSecretSig as SECRET_SIG,
  specialSigKey as SIG_KEY,
  unknownValue as UNKNOWN,
} from "@pulumi/pulumi/runtime/rpc";

/** Plain JSON and the dotted paths of its secrets, from a serialized property value. */
export function unwrapSerialized(
  value: unknown,
  path = "",
  secretPaths: string[] = [],
): { value: unknown; secretPaths: string[] } {
  const walk = (v: unknown, p: string): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}[${i}]`));
    if (typeof v === "object" && v !== null) {
      const o = v as Record<string, unknown>;
      if (o[SIG_KEY] === SECRET_SIG) {
        secretPaths.push(p);
        return walk(o.value, p);
      }
      if (o[SIG_KEY] === RESOURCE_SIG) return o.urn;
      if (o[SIG_KEY] === OUTPUT_SIG) {
        if (o.secret) secretPaths.push(p);
        return "value" in o ? walk(o.value, p) : UNKNOWN;
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, p ? `${p}.${k}` : k)]));
    }
    return v;
  };
  return { value: walk(value, path), secretPaths };
}

/** Deterministic fake digest, clearly simulated: sha256 of the resource name. */
export function fakeDigest(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

/** Outputs the mock providers return, beyond echoing the inputs. */
export function mockOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { ...inputs, result: `offline-preview-random-${name}` };
    case "docker-build:index:Image": {
      const digest = fakeDigest(name);
      const tags = (inputs.tags as string[] | undefined) ?? [];
      return { ...inputs, digest, ref: tags[0] ? `${tags[0].replace(/:[^:/]+$/, "")}@${digest}` : "" };
    }
    case "docker-build:index:Index": {
      const digest = fakeDigest(name);
      const tag = String(inputs.tag ?? "");
      return { ...inputs, ref: `${tag.replace(/:[^:/]+$/, "")}@${digest}` };
    }
    default:
      return inputs;
  }
}

export const mocks: pulumi.runtime.Mocks = {
  newResource: (args) => ({ id: `${args.name}-id`, state: mockOutputs(args.type, args.name, args.inputs) }),
  call: (args) => args.inputs,
};

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getProvider(): string;
  getIgnorechangesList(): string[];
}

/**
 * Wraps the SDK's MockMonitor to record every registration with what the plain `Mocks` interface does
 * not see: parent, protect, retainOnDelete, dependencies, provider and which props are secrets.
 */
export function recordingMonitor(records: RecordedResource[]): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor: new (m: pulumi.runtime.Mocks) => Record<string, unknown>;
  };
  const monitor = new MockMonitor(mocks) as Record<string, unknown> & {
    registerResource(req: RegisterRequest, cb: unknown): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = async (req: RegisterRequest, cb: unknown) => {
    const { value, secretPaths } = unwrapSerialized(req.getObject()?.toJavaScript() ?? {});
    records.push({
      urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() || undefined,
      props: value as Record<string, unknown>,
      secretPaths,
      options: {
        protect: req.getProtect(),
        retainOnDelete: req.getRetainondelete(),
        dependsOn: req.getDependenciesList(),
        provider: req.getProvider() || undefined,
        ...(req.getIgnorechangesList().length > 0 ? { ignoreChanges: req.getIgnorechangesList() } : {}),
      },
    });
    return register(req, cb);
  };
  return monitor;
}
