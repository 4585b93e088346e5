import { isSha256Digest } from "../../../lib/image-ref";
import { AuthChallenge, basicAuthorization, parseAuthChallenge, tokenUrl } from "./auth";
import { RegistryError, RegistryErrorCode } from "./errors";
import {
  ACCEPT_MANIFESTS,
  Descriptor,
  ImageIndex,
  ImageManifest,
  INDEX_TYPES,
  MANIFEST_TYPES,
  MediaTypes,
  SCHEMA1_TYPES,
} from "./media-types";
import { createHash } from "crypto";
import { formatImageRef, ImageRef, isLoopbackRegistry, parseImageRef, registryBaseUrl } from "./ref";

export interface RegistryCredentials {
  username: string;
  /** Password or access token. Sent only to the registry or its token realm, never logged. */
  password: string;
}

export interface RegistryOptions {
  /** Used to answer a Basic challenge, and sent as Basic auth to the realm of a Bearer challenge. */
  credentials?: RegistryCredentials;
  /**
   * Overrides the default scheme: https, and for 127.0.0.1/localhost/::1 plain http when https cannot
   * connect (Docker's rule for registries on this machine).
   */
  scheme?: "http" | "https";
  /** Time limit of each HTTP request, in milliseconds. Default 30 000. */
  timeoutMs?: number;
}

/** Compressed size of one platform of an image: config blob plus every layer, as pushed. */
export interface PlatformSize {
  /** `os/architecture[/variant]`, e.g. `linux/amd64`, `linux/arm/v7`. */
  platform: string;
  /** Digest of the platform's image manifest. */
  digest: string;
  configBytes: number;
  layersBytes: number;
  /** configBytes + layersBytes. */
  bytes: number;
}

export type ImageInspection =
  | {
      kind: "image";
      /** The ref as given. */
      ref: string;
      /** Digest of what the ref points at (the index when multi-platform). */
      digest: string;
      mediaType: string;
      platforms: PlatformSize[];
    }
  | {
      /** Something that is not a runnable image, e.g. a BuildKit registry cache. */
      kind: "not-an-image";
      ref: string;
      digest: string;
      mediaType: string;
      reason: string;
    };

interface Fetched {
  body: Buffer;
  mediaType: string;
  digest: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_INDEX_DEPTH = 2;

/** Reads manifests and blobs of one repository, answering auth challenges on the way. */
class RepositoryReader {
  private authorization?: string;
  private base: string;
  /** A loopback registry with no scheme given: tried over https first, http if that cannot connect. */
  private httpFallback: boolean;
  private readonly label: string;

  constructor(
    private readonly ref: ImageRef,
    private readonly options: RegistryOptions,
  ) {
    this.httpFallback = options.scheme === undefined && isLoopbackRegistry(ref.registry);
    this.base = registryBaseUrl(ref.registry, this.httpFallback ? "https" : options.scheme);
    this.label = formatImageRef(ref);
  }

  error(code: RegistryErrorCode, why: string, status?: number): RegistryError {
    return new RegistryError(
      code,
      `cannot read image ${this.label} from registry ${this.ref.registry}: ${why}`,
      status,
    );
  }

  async manifest(reference: string): Promise<Fetched> {
    const res = await this.get(`/v2/${this.ref.repository}/manifests/${reference}`, ACCEPT_MANIFESTS);
    if (res.status === 404) {
      const what = reference.startsWith("sha256:") ? `manifest ${reference}` : `tag "${reference}"`;
      throw this.error(
        "not-found",
        `${what} not found in ${this.ref.repository} (HTTP 404${await errorCode(res)})`,
        404,
      );
    }
    await this.expectOk(res, `manifest ${reference}`);
    const body = Buffer.from(await res.arrayBuffer());
    const mediaType = (res.headers.get("content-type") ?? "").split(";")[0].trim();
    const digest = res.headers.get("docker-content-digest") ?? (reference.startsWith("sha256:") ? reference : "");
    return { body, mediaType, digest };
  }

