/**
 * Dynamic providers in the offline preview. `pulumi.dynamic.Resource` asks the SDK's closure serializer
 * for its provider's code when it is constructed: TypeScript parses every function the provider captures
 * and an inspector session walks every captured value, about 0.4 s of the offline preview for prod, for
 * text that only a dynamic-provider host would run, and the offline preview starts none. So while the
 * program runs offline the serializer answers with a marker instead of the code. A spec serializes each of
 * the program's providers with the real serializer (test/synth/synth.spec.ts), and every `pulumi preview`
 * and `pulumi up` still does. The SDK asks once per provider and process: in a process that serialized a
 * provider before (a test run), its real code is reused; the CLI always starts a fresh one.
 */

/** What the offline preview records as a dynamic resource's `__provider` input. */
export const OFFLINE_PROVIDER_CODE =
  "(the dynamic provider's code: serialized by pulumi preview and pulumi up, not by the offline preview)";

/** The SDK module `pulumi.dynamic.Resource` takes the serializer from, at each construction. */
interface SerializeClosureModule {
  serializeFunction(
    fn: () => unknown,
    opts?: unknown,
  ): Promise<{ text: string; exportName: string; containsSecrets: boolean }>;
}

/** Runs `program` with the SDK's closure serializer answering the marker, then puts the serializer back. */
export async function withoutProviderCode<T>(program: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const closures = require("@pulumi/pulumi/runtime/closure/serializeClosure") as SerializeClosureModule;
  const serializeFunction = closures.serializeFunction;
  closures.serializeFunction = async () => ({
    text: OFFLINE_PROVIDER_CODE,
    exportName: "handler",
    containsSecrets: false,
  });
  try {
    return await program();
  } finally {
    closures.serializeFunction = serializeFunction;
  }
}
