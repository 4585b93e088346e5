/** Recognising secret-like names and values in literal configuration. */

/** A name that says it holds a secret: PASSWORD, TOKEN, SECRET, KEY as a word (REDIS_PASSWORD, api-key). */
const SECRET_NAME =
  /(^|[^a-z0-9])(pass(word|wd)?|token|secret|(api|private|access|secret)?_?key|requirepass|masterauth|credentials?)s?($|[^a-z0-9])/i;

/** Names that point at a secret rather than hold one (`PASSWORD_FILE`, `bearer_token_file`, `keyRef`). */
const REFERENCE_NAME = /[_.-]?(file|path|ref|name|id)$/i;

/** `scheme://user:pass@host` or `scheme://:pass@host`: credentials written into a URL. */
const URL_CREDENTIALS = /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** True if the name marks a secret value (and is not a pointer to a file or reference). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_NAME.test(name);
}

/** True if the text holds a URL with a password in it. */
export function hasUrlCredentials(text: string): boolean {
  return URL_CREDENTIALS.test(text);
}

/** Config directives that take a secret after a space, as redis.conf does. */
const DIRECTIVES = /^(requirepass|masterauth|masteruser)$/i;

/**
 * Lines of a config file (key=value, key: value, `requirepass value`) that assign a secret-like key a
 * non-empty literal; returns the offending keys.
 */
export function secretAssignments(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?["']?([A-Za-z0-9_.-]+)["']?(?:\s*([:=])\s*|\s+)(.*)$/.exec(line);
    if (!m || line.trim().startsWith("#")) continue;
    // `key value` without ':' or '=' is an assignment only for directive-style files (redis.conf);
    // elsewhere it is prose, e.g. a wrapped alert description line starting with "password or …".
    if (!m[2] && !DIRECTIVES.test(m[1])) continue;
    const value = m[3].trim().replace(/^["']|["']$/g, "");
    if (value !== "" && !value.startsWith("$") && isSecretName(m[1])) found.push(m[1]);
  }
  return found;
}
