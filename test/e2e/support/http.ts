/** Plain HTTP to the cluster's Services and pods, a new connection per request. */
import * as http from "http";

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One request over a new connection: kube-proxy picks a pod per connection, so no keep-alive. */
export function request(url: string, method = "GET", body?: string, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent: false, timeout: timeoutMs, headers: body ? { "content-type": "application/json" } : {} },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs / 1000} s`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** Asks `url` every `everyMs` until it answers 200; resolves with the time (ms since the epoch) it did. */
export async function first200(url: string, timeoutMs: number, everyMs = 50): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const r = await request(url, "GET", undefined, 2_000);
      if (r.status === 200) return Date.now();
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${url} did not answer 200 in ${timeoutMs / 1000} s (last: ${last})`);
}
