// Pure helpers around the project's Dockerfile: its text (passed inline to the build so that
// policies can read it), its stage names, and the build-arg map derived from plain settings.
import * as fs from "fs";
import * as path from "path";
import { IMAGE_REF } from "../../lib/image-ref";

/** Absolute path of the Dockerfile and of our own ignore file for the build context. */
export const DOCKERFILE_PATH = path.join(__dirname, "Dockerfile");
export const DOCKERIGNORE_PATH = path.join(__dirname, ".dockerignore");

/** Named stages in file order; `runner` is last, so it is also the default target. */
export const DOCKERFILE_STAGES = ["system-base", "deps", "builder", "debug", "runner"] as const;
export type DockerfileStage = (typeof DOCKERFILE_STAGES)[number];

/** The Dockerfile's text. */
export function readDockerfile(): string {
  return fs.readFileSync(DOCKERFILE_PATH, "utf8");
}

/** Plain settings the build args are made from. Every field is optional. */
export interface DockerfileBuildArgSettings {
  /** Node.js version: a major ("20") or an exact version ("20.19.5"). Default "20". */
  nodeVersion?: string;
  /** Exact pnpm version ("10.14.0"). Default: none, so corepack uses the app's `packageManager`. */
  pnpmVersion?: string;
  /** Build base image ref, ideally `repo@sha256:…`. Default `node:<nodeVersion>-bookworm-slim`. */
  buildBaseImage?: string;
  /** Runtime base image ref. Default `gcr.io/distroless/nodejs<major>-debian12`. */
  runtimeBaseImage?: string;
  /** OCI label `org.opencontainers.image.source`: the repository URL (no credentials). */
  sourceUrl?: string;
  /** OCI label `…revision`: the git commit (7–64 hex digits). */
  revision?: string;
  /** OCI label `…created`: RFC 3339 date-time, e.g. "2025-01-31T12:00:00Z". */
  created?: string;
  /** OCI label `…version`: the app version or tag. */
  version?: string;
}

/** The build args the Dockerfile declares (no secret is ever one of them). */
export type DockerfileBuildArgs = Record<
  "NODE_VERSION" | "BUILD_BASE_IMAGE" | "RUNTIME_BASE_IMAGE",
  string
> &
  Partial<Record<"PNPM_VERSION" | "SOURCE_URL" | "REVISION" | "CREATED" | "VERSION", string>>;

function fail(setting: string, value: string, allowed: string): never {
  throw new Error(`image build setting ${setting}: ${JSON.stringify(value)} is not allowed; expected ${allowed}`);
}

function check(setting: string, value: string | undefined, re: RegExp, allowed: string): string | undefined {
  if (value === undefined) return undefined;
  if (!re.test(value)) fail(setting, value, allowed);
  return value;
}

/** Build args for the Dockerfile from plain settings; throws naming the setting on bad input.
 * Values are public (they end up in the image history): a URL with credentials is refused. */
export function dockerfileBuildArgs(settings: DockerfileBuildArgSettings = {}): DockerfileBuildArgs {
  const nodeVersion = check("nodeVersion", settings.nodeVersion, /^\d{2,}(?:\.\d+){0,2}$/, 'a Node version such as "20" or "20.19.5"') ?? "20";
  const major = nodeVersion.split(".")[0];
  const pnpmVersion = check("pnpmVersion", settings.pnpmVersion, /^\d+\.\d+\.\d+(?:-[\w.]+)?$/, 'an exact pnpm version such as "10.14.0"');
  const image = (name: string, v: string | undefined) =>
    check(name, v, IMAGE_REF, "an image reference such as repo:tag or registry/repo@sha256:<64 hex>");
  const buildBase = image("buildBaseImage", settings.buildBaseImage) ?? `node:${nodeVersion}-bookworm-slim`;
  const runtimeBase = image("runtimeBaseImage", settings.runtimeBaseImage) ?? `gcr.io/distroless/nodejs${major}-debian12`;
  if (settings.sourceUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(settings.sourceUrl);
    } catch {
      fail("sourceUrl", settings.sourceUrl, "an http(s) URL");
    }
    if (!/^https?:$/.test(url.protocol)) fail("sourceUrl", settings.sourceUrl, "an http(s) URL");
    if (url.username || url.password) fail("sourceUrl", "<redacted>", "a URL without credentials (labels are public)");
  }
  const revision = check("revision", settings.revision, /^[0-9a-f]{7,64}$/, "a git commit id (7–64 lower-case hex digits)");
  const created = check("created", settings.created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/, "an RFC 3339 date-time such as 2025-01-31T12:00:00Z");
  const version = check("version", settings.version, /^[\w][\w.+-]{0,127}$/, "a version or tag of letters, digits, '.', '_', '+', '-'");
  const args: DockerfileBuildArgs = { NODE_VERSION: nodeVersion, BUILD_BASE_IMAGE: buildBase, RUNTIME_BASE_IMAGE: runtimeBase };
  if (pnpmVersion) args.PNPM_VERSION = pnpmVersion;
  if (settings.sourceUrl) args.SOURCE_URL = settings.sourceUrl;
  if (revision) args.REVISION = revision;
  if (created) args.CREATED = created;
  if (version) args.VERSION = version;
  return args;
}
