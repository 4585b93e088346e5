/**
 * A secret setting (password, token, kubeconfig) held outside Pulumi's Output world so that settings stay
 * plain data. It refuses to print itself: `String()`, `JSON.stringify()` and `util.inspect` all show
 * `[secret]`. Components turn it into a Pulumi secret with `pulumi.secret(value.reveal())`.
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The clear text; call only where it becomes a `pulumi.secret`. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[secret]";
  }

  toJSON(): string {
    return "[secret]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[secret]";
  }
}
