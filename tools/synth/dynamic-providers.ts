/**
 * Dynamic providers in the offline preview. `pulumi.dynamic.Resource` asks the SDK's closure serializer
 * for its provider's code when it is constructed: TypeScript parses every function the provider captures
 * and an inspector session walks every captured value, about 0.4 s of the offline preview for prod, for
 * text that only a dynamic-provider host would run, and the offline preview starts none. So while the
 * program runs offline the serializer answers with a marker instead of the code, and keeps each provider
 * it was asked for: a spec (test/synth/synth.spec.ts) serializes every one of them with the real
 * serializer, and every `pulumi preview` and `pulumi up` still does.
 */
import type * as pulumi from "@pulumi/pulumi";

/** What the offline preview records as a dynamic resource's `__provider` input. */
export const OFFLINE_PROVIDER_CODE =
  "(the dynamic provider's code: serialized by pulumi preview and pulumi up, not by the offline preview)";

interface SerializedFunction {
  text: string;
  exportName: string;
  containsSecrets: boolean;
}

/** The SDK module `pulumi.dynamic.Resource` takes the serializer from, at each construction. */
interface SerializeClosureModule {
  serializeFunction(fn: () => unknown, opts?: unknown): Promise<SerializedFunction>;
}

/**
 * Runs `program` with the SDK's closure serializer answering the marker, then puts the serializer back.
 * Returns what `program` returned and the providers whose code was not serialized, in order, once each.
 */
export async function withoutProviderCode<T>(
  program: () => Promise<T>,
): Promise<{ result: T; providers: pulumi.dynamic.ResourceProvider[] }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const closures = require("@pulumi/pulumi/runtime/closure/serializeClosure") as SerializeClosureModule;
  const serializeFunction = closures.serializeFunction;
  const providers = new Set<pulumi.dynamic.ResourceProvider>();
  closures.serializeFunction = async (fn) => {
    // dynamic.Resource asks for `() => provider`.
    providers.add(fn() as pulumi.dynamic.ResourceProvider);
    return { text: OFFLINE_PROVIDER_CODE, exportName: "handler", containsSecrets: false };
  };
  try {
    return { result: await program(), providers: [...providers] };
  } finally {
    closures.serializeFunction = serializeFunction;
  }
}
