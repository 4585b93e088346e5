/** Small waiting and port helpers of the cluster script. */
import * as net from "net";

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

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
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; its log ends:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
