import { z } from "zod";
import { defaultBaseImages, defaultsFor, deepMerge, Environment } from "./defaults";
import { isSettingsError, SettingsError, showValue } from "./errors";
import { moonTvConfigSchema } from "./moontv-config";
import { parseMemory, parseRedisMemory } from "../../lib/quantities";
import { isDigestPinned, TAG } from "../../lib/image-ref";
import { ENVIRONMENTS, FLAVOR_STORAGES, settingsSchema } from "./schema";
import { SecretValue } from "./secret";
import { isGitUrl, missingContextIgnores, type ImageContext } from "./image-context";
import { SKIP_AWAIT } from "../../lib/annotations";
import type { ParsedSettings } from "./schema";
import type { ParseContext, RawStackConfig, Settings } from "./types";

export const NAMESPACE = "moontv";

/** Setting paths (without the `moontv:` prefix) whose values are secrets. */
export const SECRET_PATHS = [
  "kubernetes.kubeconfig",
  "app.password",
  "app.upstash.token",
  "image.registry.password",
] as const;

/**
 * Parses one stack's raw config into frozen settings, or throws a SettingsError that names the key, the
 * stack file, the value and what is allowed. Pure apart from `ctx.readFile`; never throws anything else.
 */
export function parseSettings(raw: RawStackConfig, ctx: ParseContext): Settings {
  try {
    return parseOrThrow(raw, ctx);
  } catch (err) {
    if (isSettingsError(err)) throw err;
    // A bug in this parser must not hide the user's stack; say where it happened.
    throw new SettingsError(
      `${NAMESPACE}:*`,
      ctx.stackFile,
      "a value this program could not read",
      `well-formed settings (${String(err)})`,
    );
  }
}

