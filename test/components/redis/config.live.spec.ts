import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderRedisAuthConf, renderRedisConf, clusterRedisConfOptions } from "../../../components/redis";
import { RespClient } from "../../support/resp";
import { freePort, requireBinary, startServer, waitFor, type RunningServer } from "../../support/servers";
import { settingsFor } from "../../support/settings";

/**
 * The rendered redis.conf, run by Debian's redis-server on 127.0.0.1 with only the port, data dir and
 * include path rewritten: AUTH is required, and a SIGKILL loses nothing acknowledged before the last
 * fsync (appendfsync everysec bounds the loss to about one second of writes).
 */
describe("redis.conf, live with Debian's redis-server", function () {
  this.timeout(60_000);
  const password = "spec-password-0123456789";
  let dir: string;
  let confPath: string;
  let server: RunningServer | undefined;
  let port: number;

  const start = async () => {
    const s = startServer(requireBinary("redis-server", "redis-server"), [confPath], port);
    await waitFor(
      "redis-server",
      async () => {
        const c = await RespClient.connect(port);
        const r = await c.command("AUTH", password).then(() => c.command("PING"));
        c.close();
        return r === "PONG";
      },
      15_000,
      s.log,
    );
    return s;
  };

  before(async () => {
    requireBinary("redis-server", "redis-server");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "redis-conf-"));
    port = await freePort();
    fs.writeFileSync(path.join(dir, "auth.conf"), renderRedisAuthConf(password));
    const conf = renderRedisConf({
      ...clusterRedisConfOptions(settingsFor("prod").redis),
      port,
      dir,
      authInclude: path.join(dir, "auth.conf"),
    });
    // Loopback only in the spec; the cluster binds all addresses behind NetworkPolicies.
    confPath = path.join(dir, "redis.conf");
    fs.writeFileSync(confPath, conf.replace("bind * -::*", "bind 127.0.0.1"));
    server = await start();
  });

  after(async () => {
    await server?.stop("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("requires AUTH and refuses a wrong password", async () => {
    const c = await RespClient.connect(port);
    const noAuth = await c.command("SET", "k", "v");
    assert.ok(noAuth instanceof Error && /NOAUTH/.test(noAuth.message), String(noAuth));
    const wrong = await c.command("AUTH", "not-the-password");
    assert.ok(wrong instanceof Error && /WRONGPASS|invalid password/.test(wrong.message), String(wrong));
    assert.equal(await c.command("AUTH", password), "OK");
    c.close();
  });

  it("applies the rendered memory bound and persistence settings", async () => {
    const c = await RespClient.connect(port);
    await c.command("AUTH", password);
    assert.deepEqual(await c.command("CONFIG", "GET", "maxmemory"), ["maxmemory", String(384 * 1024 * 1024)]);
    assert.deepEqual(await c.command("CONFIG", "GET", "maxmemory-policy"), ["maxmemory-policy", "noeviction"]);
    assert.deepEqual(await c.command("CONFIG", "GET", "appendfsync"), ["appendfsync", "everysec"]);
    assert.deepEqual(await c.command("CONFIG", "GET", "appendonly"), ["appendonly", "yes"]);
    c.close();
  });

  it("keeps every key acknowledged before the last fsync across a SIGKILL", async () => {
    const c = await RespClient.connect(port);
    await c.command("AUTH", password);
    const before = 500;
    for (let i = 0; i < before; i++) assert.equal(await c.command("SET", `u:admin:k${i}`, `v${i}`), "OK");
    // Past appendfsync everysec's interval: everything above is on disk now.
    await new Promise((r) => setTimeout(r, 2500));
    const after = 200;
    for (let i = 0; i < after; i++) await c.command("SET", `late:k${i}`, `v${i}`);
    c.close();
    await server!.stop("SIGKILL");

    server = await start();
    const c2 = await RespClient.connect(port);
    await c2.command("AUTH", password);
    for (let i = 0; i < before; i++)
      assert.equal(await c2.command("GET", `u:admin:k${i}`), `v${i}`, `lost u:admin:k${i}`);
    const late = (await c2.command("KEYS", "late:*")) as string[];
    // Writes of the last second may or may not have been fsynced: the loss is bounded, not zero.
    assert.ok(late.length <= after);
    assert.ok(fs.existsSync(path.join(dir, "appendonlydir")), "no AOF directory in the data dir");
    c2.close();
  });
});
