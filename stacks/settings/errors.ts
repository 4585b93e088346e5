import * as pulumi from "@pulumi/pulumi";

/**
 * A user mistake in a stack's settings. It extends `pulumi.RunError` so that the Pulumi CLI prints only
 * the message (no stack trace), and it is thrown before any resource is registered.
 */
export class SettingsError extends pulumi.RunError {
  /** `true` on every SettingsError; survives `instanceof` across module copies. */
  readonly isSettingsError = true;

  constructor(
    /** The config key with its path, e.g. `moontv:app.replicas`. */
    readonly key: string,
    /** The stack file the value comes from, e.g. `Pulumi.prod.yaml`. */
    readonly stackFile: string,
    /** The offending value, already rendered for display (`[secret]` for secrets). */
    readonly shownValue: string,
    /** What is allowed, as a phrase. */
    readonly allowed: string,
  ) {
    super(`${key} in ${stackFile}: got ${shownValue}; allowed: ${allowed}.`);
    this.name = "SettingsError";
  }
}

export function isSettingsError(err: unknown): err is SettingsError {
  return typeof err === "object" && err !== null && (err as { isSettingsError?: unknown }).isSettingsError === true;
}

/** Renders a config value for an error message, short and on one line. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  // A URL's user and password are credentials: never echoed.
  text = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s"]*@/gi, "$1[redacted]@");
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
