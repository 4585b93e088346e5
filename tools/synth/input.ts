/**
 * What the offline preview takes in: the project it previews, and the error for input it refuses.
 * Node.js built-ins only, so the CLI can read its arguments before loading the program's modules.
 */
import * as path from "path";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const PROJECT_NAME = "moontv";

/** A stack that cannot be previewed: unknown stack or invalid settings. Exit status 2. */
export class SynthInputError extends Error {}