  /**
   * The digest of what `reference` points at (an index for a multi-platform image), from a HEAD
   * request (Docker Hub does not count those against pull limits); from the body when no header says it.
   */
  async digest(reference: string): Promise<string> {
    const head = await this.get(`/v2/${this.ref.repository}/manifests/${reference}`, ACCEPT_MANIFESTS, "HEAD");
    if (head.status === 404) {
      const what = reference.startsWith("sha256:") ? `manifest ${reference}` : `tag "${reference}"`;
      throw this.error("not-found", `${what} not found in ${this.ref.repository} (HTTP 404)`, 404);
    }
    await this.expectOk(head, `manifest ${reference}`);
    const header = head.headers.get("docker-content-digest");
    if (header) return header;
    const { body } = await this.manifest(reference);
    return `sha256:${createHash("sha256").update(body).digest("hex")}`;
  }

  async blobJson(digest: string): Promise<unknown> {
    const res = await this.get(`/v2/${this.ref.repository}/blobs/${digest}`, "*/*");
    if (res.status === 404) throw this.error("not-found", `blob ${digest} not found (HTTP 404)`, 404);
    await this.expectOk(res, `blob ${digest}`);
    return parseJson(Buffer.from(await res.arrayBuffer()), (why) =>
      this.error("bad-response", `blob ${digest}: ${why}`),
    );
  }

  private async expectOk(res: Response, what: string): Promise<void> {
    if (res.ok) return;
    if (res.status === 401 || res.status === 403) {
      const who = this.options.credentials
        ? `the credentials of user "${this.options.credentials.username}"`
        : "anonymous access";
      throw this.error(
        "auth-refused",
        `access to ${what} refused for ${who} (HTTP ${res.status}${await errorCode(res)})`,
        res.status,
      );
    }
    throw this.error("bad-response", `${what}: HTTP ${res.status}${await errorCode(res)}`, res.status);
  }

  /** GET (or HEAD) with the current authorization; on a 401 answers the challenge once and retries. */
  private async get(path: string, accept: string, method: "GET" | "HEAD" = "GET"): Promise<Response> {
    let res: Response;
    try {
      res = await this.send(this.base + path, accept, this.authorization, undefined, method);
    } catch (e) {
      if (!this.httpFallback) throw e;
      this.base = this.base.replace(/^https:/, "http:");
      this.httpFallback = false;
      res = await this.send(this.base + path, accept, this.authorization, undefined, method);
    }
    this.httpFallback = false; // the first answer settles the scheme
    if (res.status !== 401) return res;
    const challenge = parseAuthChallenge(res.headers.get("www-authenticate"));
    if (!challenge) return res;
    await res.arrayBuffer(); // drain so the connection can be reused
    this.authorization = await this.answer(challenge);
    return this.send(this.base + path, accept, this.authorization, undefined, method);
  }

  private async answer(challenge: AuthChallenge): Promise<string> {
    const creds = this.options.credentials;
    if (challenge.scheme === "basic") {
      if (!creds) {
        throw this.error(
          "unauthorized",
          "the registry asks for Basic authentication and no credentials are configured",
          401,
        );
      }
      return basicAuthorization(creds.username, creds.password);
    }
    if (challenge.scheme === "bearer") {
      let url: string;
      try {
        url = tokenUrl(challenge, this.ref.repository);
      } catch (e) {
        throw this.error("bad-response", `bad Bearer challenge: ${(e as Error).message}`);
      }
      const realm = url.split("?")[0];
      const res = await this.send(
        url,
        "application/json",
        creds && basicAuthorization(creds.username, creds.password),
        realm,
      );
      if (res.status === 401 || res.status === 403) {
        const who = creds
          ? `the credentials of user "${creds.username}"`
          : "anonymous access (no credentials configured)";
        throw this.error("auth-refused", `token service ${realm} refused ${who} (HTTP ${res.status})`, res.status);
      }
      if (!res.ok) throw this.error("bad-response", `token service ${realm} answered HTTP ${res.status}`, res.status);
      const json = parseJson(Buffer.from(await res.arrayBuffer()), (why) =>
        this.error("bad-response", `token service ${realm}: ${why}`),
      ) as { token?: string; access_token?: string };
      const token = json.token ?? json.access_token;
      if (!token) throw this.error("bad-response", `token service ${realm} returned no token`);
      return `Bearer ${token}`;
    }
    throw this.error("unsupported", `unsupported authentication scheme "${challenge.scheme}"`, 401);
  }

