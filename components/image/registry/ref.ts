import { PATH_COMPONENT, SHA256_DIGEST, TAG } from "../../../lib/image-ref";
import { RegistryError } from "./errors";

/** A parsed image reference, normalised the way the Docker CLI does it. */
export interface ImageRef {
  /** Registry host, with port when given (`127.0.0.1:5000`, `ghcr.io`, `docker.io`). */
  registry: string;
  /** Repository path inside the registry (`moontv/app`, `library/node`). */
  repository: string;
  /** Tag, when the ref has no digest: `latest` if none was written. */
  tag?: string;
  /** `sha256:<hex>` when the ref carries a digest (it wins over a tag). */
  digest?: string;
  /** What the manifest API is asked for: the digest when present, else the tag. */
  reference: string;
}

const DOCKER_HUB = "docker.io";

/**
 * Parses `host:port/repo:tag`, `repo@sha256:…`, `node:24` (Docker Hub, `library/` added) and friends.
 * The first path component is a registry when it has a dot or a colon, or is `localhost`.
 */
export function parseImageRef(ref: string): ImageRef {
  const fail = (why: string): never => {
    throw new RegistryError("invalid-ref", `invalid image reference "${ref}": ${why}`);
  };
  if (!ref || ref.trim() !== ref) fail("empty or surrounded by white space");

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!SHA256_DIGEST.test(digest)) fail(`digest "${digest}" is not sha256:<64 hex digits>`);
  }

  let registry = DOCKER_HUB;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`tag "${tag}" is not a valid tag`);
  }
  if (!rest) fail("no repository");
  for (const part of rest.split("/")) {
    if (!PATH_COMPONENT.test(part)) fail(`repository path component "${part}" is not lower-case [a-z0-9._-]`);
  }
  const repository = registry === DOCKER_HUB && !rest.includes("/") ? `library/${rest}` : rest;

  if (digest) return { registry, repository, digest, tag, reference: digest };
  const t = tag ?? "latest";
  return { registry, repository, tag: t, reference: t };
}

/** `registry/repository:tag` or `registry/repository@digest`, for messages. */
export function formatImageRef(r: ImageRef): string {
  return `${r.registry}/${r.repository}${r.digest ? `@${r.digest}` : `:${r.tag}`}`;
}

/** True for registries on this machine, which may be reached over plain http (the client falls back to it). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith("[") ? registry.slice(1, registry.indexOf("]")) : registry.split(":")[0];
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Base URL of the registry's v2 API. Docker Hub's API lives at registry-1.docker.io; loopback registries
 * speak http, everything else https, unless `scheme` says otherwise.
 */
export function registryBaseUrl(registry: string, scheme?: "http" | "https"): string {
  const s = scheme ?? (isLoopbackRegistry(registry) ? "http" : "https");
  const host = registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
  return `${s}://${host}`;
}
