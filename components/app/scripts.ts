/**
 * Node one-liners run by init containers. The runtime image is distroless (no shell, no cp, no
 * redis-cli) but always has node, so every helper step is `node -e` through the image's ENTRYPOINT.
 */

/** Copies the image's /app/public into the (empty) volume mounted at `target`, keeping the uid. */
export function copyPublicScript(target: string): string {
  return `require("fs").cpSync("/app/public", ${JSON.stringify(target)}, { recursive: true }); console.log("seeded ${target} from /app/public");`;
}

/**
 * Waits until the store (Redis, or Kvrocks, which speaks its protocol) answers PING with PONG,
 * authenticating with the password in the URL in `urlVariable` (from the Secret, never logged).
 * Compose's `depends_on: condition: service_healthy`, as an init container. Retries every second;
 * LOADING or NOAUTH answers count as not ready.
 */
export function waitForStoreScript(urlVariable: string, label: string): string {
  return [
    'const net = require("net");',
    `const url = new URL(process.env.${urlVariable});`,
    "const pass = decodeURIComponent(url.password);",
    'const bulk = (s) => "$" + Buffer.byteLength(s) + "\\r\\n" + s + "\\r\\n";',
    'const request = (pass ? "*2\\r\\n" + bulk("AUTH") + bulk(pass) : "") + "*1\\r\\n" + bulk("PING");',
    "const attempt = () => {",
    "  const socket = net.connect(Number(url.port || 6379), url.hostname);",
    '  let answer = "";',
    `  const retry = (why) => { socket.destroy(); console.log("waiting for ${label} at " + url.hostname + ": " + why); setTimeout(attempt, 1000); };`,
    '  socket.setTimeout(3000, () => retry("timeout"));',
    '  socket.on("connect", () => socket.write(request));',
    '  socket.on("error", (e) => retry(e.code || e.message));',
    '  socket.on("data", (d) => {',
    "    answer += d;",
    `    if (answer.includes("+PONG")) { console.log("${label} is ready"); socket.destroy(); process.exit(0); }`,
    "    const err = answer.match(/^-(\\S+)/m); if (err) retry(err[1]);",
    "  });",
    "};",
    "attempt();",
  ].join("\n");
}

/** waitForStoreScript for Redis. */
export const WAIT_FOR_REDIS_SCRIPT = waitForStoreScript("REDIS_URL", "redis");
