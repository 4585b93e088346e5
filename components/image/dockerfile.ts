// Pure helpers around the project's Dockerfile: its text (passed inline to the build so that
// policies can read it), its stage names, and its build-arg map.
import * as fs from "fs";
import * as path from "path";

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

/** What the build args are made from; the settings have checked each value (the schema). */
export interface DockerfileBuildArgInputs {
  /** NODE_VERSION: the Node.js version the bases carry, a major ("24") or exact ("24.22.3"). */
  nodeVersion: string;
  /** PNPM_VERSION: an exact pnpm version ("10.14.0"); unset: corepack takes the app's `packageManager`. */
  pnpmVersion?: string;
  /** BUILD_BASE_IMAGE: the build base image ref, ideally `repo@sha256:…`. */
  buildBaseImage: string;
  /** RUNTIME_BASE_IMAGE: the runtime base image ref. */
  runtimeBaseImage: string;
  /** OCI label `org.opencontainers.image.source`: the repository URL, without credentials (labels are public). */
  sourceUrl?: string;
  /** OCI label `…revision`: the git commit (7–64 hex digits). */
  revision?: string;
  /** OCI label `…created`: RFC 3339 date-time, e.g. "2025-01-31T12:00:00Z". */
  created?: string;
  /** OCI label `…version`: the app version or tag. */
  version?: string;
}

/** The build args the Dockerfile declares (no secret is ever one of them). */
export type DockerfileBuildArgs = Record<"NODE_VERSION" | "BUILD_BASE_IMAGE" | "RUNTIME_BASE_IMAGE", string> &
  Partial<Record<"PNPM_VERSION" | "SOURCE_URL" | "REVISION" | "CREATED" | "VERSION", string>>;

/** The Dockerfile's build args; an unset optional input sets no arg, so the Dockerfile's empty default holds. */
export function dockerfileBuildArgs(inputs: DockerfileBuildArgInputs): DockerfileBuildArgs {
  const args: DockerfileBuildArgs = {
    NODE_VERSION: inputs.nodeVersion,
    BUILD_BASE_IMAGE: inputs.buildBaseImage,
    RUNTIME_BASE_IMAGE: inputs.runtimeBaseImage,
  };
  if (inputs.pnpmVersion) args.PNPM_VERSION = inputs.pnpmVersion;
  if (inputs.sourceUrl) args.SOURCE_URL = inputs.sourceUrl;
  if (inputs.revision) args.REVISION = inputs.revision;
  if (inputs.created) args.CREATED = inputs.created;
  if (inputs.version) args.VERSION = inputs.version;
  return args;
}
