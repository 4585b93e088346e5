import { strict as assert } from "assert";
import { spawn } from "child_process";
import { WAIT_FOR_REDIS_SCRIPT } from "../../../components/app";
import { freePort, requireBinary, startServer, type RunningServer } from "../../support/servers";

/** The app's wait-for-redis init container script, run with node against Debian's redis-server. */
describe("wait-for-redis init script, live", function () {
  this.timeout(30_000);
  const servers: RunningServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop("SIGKILL");
  });

  function runScript(url: string) {
    const child = spawn(process.execPath, ["-e", WAIT_FOR_REDIS_SCRIPT], {
      env: { REDIS_URL: url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    return { child, exit, output: () => out };
  }

  it("waits while Redis is down and exits 0 once it answers PONG to the authenticated PING", async () => {
    const bin = requireBinary("redis-server", "redis-server");
    const port = await freePort();
    const run = runScript(`redis://:p%40ss%20word@127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(run.child.exitCode, null, "exited before Redis was up");
    assert.match(run.output(), /waiting for redis at 127\.0\.0\.1: ECONNREFUSED/);
    servers.push(
      startServer(
        bin,
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--requirepass",
          "p@ss word",
        ],
        port,
      ),
    );
    assert.equal(await run.exit, 0, run.output());
    assert.match(run.output(), /redis is ready/);
    assert.doesNotMatch(run.output(), /p@ss|p%40ss/, "the password was logged");
  });

  it("keeps waiting on a wrong password, saying why without the password", async () => {
    const bin = requireBinary("redis-server", "redis-server");
    const port = await freePort();
    servers.push(
      startServer(
        bin,
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--requirepass", "right"],
        port,
      ),
    );
    await new Promise((r) => setTimeout(r, 500));
    const run = runScript(`redis://:wrong-one@127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(run.child.exitCode, null, "must not report ready");
    assert.match(run.output(), /waiting for redis at 127\.0\.0\.1: (WRONGPASS|ERR)/);
    assert.doesNotMatch(run.output(), /wrong-one/);
    run.child.kill("SIGKILL");
  });
});
