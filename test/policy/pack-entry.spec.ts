import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { cachedModules, firstLineThenKill, withCompileCache } from "../support/compile-cache";

const POLICY = path.join(__dirname, "..", "..", "policy");

describe("policy pack: the entry point the Pulumi CLI loads", () => {
  it("is plain JavaScript that loads the TypeScript pack transpile-only (no type check at every preview)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(POLICY, "package.json"), "utf8"));
    assert.equal(pkg.main, "index.js");
    const entry = fs.readFileSync(path.join(POLICY, pkg.main), "utf8");
    assert.match(entry, /require\("\.\.\/tools\/ts-register\.js"\)/);
    assert.match(entry, /require\("\.\/index\.ts"\)/);
  });

  /** Starts the pack as the CLI does, waits for its port, then ends it with SIGKILL as the CLI may. */
  const startAndKill = (env: NodeJS.ProcessEnv = process.env) =>
    firstLineThenKill(
      process.execPath,
      [require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY] }), "127.0.0.1:1", "."],
      { cwd: POLICY, env },
    );

  it("starts under @pulumi/pulumi's own run-policy-pack and announces its port, as the CLI starts it", async function () {
    this.timeout(60_000);
    assert.match(await startAndKill(), /^\d+\s*$/m);
  });

  it("writes Node's compile cache once loaded, though it is killed, not exited (NODE_COMPILE_CACHE)", async function () {
    this.timeout(60_000);
    await withCompileCache(async (cache) => {
      await startAndKill({ ...process.env, NODE_COMPILE_CACHE: cache });
      // Node writes its cache at exit only; without the pack's own flush a killed pack leaves nothing.
      assert.ok(cachedModules(cache) >= 100, `compile cache entries after a killed pack: ${cachedModules(cache)}`);
    });
  });
});
