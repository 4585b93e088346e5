import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { NodeLanguageHost, runArguments } from "../../engine/language-host/host";
import { cachedModules, firstLineThenKill, withCompileCache } from "../support/compile-cache";

const ROOT = path.resolve(__dirname, "../..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const langGrpc = require("@pulumi/pulumi/proto/language_grpc_pb");

/** The option names of a `minimist(args, { boolean: [...], string: [...] })` call in a compiled SDK command. */
function minimistOptions(file: string): Set<string> {
  const text = fs.readFileSync(file, "utf8");
  const names = new Set<string>();
  for (const kind of ["boolean", "string"]) {
    const m = new RegExp(`${kind}:\\s*\\[([^\\]]*)\\]`).exec(text);
    assert.ok(m, `${file} has no minimist ${kind} option list`);
    for (const q of m[1].matchAll(/"([^"]+)"/g)) names.add(q[1]);
  }
  return names;
}

/**
 * engine/language-host/host.ts stands in for Pulumi's own Node.js host (which cannot be built here) and
 * starts the SDK's own commands; these hold it to the @pulumi/pulumi installed, so that an SDK upgrade that
 * changes what those commands take fails here and not only under the real engine (test:e2e).
 */
describe("engine/language-host: our Node.js language host against the installed @pulumi/pulumi", () => {
  it("serves only methods of the SDK's LanguageRuntime service, among them all the CLI calls to run programs and packs", () => {
    const service = Object.keys(langGrpc.LanguageRuntimeService);
    const ours = Object.getOwnPropertyNames(NodeLanguageHost.prototype).filter((m) => m !== "constructor");
    for (const m of ours) assert.ok(service.includes(m), `${m} is no longer a LanguageRuntime method`);
    for (const m of ["handshake", "getRequiredPackages", "getPluginInfo", "run", "runPlugin", "about"]) {
      assert.ok(ours.includes(m), `${m} is not served`);
    }
  });

  it("gives cmd/run only flags that it parses", () => {
    const parsed = minimistOptions(require.resolve("@pulumi/pulumi/cmd/run/index.js", { paths: [ROOT] }));
    const args = runArguments("/run", {
      monitor: "127.0.0.1:1",
      engine: "127.0.0.1:2",
      organization: "organization",
      project: "moontv",
      rootDirectory: ROOT,
      stack: "dev",
      pwd: ROOT,
      dryRun: true,
      parallel: 8,
      entryPoint: ".",
      args: [],
    });
    const flags = args.filter((a) => a.startsWith("--")).map((a) => a.slice(2));
    assert.ok(flags.length >= 9, flags.join(" "));
    for (const f of flags)
      assert.ok(parsed.has(f), `cmd/run does not parse --${f} (it parses ${[...parsed].join(", ")})`);
  });

  it("finds the SDK's cmd/run, cmd/run-policy-pack and cmd/run-plugin from the program's and the pack's directories", () => {
    for (const dir of [ROOT, path.join(ROOT, "policy")]) {
      for (const cmd of ["run", "run-policy-pack", "run-plugin"]) {
        const resolved = require.resolve(`@pulumi/pulumi/cmd/${cmd}`, { paths: [dir] });
        assert.equal(resolved, path.join(ROOT, "node_modules/@pulumi/pulumi/cmd", cmd, "index.js"));
      }
    }
  });

  it("writes Node's compile cache once it serves, though the CLI kills it, usable under the SDK runners' V8 flags", async function () {
    this.timeout(60_000);
    await withCompileCache(async (cache) => {
      // Started as the CLI starts it: the script on PATH, the engine's address last; killed as soon as it
      // announces its port, as the CLI may. The cache is written before the port.
      const port = await firstLineThenKill(
        path.join(ROOT, "engine/language-host/pulumi-language-nodejs"),
        ["127.0.0.1:1"],
        {
          env: {
            ...process.env,
            PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
            NODE_COMPILE_CACHE: cache,
          },
        },
      );
      assert.match(port, /^\d+\s*$/m);
      assert.ok(cachedModules(cache) >= 50, `compile cache entries after a killed host: ${cachedModules(cache)}`);
      // V8 keys code by its flags: what the host cached must be usable by the SDK's runners, which set
      // theirs by loading v8Hooks first (as tools/ts-register.js does for the host), then load gRPC.
      const runner = spawnSync(
        process.execPath,
        ["-e", 'require("@pulumi/pulumi/runtime/closure/v8Hooks"); require("@grpc/grpc-js");'],
        {
          cwd: ROOT,
          encoding: "utf8",
          env: { ...process.env, NODE_COMPILE_CACHE: cache, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
        },
      );
      const verdicts = (word: string) => runner.stderr.split("\n").filter((l) => l.includes(`was ${word}`)).length;
      assert.equal(
        verdicts("rejected"),
        0,
        `the host's cached code rejected under the runners' flags:\n${runner.stderr.slice(-2000)}`,
      );
      assert.ok(verdicts("accepted") >= 20, `the host's cached code used by a runner: ${verdicts("accepted")} modules`);
    });
  });
});
