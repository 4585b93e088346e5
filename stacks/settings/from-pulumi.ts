import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
// isConfigSecret is exported at run time but marked @internal in the typings.
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";

const isConfigSecret = (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;
import { SettingsError, showValue } from "./errors";
import { NAMESPACE, parseSettings } from "./parse";
import { settingsSchema } from "./schema";
import type { RawStackConfig, Settings } from "./types";

/** Keys whose values are mappings; Pulumi hands them to the program as JSON text. */
const STRUCTURED_KEYS = new Set(
  Object.entries(settingsSchema.shape)
    .filter(([, s]) => s.def.type === "object" || s.def.type === "record")
    .map(([k]) => k),
);

/** Declared boolean keys; the engine hands every scalar as text. */
const BOOLEAN_KEYS = new Set(
  Object.entries(settingsSchema.shape)
    .filter(([, s]) => s.def.type === "boolean")
    .map(([k]) => k),
);

function parseBoolean(text: string): unknown {
  return text === "true" ? true : text === "false" ? false : text;
}

/**
 * Collects the `moontv:` keys of the running stack's config (as the Pulumi engine or the mock runtime
 * set it) into a RawStackConfig. Only `index.ts` calls this: nothing below it reads config.
 */
export function readRawStackConfig(stackFile: string): RawStackConfig {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    const [ns, key] = splitKey(fullKey);
    if (ns !== NAMESPACE) continue;
    if (isConfigSecret(fullKey) || isConfigSecret(`${ns}:config:${key}`)) secretKeys.add(key);
    values[key] = STRUCTURED_KEYS.has(key)
      ? parseJson(key, text, stackFile)
      : BOOLEAN_KEYS.has(key)
        ? parseBoolean(text)
        : text;
  }
  return { values, secretKeys };
}

/** Loads and validates the running stack's settings; throws SettingsError on a bad value. */
export function loadSettings(projectDir: string): Settings {
  const stack = pulumi.getStack();
  const stackFile = `Pulumi.${stack}.yaml`;
  return parseSettings(readRawStackConfig(stackFile), {
    stack,
    stackFile,
    readFile: (p) => {
      const full = path.resolve(projectDir, p);
      return fs.existsSync(full) && fs.statSync(full).isFile() ? fs.readFileSync(full, "utf8") : undefined;
    },
  });
}

function splitKey(fullKey: string): [string, string] {
  const i = fullKey.indexOf(":");
  // The engine may hand keys as `project:config:key` (old form) or `project:key`.
  const rest = fullKey.slice(i + 1);
  return [fullKey.slice(0, i), rest.startsWith("config:") ? rest.slice("config:".length) : rest];
}

function parseJson(key: string, text: string, stackFile: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A plain string where a mapping belongs (e.g. `moontv:app: big`): let the schema say what is allowed.
    if (!/^\s*[[{]/.test(text)) return text;
    throw new SettingsError(
      `${NAMESPACE}:${key}`,
      stackFile,
      showValue(text),
      "a YAML mapping (set fields with `pulumi config set --path`)",
    );
  }
}
