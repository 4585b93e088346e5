/** Polls `ready` until it answers true; after `timeoutMs` fails naming what it waited for, with a log. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  ready: () => Promise<boolean>,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await ready();
    } catch {
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; its log ends:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
