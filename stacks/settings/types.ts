import type { ParsedSettings } from "./schema";
import type { SecretValue } from "./secret";
import type { Environment } from "./defaults";
import type { ImageContext } from "./image-context";

type ParsedApp = ParsedSettings["app"];
type ParsedImage = ParsedSettings["image"];

/** How to build the image from the MoonTV sources (present when `image.repository` is set). */
export interface ImageBuildSettings extends Omit<
  ParsedImage,
  "ref" | "repository" | "context" | "registry" | "baseImages"
> {
  repository: string;
  context: ImageContext;
  registry?: { username: string; password: SecretValue };
  /** Both bases: as set, else the defaults for `nodeVersion`. */
  baseImages: { build: string; runtime: string };
}

/** The app's settings, secrets wrapped, config.json read and validated. */
export interface AppSettings extends Omit<ParsedApp, "password" | "upstash" | "configJson"> {
  /** Site/owner password; absent → generated with @pulumi/random. */
  password?: SecretValue;
  upstash?: { url: string; token: SecretValue };
  /** The validated config.json: its path as given and its text (normalised JSON). */
  configJson?: { path: string; text: string };
}

/** Everything a stack needs, parsed, validated and frozen. Produced only by `parseSettings`. */
export interface Settings {
  /** Stack name (`dev`, `prod`, …). */
  readonly stack: string;
  /** The stack file the values came from, for messages. */
  readonly stackFile: string;
  readonly environment: Environment;
  /** Kubernetes namespace of every namespaced object. */
  readonly namespace: string;
  /** Resolve third-party image tags to digests at deploy time. */
  readonly pinImageDigests: boolean;
  /** Registry host → mirror prefix; third-party images are pulled (and pinned) through the mirror. */
  readonly registryMirrors: Readonly<Record<string, string>>;
  readonly kubernetes: {
    context?: string;
    kubeconfig?: SecretValue;
    renderYamlToDirectory?: string;
    /** Annotations of the stack's namespace (e.g. a node selector the API server applies to its pods). */
    namespaceAnnotations?: Readonly<Record<string, string>>;
  };
  /** The image: a prebuilt `ref`, or a `build` whose pushed digest is deployed. Exactly one is set. */
  readonly image: { ref: string; build?: undefined } | { ref?: undefined; build: ImageBuildSettings };
  readonly app: AppSettings;
  readonly redis: ParsedSettings["redis"];
  /** Kvrocks, deployed when `app.storage` is kvrocks (LunaTV only). */
  readonly kvrocks: ParsedSettings["kvrocks"];
  /** Prometheus, exporters and optional Grafana. */
  readonly monitoring: ParsedSettings["monitoring"];
  /** NetworkPolicies equivalent to compose's private network. */
  readonly network: ParsedSettings["network"];
  /** Optional Ingress to the app. */
  readonly ingress: ParsedSettings["ingress"];
}

/** Config values of the `moontv:` namespace as the runtime hands them (objects already JSON-parsed). */
export interface RawStackConfig {
  /** Keys without the `moontv:` prefix. */
  values: Record<string, unknown>;
  /** Keys (without prefix) that Pulumi holds as secrets (`secure:` in the stack file). */
  secretKeys: ReadonlySet<string>;
}

export interface ParseContext {
  stack: string;
  /** Shown in messages, e.g. `Pulumi.dev.yaml`. */
  stackFile: string;
  /** Reads a file relative to the project directory; undefined when it does not exist. */
  readFile: (path: string) => string | undefined;
}