function parseOrThrow(raw: RawStackConfig, ctx: ParseContext): Settings {
  const fail = (path: string, value: unknown, allowed: string): never => {
    throw new SettingsError(
      `${NAMESPACE}:${path}`,
      ctx.stackFile,
      isSecretPath(path) ? "[secret]" : showValue(value),
      allowed,
    );
  };

  const known = Object.keys(settingsSchema.shape);
  for (const key of Object.keys(raw.values)) {
    if (!known.includes(key))
      fail(key, raw.values[key], `one of the keys ${known.map((k) => `${NAMESPACE}:${k}`).join(", ")}`);
  }

  const environment = (raw.values.environment ??
    ((ENVIRONMENTS as readonly string[]).includes(ctx.stack) ? ctx.stack : undefined)) as Environment;
  if (!(ENVIRONMENTS as readonly unknown[]).includes(environment)) {
    fail(
      "environment",
      raw.values.environment,
      `one of ${ENVIRONMENTS.join(", ")} (required when the stack is not named dev or prod)`,
    );
  }

  const merged = deepMerge(defaultsFor(environment), { ...raw.values, environment });
  const result = settingsSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    const { path, allowed, value } = describeIssue(firstIssue(result.error.issues), merged, settingsSchema);
    fail(path, value, allowed);
  }
  const parsed = result.data!;

  for (const path of SECRET_PATHS) {
    const top = path.split(".")[0];
    if (valueAt(parsed, path) !== undefined && !raw.secretKeys.has(top)) {
      fail(
        path,
        undefined,
        `a value stored encrypted: run \`pulumi config set --secret --path ${NAMESPACE}:${path} <value>\``,
      );
    }
  }

  const { renderYamlToDirectory, context, kubeconfig } = parsed.kubernetes;
  if (renderYamlToDirectory !== undefined && (context !== undefined || kubeconfig !== undefined)) {
    // The provider refuses the pair at its check, after resources have been registered.
    const set = [
      context !== undefined && `kubernetes.context (${showValue(context)})`,
      kubeconfig !== undefined && "kubernetes.kubeconfig",
    ]
      .filter(Boolean)
      .join(" and ");
    fail(
      "kubernetes.renderYamlToDirectory",
      renderYamlToDirectory,
      `a render directory only without a cluster to talk to: unset ${set} (the kubernetes provider refuses them together), or unset renderYamlToDirectory to deploy`,
    );
  }
  checkFlavor(parsed.app, fail);
  if (parsed.app.storage === "upstash" && !parsed.app.upstash) {
    fail("app.upstash", undefined, "a mapping { url, token } when app.storage is upstash");
  }
  const image = parseImage(parsed.image, environment, ctx, fail);
  const redisLimit = parseMemory(parsed.redis.resources.limits.memory)!;
  if (parseRedisMemory(parsed.redis.maxmemory)! > redisLimit * 0.75) {
    fail(
      "redis.maxmemory",
      parsed.redis.maxmemory,
      `at most 75% of redis.resources.limits.memory (${parsed.redis.resources.limits.memory}), leaving room for fragmentation and AOF rewrites`,
    );
  }

  if (parseMemory(parsed.kvrocks.resources.limits.memory)! < 256 * 1024 ** 2) {
    fail(
      "kvrocks.resources.limits.memory",
      parsed.kvrocks.resources.limits.memory,
      "at least 256Mi: RocksDB's block cache (a quarter of the limit) and write buffers live in it",
    );
  }
  if (parsed.app.autoscaling.enabled && parsed.app.autoscaling.maxReplicas < parsed.app.replicas) {
    fail(
      "app.autoscaling.maxReplicas",
      parsed.app.autoscaling.maxReplicas,
      `at least app.replicas (${parsed.app.replicas}), the autoscaler's minimum`,
    );
  }
  if (parsed.monitoring.enabled && parsed.app.storage !== "redis" && parsed.app.storage !== "kvrocks") {
    fail(
      "monitoring.enabled",
      true,
      "false unless app.storage is redis or kvrocks (the monitoring watches the store this program deploys)",
    );
  }
  if (parsed.ingress.annotations?.[SKIP_AWAIT] !== undefined) {
    fail(
      `ingress.annotations.${SKIP_AWAIT}`,
      parsed.ingress.annotations[SKIP_AWAIT],
      "no such annotation here: set moontv:ingress.waitForLoadBalancer (true: wait for the load-balancer address; false, the default: do not)",
    );
  }
  if (parsed.ingress.enabled && !parsed.ingress.host) {
    fail(
      "ingress.host",
      undefined,
      'the host name the Ingress serves, e.g. "tv.example.com" (required when ingress.enabled is true)',
    );
  }
  // Prometheus sizes are binary (1GB = 1024^3 bytes).
  const retention =
    parseMemory(parsed.monitoring.retentionSize.replace(/([KMGT])B$/, "$1i").replace(/^(\d+)B$/, "$1")) ?? 0;
  if (retention > parseMemory(parsed.monitoring.storageSize)! * 0.85) {
    fail(
      "monitoring.retentionSize",
      parsed.monitoring.retentionSize,
      `at most 85% of monitoring.storageSize (${parsed.monitoring.storageSize}): Prometheus needs room for the WAL and compaction`,
    );
  }

  const configJson =
    parsed.app.configJson === undefined ? undefined : readMoonTvConfig(parsed.app.configJson, ctx, fail);

  const settings: Settings = {
    stack: ctx.stack,
    stackFile: ctx.stackFile,
    environment,
    namespace: parsed.namespace,
    pinImageDigests: parsed.pinImageDigests,
    registryMirrors: parsed.registryMirrors,
    kubernetes: {
      ...parsed.kubernetes,
      kubeconfig:
        parsed.kubernetes.kubeconfig === undefined ? undefined : new SecretValue(parsed.kubernetes.kubeconfig),
    },
    image,
    app: {
      ...parsed.app,
      password: parsed.app.password === undefined ? undefined : new SecretValue(parsed.app.password),
      upstash: parsed.app.upstash && { url: parsed.app.upstash.url, token: new SecretValue(parsed.app.upstash.token) },
      configJson,
    },
    redis: parsed.redis,
    kvrocks: parsed.kvrocks,
    monitoring: parsed.monitoring,
    network: parsed.network,
    ingress: parsed.ingress,
  };
  return deepFreeze(settings);
}

