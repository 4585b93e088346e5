/**
 * A dynamic provider as the dynamic-provider host runs it: serialized by Pulumi's closure serializer as
 * `pulumi.dynamic.Resource` does (the provider captured as a value), then loaded back from the text as
 * @pulumi/pulumi/cmd/dynamic-provider loads the `__provider` input.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

export async function serializedProvider(
  provider: pulumi.dynamic.ResourceProvider,
): Promise<{ loaded: pulumi.dynamic.ResourceProvider; containsSecrets: boolean }> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  // The host's loader, a dependency of @pulumi/pulumi.
  const from = require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require(from) as (code: string) => { handler: () => pulumi.dynamic.ResourceProvider };
  return { loaded: load(sf.text).handler(), containsSecrets: sf.containsSecrets };
}
