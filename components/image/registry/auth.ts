/** A parsed `WWW-Authenticate` header: the scheme and its parameters (realm, service, scope, …). */
export interface AuthChallenge {
  scheme: "bearer" | "basic" | string;
  params: Record<string, string>;
}

/** Parses the first challenge of a `WWW-Authenticate` header; undefined when there is none. */
export function parseAuthChallenge(header: string | null | undefined): AuthChallenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (let p = re.exec(m[2]); p; p = re.exec(m[2])) {
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
  }
  return { scheme: m[1].toLowerCase(), params };
}

/** `Basic <base64(user:password)>`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/**
 * URL of the token request for a Bearer challenge: the realm with `service` and `scope` (the challenge's
 * scope when it names one, else pull access to the repository).
 */
export function tokenUrl(challenge: AuthChallenge, repository: string): string {
  const realm = challenge.params.realm;
  if (!realm) throw new Error("the Bearer challenge names no realm");
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", challenge.params.scope ?? `repository:${repository}:pull`);
  return url.toString();
}