/** What the chosen code base can run with: its storage types, and config.json only where it is read. */
function checkFlavor(app: ParsedSettings["app"], fail: (path: string, value: unknown, allowed: string) => never): void {
  const storages = FLAVOR_STORAGES[app.flavor];
  if (!storages.includes(app.storage)) {
    const why =
      app.flavor === "lunatv"
        ? "LunaTV keeps its configuration in the database, so it has no localstorage mode"
        : "kvrocks is LunaTV's; set app.flavor: lunatv to use it";
    fail("app.storage", app.storage, `with app.flavor ${app.flavor}, one of ${storages.join(", ")} (${why})`);
  }
  if (app.flavor === "lunatv" && app.configJson !== undefined) {
    fail(
      "app.configJson",
      app.configJson,
      "nothing with app.flavor lunatv: LunaTV ignores /app/config.json and keeps its video sources in its database, set on its admin page (/admin, config file); unset app.configJson, or set app.flavor: moontv",
    );
  }
}

/** The prebuilt ref, or the build: exactly one; prod deploys only digests and pushes what it builds. */
function parseImage(
  image: ParsedSettings["image"],
  environment: Environment,
  ctx: ParseContext,
  fail: (path: string, value: unknown, allowed: string) => never,
): Settings["image"] {
  const { ref, repository, context, registry, ...build } = image;
  if (ref !== undefined && repository !== undefined) {
    return fail(
      "image.ref",
      ref,
      "either image.ref (deploy a prebuilt image) or image.repository (build the sources), not both",
    );
  }
  if (ref !== undefined) {
    if (environment === "prod" && !isDigestPinned(ref)) {
      fail(
        "image.ref",
        ref,
        'in prod, a digest-pinned reference "repo@sha256:<64 hex>" (a tag can move under a running Deployment)',
      );
    }
    return { ref };
  }
  if (repository === undefined) {
    return fail(
      "image.ref",
      undefined,
      "image.ref (a prebuilt image to deploy) or image.repository with image.context (build the sources)",
    );
  }
  if (context === undefined)
    return fail("image.context", undefined, "the sources to build: { location: <directory or git URL>, gitRef? }");
  if (!build.push && (environment === "prod" || build.platforms.length > 1)) {
    fail(
      "image.push",
      build.push,
      "true in prod and with several platforms (the cluster pulls the pushed digest; an index exists only in a registry)",
    );
  }
  // Every build is tagged with the stack's name, and Pulumi allows stack names no tag can be.
  if (!TAG.test(ctx.stack)) {
    fail(
      "image.repository",
      repository,
      `a build only in a stack whose name can be an image tag (the build tags the stack name, and "${ctx.stack}" is none: letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-'), or image.ref`,
    );
  }
  const bases = defaultBaseImages(build.nodeVersion);
  return {
    build: {
      ...build,
      repository,
      context: parseImageContext(context, ctx.readFile, fail),
      registry: registry && { username: registry.username, password: new SecretValue(registry.password) },
      baseImages: {
        build: build.baseImages?.build ?? bases.build,
        runtime: build.baseImages?.runtime ?? bases.runtime,
      },
    },
  };
}

