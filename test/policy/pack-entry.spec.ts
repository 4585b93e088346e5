import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

const POLICY = path.join(__dirname, "..", "..", "policy");

describe("policy pack: the entry point the Pulumi CLI loads", () => {
  it("is plain JavaScript that loads the TypeScript pack transpile-only (no type check at every preview)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(POLICY, "package.json"), "utf8"));
    assert.equal(pkg.main, "index.js");
    const entry = fs.readFileSync(path.join(POLICY, pkg.main), "utf8");
    assert.match(entry, /require\("\.\.\/tools\/ts-register\.js"\)/);
    assert.match(entry, /require\("\.\/index\.ts"\)/);
  });

  it("starts under @pulumi/pulumi's own run-policy-pack and announces its port, as the CLI starts it", async function () {
    this.timeout(60_000);
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [POLICY] });
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", "."], {
      cwd: POLICY,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    try {
      const first = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (d) => resolve(String(d)));
        child.once("exit", (code) => reject(new Error(`run-policy-pack exited ${code}: ${err}`)));
      });
      assert.match(first, /^\d+\s*$/m);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
