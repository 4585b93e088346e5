/**
 * Third-party images through a registry mirror (an air-gapped cluster's pull-through cache, a company
 * registry): `docker.io/library/redis:7.4` with `{ "docker.io": "mirror.example.com/hub" }` becomes
 * `mirror.example.com/hub/library/redis:7.4`. Refs are normalised as Docker reads them first, so a short
 * Docker Hub name (`grafana/grafana`, `redis`) matches the `docker.io` entry.
 */

/** `[registry host, repository path, rest]`, where rest is `:tag`, `@sha256:…`, both or empty. */
export function splitImageRef(ref: string): [string, string, string] {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at) : "";
  const name = at >= 0 ? ref.slice(0, at) : ref;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  const tag = colon > slash ? name.slice(colon) : "";
  const path = colon > slash ? name.slice(0, colon) : name;
  const first = path.split("/")[0];
  const hasHost = path.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasHost) return [first, path.slice(first.length + 1), tag + digest];
  return ["docker.io", path.includes("/") ? path : `library/${path}`, tag + digest];
}

export function mirroredImage(ref: string, mirrors: Readonly<Record<string, string>>): string {
  const [host, repository, rest] = splitImageRef(ref);
  const mirror = mirrors[host];
  return mirror === undefined ? ref : `${mirror}/${repository}${rest}`;
}
