/** Polls until `ready` answers true; fails naming what it waited for and the last error it saw. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  ready: () => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      if (await ready()) return;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `; last error: ${last}` : ""}`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}
