/**
 * The one error type of the registry client. Its message always names the registry (host:port), the
 * repository and the tag or digest, so that a failed `pulumi up` says which image could not be read.
 */
export type RegistryErrorCode =
  "invalid-ref" | "unreachable" | "not-found" | "unauthorized" | "auth-refused" | "unsupported" | "bad-response";

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  /** HTTP status when the registry answered, undefined when it could not be reached. */
  readonly status?: number;

  constructor(code: RegistryErrorCode, message: string, status?: number) {
    super(message);
    // Set again: Pulumi's closure serialiser (dynamic providers) turns `super(message)` into
    // `Error.call(this, message)`, which leaves `this.message` empty.
    this.message = message;
    this.name = "RegistryError";
    this.code = code;
    this.status = status;
  }
}

export function isRegistryError(e: unknown): e is RegistryError {
  // By name, not only instanceof: a serialised copy of the class is another class.
  return (
    typeof e === "object" &&
    e !== null &&
    (e as Error).name === "RegistryError" &&
    typeof (e as RegistryError).code === "string"
  );
}