/** A git repository (with its ref and sub-directory) or a local directory whose .dockerignore keeps the build clean. */
function parseImageContext(
  context: NonNullable<ParsedSettings["image"]["context"]>,
  readFile: ParseContext["readFile"],
  fail: (path: string, value: unknown, allowed: string) => never,
): ImageContext {
  const { location, gitRef, subdirectory } = context;
  if (isGitUrl(location)) {
    if (location.includes("#")) {
      fail(
        "image.context.location",
        location,
        "a git URL without a #fragment: give the branch, tag or commit as image.context.gitRef and the directory as image.context.subdirectory",
      );
    }
    return { kind: "git", url: location, gitRef, subdirectory };
  }
  if (gitRef !== undefined || subdirectory !== undefined) {
    fail(
      "image.context.location",
      location,
      "a git URL (https://….git, git@host:path.git) when gitRef or subdirectory is given",
    );
  }
  const missing = missingContextIgnores(readFile(`${location.replace(/\/+$/, "")}/.dockerignore`));
  if (missing.length > 0) {
    fail(
      "image.context.location",
      location,
      `a directory whose .dockerignore excludes ${missing.join(", ")} (COPY . . would otherwise ship them or clobber the installed dependencies): copy components/image/.dockerignore there`,
    );
  }
  return { kind: "directory", path: location };
}

function readMoonTvConfig(
  path: string,
  ctx: ParseContext,
  fail: (path: string, value: unknown, allowed: string) => never,
): { path: string; text: string } {
  const text = ctx.readFile(path);
  if (text === undefined)
    return fail("app.configJson", path, "the path of an existing config.json, relative to the project directory");
  let json: unknown;
  try {
    json = JSON.parse(text!);
  } catch (err) {
    return fail("app.configJson", path, `a file of valid JSON (${(err as Error).message})`);
  }
  const result = moonTvConfigSchema.safeParse(json, { reportInput: true });
  if (!result.success) {
    const { path: inner, allowed } = describeIssue(firstIssue(result.error.issues), json, moonTvConfigSchema);
    return fail("app.configJson", path, `MoonTV's config.json shape; at ${inner || "the top level"}: ${allowed}`);
  }
  return { path, text: JSON.stringify(result.data, null, 2) + "\n" };
}

/** A misspelt key explains the missing one beside it, so it is reported first. */
function firstIssue(issues: z.core.$ZodIssue[]): z.core.$ZodIssue {
  return issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
}

/** The dotted key path, the offending value and the allowed phrase of a zod issue. */
function describeIssue(
  issue: z.core.$ZodIssue,
  root: unknown,
  schema: z.ZodType,
): { path: string; value: unknown; allowed: string } {
  let segments = issue.path.map(String);
  let allowed = issue.message;
  if (issue.code === "unrecognized_keys") {
    const knownKeys = objectKeysAt(schema, segments);
    segments = [...segments, issue.keys[0]];
    allowed = `no such key here; known keys: ${knownKeys.join(", ") || "none"}`;
  } else if (issue.code === "invalid_type" && issue.input === undefined) {
    allowed = `${issue.message} (the key is required)`;
  }
  const path = segments.join(".");
  return { path, value: valueAt(root, path), allowed };
}

/** The keys a strict object schema allows at a path (through optionals, records and arrays). */
function objectKeysAt(schema: z.ZodType, segments: string[]): string[] {
  let cur: z.ZodType | undefined = schema;
  for (const seg of [...segments, ""]) {
    while (cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
    if (seg === "") break;
    if (cur instanceof z.ZodObject) cur = cur.shape[seg] as z.ZodType | undefined;
    else if (cur instanceof z.ZodRecord) cur = cur.valueType as z.ZodType;
    else if (cur instanceof z.ZodArray) cur = cur.element as z.ZodType;
    else return [];
  }
  return cur instanceof z.ZodObject ? Object.keys(cur.shape) : [];
}

function valueAt(root: unknown, dotted: string): unknown {
  if (dotted === "") return root;
  let cur: unknown = root;
  for (const seg of dotted.split(".")) {
    if (typeof cur !== "object" || cur === null || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function isSecretPath(path: string): boolean {
  return SECRET_PATHS.some((secret) => path === secret || path.startsWith(`${secret}.`));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !(value instanceof SecretValue)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
