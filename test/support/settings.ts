import { parseSettings, type Settings } from "../../stacks/settings";

export const DIGEST_REF = `registry.example.com/moontv@sha256:${"a".repeat(64)}`;

export const SAMPLE_CONFIG_JSON = JSON.stringify({
  cache_time: 7200,
  api_site: { demo: { api: "https://vod.example.com/api.php/provide/vod", name: "Demo" } },
});

/** Parses settings for a stack from plain values, the way index.ts would after reading config. */
export function settingsFor(
  stack: "dev" | "prod" | string,
  values: Record<string, unknown> = {},
  opts: { secretKeys?: string[]; files?: Record<string, string> } = {},
): Settings {
  return parseSettings(
    { values: { image: { ref: DIGEST_REF }, ...values }, secretKeys: new Set(opts.secretKeys ?? []) },
    { stack, stackFile: `Pulumi.${stack}.yaml`, readFile: (p) => opts.files?.[p] },
  );
}

/** Runs `fn` and returns the SettingsError it throws; fails the test if it throws anything else or nothing. */
export function settingsErrorOf(fn: () => unknown): import("../../stacks/settings").SettingsError {
  try {
    fn();
  } catch (err) {
    if ((err as { isSettingsError?: boolean }).isSettingsError)
      return err as import("../../stacks/settings").SettingsError;
    throw new Error(`expected a SettingsError, got ${String(err)}`);
  }
  throw new Error("expected a SettingsError, nothing was thrown");
}