  private async send(
    url: string,
    accept: string,
    authorization?: string,
    target?: string,
    method: "GET" | "HEAD" = "GET",
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    if (authorization) headers.Authorization = authorization;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      return await fetch(url, { method, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const where = target ?? new URL(url).host;
      throw this.error("unreachable", `cannot connect to ${where} (${networkCause(e, timeoutMs)})`);
    }
  }
}

/**
 * The registry's current digest of `ref` (`sha256:…`): a tag resolved over the registry API, with
 * neither a Docker daemon nor a provider plugin. A ref that already carries a digest is checked to exist.
 */
export async function resolveDigest(ref: string, options: RegistryOptions = {}): Promise<string> {
  const parsed = parseImageRef(ref);
  const reader = new RepositoryReader(parsed, options);
  const digest = await reader.digest(parsed.reference);
  if (!isSha256Digest(digest))
    throw reader.error("bad-response", `the registry gave "${digest}" as the digest, not sha256:<64 hex digits>`);
  return digest;
}

/** Reads `ref` from its registry and reports every platform's compressed size, or that it is no image. */
export async function inspectImage(ref: string, options: RegistryOptions = {}): Promise<ImageInspection> {
  const parsed = parseImageRef(ref);
  const reader = new RepositoryReader(parsed, options);
  const top = await reader.manifest(parsed.reference);
  const doc = parseJson(top.body, (why) => reader.error("bad-response", `manifest: ${why}`)) as Record<string, unknown>;
  const mediaType = top.mediaType || (typeof doc.mediaType === "string" ? doc.mediaType : "");
  const digest = top.digest || parsed.digest || "";

  const notImage = (reason: string): ImageInspection => ({ kind: "not-an-image", ref, digest, mediaType, reason });

  if (SCHEMA1_TYPES.includes(mediaType) || doc.schemaVersion === 1) {
    throw reader.error(
      "unsupported",
      "it is a Docker schema 1 manifest, which records no sizes; push it again with a current client",
    );
  }
  if (INDEX_TYPES.includes(mediaType) || (!mediaType && Array.isArray(doc.manifests))) {
    const index = doc as unknown as ImageIndex;
    const cache = cacheIndexReason(index);
    if (cache) return notImage(cache);
    const platforms = await platformsOfIndex(reader, index, 0);
    if (platforms.length === 0) return notImage("the index lists no image for any platform");
    return { kind: "image", ref, digest, mediaType, platforms };
  }
  if (MANIFEST_TYPES.includes(mediaType) || (!mediaType && doc.config)) {
    const manifest = doc as unknown as ImageManifest;
    if (manifest.config?.mediaType === MediaTypes.buildkitCacheConfig) {
      return notImage(`it is a BuildKit cache manifest (config media type ${MediaTypes.buildkitCacheConfig})`);
    }
    const platform = await platformOfConfig(reader, manifest.config);
    return { kind: "image", ref, digest, mediaType, platforms: [sizeOf(manifest, platform, digest)] };
  }
  throw reader.error("unsupported", `unknown manifest media type "${mediaType}"`);
}

/**
 * Compressed size per platform (`{"linux/amd64": bytes}`). A ref that is not an image (a BuildKit
 * cache, an empty index) is a RegistryError with code `unsupported` and "not an image" in its message.
 */
export async function measureImageSizes(ref: string, options: RegistryOptions = {}): Promise<Record<string, number>> {
  const result = await inspectImage(ref, options);
  if (result.kind === "not-an-image") {
    const p = parseImageRef(ref);
    throw new RegistryError(
      "unsupported",
      `cannot measure image ${formatImageRef(p)} from registry ${p.registry}: not an image: ${result.reason}`,
    );
  }
  return Object.fromEntries(result.platforms.map((p) => [p.platform, p.bytes]));
}

/** A BuildKit cache pushed as an index lists the cache config and layer blobs instead of manifests. */
function cacheIndexReason(index: ImageIndex): string | undefined {
  const entries = index.manifests ?? [];
  if (entries.some((d) => d.mediaType === MediaTypes.buildkitCacheConfig)) {
    return `it is a BuildKit cache index (it lists a ${MediaTypes.buildkitCacheConfig} blob)`;
  }
  const nonManifests = entries.filter(
    (d) => !INDEX_TYPES.includes(d.mediaType) && !MANIFEST_TYPES.includes(d.mediaType),
  );
  if (entries.length > 0 && nonManifests.length === entries.length) {
    return `it is an index of blobs (${nonManifests[0].mediaType}), such as a BuildKit cache, not of image manifests`;
  }
  return undefined;
}

/** BuildKit adds attestation manifests (platform unknown/unknown) to indexes; they are no platform. */
function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" ||
    (d.platform?.os === "unknown" && d.platform?.architecture === "unknown")
  );
}

