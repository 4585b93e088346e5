/**
 * The policy pack config as the CLI reconciles it before `Configure`: every policy gets its
 * enforcement level (policy default < `all` < its own entry) and its properties (schema defaults <
 * the pack's initial config < the file), validated against the policy's config schema.
 */

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** A `--policy-pack-config` file: policy name (or "all") to a level or `{ enforcementLevel?, ...props }`. */
export type PolicyPackConfigFile = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export interface PolicyDescriptor {
  name: string;
  enforcementLevel: EnforcementLevel;
  /** JSON schema of each property, from the pack's GetAnalyzerInfo. */
  schema?: { properties: Record<string, JsonSchema>; required: string[] };
}

export interface JsonSchema {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
}

export interface ReconciledConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

function splitEntry(entry: unknown, where: string): { level?: EnforcementLevel; props: Record<string, unknown> } {
  if (entry === undefined) return { props: {} };
  if (typeof entry === "string") {
    if (!LEVELS.includes(entry))
      throw new Error(`${where}: "${entry}" is not an enforcement level (${LEVELS.join(", ")}).`);
    return { level: entry as EnforcementLevel, props: {} };
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new Error(`${where} must be an enforcement level or an object.`);
  }
  const { enforcementLevel, ...props } = entry as Record<string, unknown>;
  if (enforcementLevel !== undefined && !LEVELS.includes(String(enforcementLevel))) {
    throw new Error(`${where}.enforcementLevel: "${String(enforcementLevel)}" is not one of ${LEVELS.join(", ")}.`);
  }
  return { level: enforcementLevel as EnforcementLevel | undefined, props };
}

function typeMatches(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case undefined:
      return true;
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return typeof value === type;
  }
}

/** Schema violations of one policy's properties, as messages naming the key. */
export function validateProperties(
  policy: string,
  props: Record<string, unknown>,
  schema: PolicyDescriptor["schema"],
): string[] {
  if (!schema) return [];
  const errors: string[] = [];
  for (const key of schema.required) if (props[key] === undefined) errors.push(`${policy}.${key} is required.`);
  for (const [key, value] of Object.entries(props)) {
    const s = schema.properties[key];
    if (!s) continue; // JSON schema allows additional properties unless told otherwise
    if (!typeMatches(value, s.type))
      errors.push(`${policy}.${key} must be of type ${s.type}, got ${JSON.stringify(value)}.`);
    else if (s.enum && !s.enum.includes(value))
      errors.push(`${policy}.${key} must be one of ${JSON.stringify(s.enum)}.`);
    else if (typeof value === "number" && s.minimum !== undefined && value < s.minimum)
      errors.push(`${policy}.${key} must be at least ${s.minimum}.`);
    else if (typeof value === "number" && s.maximum !== undefined && value > s.maximum)
      errors.push(`${policy}.${key} must be at most ${s.maximum}.`);
  }
  return errors;
}

/** Reconciles the file with the pack's policies; throws one error listing every problem. */
export function reconcileConfig(
  policies: readonly PolicyDescriptor[],
  file: PolicyPackConfigFile,
  initialConfig: Record<string, unknown> = {},
): Record<string, ReconciledConfig> {
  const known = new Set(policies.map((p) => p.name));
  const errors = Object.keys(file)
    .filter((k) => k !== "all" && !known.has(k))
    .map((k) => `Policy config names "${k}", which is not a policy of the pack.`);
  // Collect every problem so one run reports them all.
  const entry = (value: unknown, where: string) => {
    try {
      return splitEntry(value, where);
    } catch (e) {
      errors.push((e as Error).message);
      return { props: {} } as ReturnType<typeof splitEntry>;
    }
  };
  const all = entry(file.all, "all");
  const out: Record<string, ReconciledConfig> = {};
  for (const p of policies) {
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(p.schema?.properties ?? {}))
      if (s.default !== undefined) defaults[k] = s.default;
    const initial = entry(initialConfig[p.name], `initial config ${p.name}`);
    const own = entry(file[p.name], p.name);
    const properties = { ...defaults, ...initial.props, ...own.props };
    errors.push(...validateProperties(p.name, properties, p.schema));
    out[p.name] = { enforcementLevel: own.level ?? all.level ?? initial.level ?? p.enforcementLevel, properties };
  }
  if (errors.length > 0) throw new Error(`Invalid policy pack config:\n  ${errors.join("\n  ")}`);
  return out;
}
