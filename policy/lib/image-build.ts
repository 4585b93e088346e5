/** Reading the Dockerfile and target stage of a `docker-build:index:Image` from its props. */
import * as fs from "fs";
import * as path from "path";
import { ParsedDockerfile, Stage, parseDockerfile, targetStage, variablesFor } from "./dockerfile-reader";
import { ResourceValidation } from "@pulumi/policy";
import { forType } from "./resource-type";
import { at, isUnknown, keysOf, UNKNOWN, Unknown } from "./unknown";

export const IMAGE_TYPE = "docker-build:index:Image";

export interface BuildTarget {
  dockerfile: ParsedDockerfile;
  stage: Stage;
  /** Build-arg, ARG and ENV values visible in the target stage, for substituting `$VARS`. */
  vars: Map<string, string>;
  /** "target stage \"runtime\"" or "last stage", for messages. */
  label: string;
}

/** Why the target stage could not be read (reported as a violation: the build cannot be checked). */
export interface BuildTargetError {
  error: string;
}

/**
 * The build's target stage, UNKNOWN if the Dockerfile or target is not known yet (preview), or an
 * error when the Dockerfile cannot be found or has no such stage.
 */
export function buildTargetOf(props: unknown): BuildTarget | BuildTargetError | Unknown {
  const text = dockerfileText(props);
  if (isUnknown(text)) return UNKNOWN;
  if (typeof text !== "string") return { error: text.error };
  const target = at(props, "target");
  if (isUnknown(target)) return UNKNOWN;
  const dockerfile = parseDockerfile(text);
  const stage = targetStage(dockerfile, typeof target === "string" ? target : undefined);
  if (!stage) {
    return { error: target ? `the Dockerfile has no stage named "${target}"` : "the Dockerfile has no FROM" };
  }
  const buildArgs: Record<string, string> = {};
  const argsProp = at(props, "buildArgs");
  for (const k of keysOf(argsProp)) {
    const v = at(argsProp, k);
    if (typeof v === "string") buildArgs[k] = v;
  }
  const label = typeof target === "string" && target ? `target stage "${target}"` : "last stage";
  return { dockerfile, stage, vars: variablesFor(dockerfile, stage, buildArgs), label };
}

/** The Dockerfile text: `dockerfile.inline`, else the file at `dockerfile.location` (or the context's Dockerfile). */
function dockerfileText(props: unknown): string | Unknown | BuildTargetError {
  const inline = at(props, "dockerfile", "inline");
  if (isUnknown(inline) || typeof inline === "string") return inline as string | Unknown;
  const location = at(props, "dockerfile", "location");
  const context = at(props, "context", "location");
  if (isUnknown(location) || (location === undefined && isUnknown(context))) return UNKNOWN;
  const file =
    typeof location === "string"
      ? location
      : typeof context === "string"
        ? path.join(context, "Dockerfile")
        : undefined;
  if (!file) return { error: "the build has neither dockerfile.inline nor dockerfile.location" };
  // The CLI runs the pack from policy/ while the program's relative paths start one level up.
  for (const candidate of path.isAbsolute(file) ? [file] : [path.resolve(file), path.resolve("..", file)]) {
    try {
      return fs.readFileSync(candidate, "utf8");
    } catch {
      // try the next candidate
    }
  }
  return { error: `the Dockerfile ${file} cannot be read; give it as dockerfile.inline` };
}

/**
 * A validation of every image build's Dockerfile target stage: `problemOf` says what is wrong (or
 * undefined); an unreadable Dockerfile is reported naming `subject`; unknown inputs are skipped.
 */
export function validateBuildTarget(
  subject: string,
  problemOf: (build: BuildTarget) => string | undefined,
): ResourceValidation {
  return forType(IMAGE_TYPE, (_props, args, report) => {
    const build = buildTargetOf(args.props);
    if (build === UNKNOWN) return;
    if ("error" in build) return report(`The image's ${subject} cannot be checked: ${build.error}.`);
    const problem = problemOf(build);
    if (problem) report(problem);
  });
}