async function platformsOfIndex(reader: RepositoryReader, index: ImageIndex, depth: number): Promise<PlatformSize[]> {
  const out: PlatformSize[] = [];
  for (const d of index.manifests ?? []) {
    if (isAttestation(d)) continue;
    if (INDEX_TYPES.includes(d.mediaType)) {
      if (depth >= MAX_INDEX_DEPTH) throw reader.error("unsupported", `indexes nested deeper than ${MAX_INDEX_DEPTH}`);
      const child = await reader.manifest(d.digest);
      out.push(...(await platformsOfIndex(reader, JSON.parse(child.body.toString("utf8")) as ImageIndex, depth + 1)));
      continue;
    }
    if (!MANIFEST_TYPES.includes(d.mediaType)) continue;
    const child = await reader.manifest(d.digest);
    const manifest = parseJson(child.body, (why) =>
      reader.error("bad-response", `manifest ${d.digest}: ${why}`),
    ) as ImageManifest;
    if (manifest.config?.mediaType === MediaTypes.buildkitCacheConfig) continue;
    const platform =
      d.platform?.os && d.platform.architecture
        ? platformString(d.platform)
        : await platformOfConfig(reader, manifest.config);
    out.push(sizeOf(manifest, platform, d.digest));
  }
  return out;
}

async function platformOfConfig(reader: RepositoryReader, config: Descriptor): Promise<string> {
  if (!config?.digest) throw reader.error("bad-response", "the manifest has no config descriptor");
  const json = (await reader.blobJson(config.digest)) as { os?: string; architecture?: string; variant?: string };
  return platformString(json);
}

export function platformString(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os ?? "unknown", p.architecture ?? "unknown", p.variant].filter(Boolean).join("/");
}

function sizeOf(manifest: ImageManifest, platform: string, digest: string): PlatformSize {
  const configBytes = manifest.config?.size ?? 0;
  const layersBytes = (manifest.layers ?? []).reduce((sum, l) => sum + (l.size ?? 0), 0);
  return { platform, digest, configBytes, layersBytes, bytes: configBytes + layersBytes };
}

function parseJson(body: Buffer, fail: (why: string) => Error): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw fail(`not JSON (${(e as Error).message})`);
  }
}

/** ` MANIFEST_UNKNOWN` from the registry's `{"errors":[{"code":…}]}` body, when it has one. */
async function errorCode(res: Response): Promise<string> {
  try {
    const json = (await res.json()) as { errors?: { code?: string }[] };
    const codes = (json.errors ?? []).map((e) => e.code).filter(Boolean);
    return codes.length ? ` ${codes.join(", ")}` : "";
  } catch {
    return "";
  }
}

/** The useful part of a fetch failure: ECONNREFUSED, ENOTFOUND, a TLS error, a timeout. */
function networkCause(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `no answer within ${timeoutMs} ms`;
  const cause = err?.cause;
  if (cause?.code)
    return cause.message && !cause.message.includes(cause.code) ? `${cause.code}: ${cause.message}` : cause.code;
  return cause?.message ?? err?.message ?? String(e);
}
