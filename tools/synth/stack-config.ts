import { parse as parseYaml } from "yaml";

/**
 * Turns Pulumi.yaml's declared config defaults and a stack file into the config map the Pulumi runtime
 * hands a program (`<namespace>:<key>` → text, mappings as JSON), the way the CLI does. `secure:` values
 * cannot be decrypted here: they become placeholder strings, and their keys are marked secret.
 */
export interface MockConfig {
  config: Record<string, string>;
  secretKeys: string[];
  /** The placeholder values standing in for secure ones, so specs can prove none leaks. */
  placeholders: string[];
}

export class StackFileError extends Error {}

export function mockConfigFromFiles(projectYamlText: string, stackYamlText: string, stackFile: string): MockConfig {
  const project = parseYamlOrThrow(projectYamlText, "Pulumi.yaml") as {
    name?: string;
    config?: Record<string, unknown>;
  };
  const stackDoc = parseYamlOrThrow(stackYamlText, stackFile) as { config?: Record<string, unknown> } | null;
  const projectName = project?.name;
  if (typeof projectName !== "string") throw new StackFileError("Pulumi.yaml: `name` is missing");

  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const placeholders: string[] = [];

  for (const [key, decl] of Object.entries(project.config ?? {})) {
    const full = key.includes(":") ? key : `${projectName}:${key}`;
    const def = (decl as { default?: unknown; value?: unknown } | null) ?? {};
    const value = def.default ?? def.value;
    if (value !== undefined) config[full] = toConfigText(value);
  }
  const stackConfig = stackDoc?.config ?? {};
  if (typeof stackConfig !== "object" || Array.isArray(stackConfig))
    throw new StackFileError(`${stackFile}: \`config\` must be a mapping`);
  for (const [key, raw] of Object.entries(stackConfig)) {
    if (!key.includes(":"))
      throw new StackFileError(`${stackFile}: config key "${key}" must be of the form <namespace>:<name>`);
    let hasSecret = false;
    const value = replaceSecure(raw, key, () => (hasSecret = true), placeholders);
    config[key] = toConfigText(value);
    if (hasSecret) secretKeys.add(key);
  }
  return { config, secretKeys: [...secretKeys], placeholders };
}

function parseYamlOrThrow(text: string, file: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    throw new StackFileError(`${file} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
}

function toConfigText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function replaceSecure(value: unknown, path: string, markSecret: () => void, placeholders: string[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${path}[${i}]`, markSecret, placeholders));
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "secure") {
      markSecret();
      // Long and distinctive, so a leak is easy to find, and valid for any password rule.
      const placeholder = `offline-preview-secret-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;
      placeholders.push(placeholder);
      return placeholder;
    }
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceSecure(v, `${path}.${k}`, markSecret, placeholders)]),
    );
  }
  return value;
}
