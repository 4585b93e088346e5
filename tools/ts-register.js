/**
 * A TypeScript loader for our own processes (`npm run synth` and its pack, the language host, the cluster
 * tool, and the pack under the CLI): each file is transpiled once per content with TypeScript's
 * transpileModule (the same transpile-only mode ts-node uses here) and the output is cached under
 * node_modules/.cache, so a warm run does not even load the compiler. Type checking is `npm run
 * typecheck`'s job. Plain JavaScript, so it needs no loader itself.
 */
"use strict";
// First, before any module is compiled: the V8 flags of the SDK's own runners. `cmd/run-policy-pack` loads
// the SDK's v8Hooks before the SDK's runtime and the pack, `cmd/run` before the program, and it sets
// `--allow-natives-syntax`. V8 keys Node's compile cache (NODE_COMPILE_CACHE) by the flags: code cached by
// a process without that flag is rejected by one with it, and the two overwrite each other's entries at
// every run. Every process this loader starts (the language host, the offline preview and its pack, the
// cluster tool) thus shares compiled code with the runners. (cmd/run's own gRPC runtime, loaded before its
// hooks, is the SDK's to align.)
require("@pulumi/pulumi/runtime/closure/v8Hooks");
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");

const CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "moontv-ts");
const COMPILER_OPTIONS = {
  module: 1 /* CommonJS */,
  target: 9 /* ES2022 */,
  esModuleInterop: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
};
// The cache key covers everything that shapes the output: compiler version and options, path, source.
const KEY_PREFIX = `${require("typescript/package.json").version}\0${JSON.stringify(COMPILER_OPTIONS)}\0`;
let typescript; // loaded on the first cache miss only

function transpile(source, filename) {
  typescript = typescript || require("typescript");
  return typescript.transpileModule(source, { compilerOptions: COMPILER_OPTIONS, fileName: filename }).outputText;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = createHash("sha256").update(`${KEY_PREFIX}${filename}\0${source}`).digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, "utf8");
  } catch {
    output = transpile(source, filename);
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Write then rename: a concurrent process never reads a half-written file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, output);
    fs.renameSync(tmp, cached);
  }
  module._compile(output, filename);
};
