/**
 * A TypeScript loader for the offline tools (`npm run synth`, the spawned policy pack): each file is
 * transpiled once per content with TypeScript's transpileModule (the same transpile-only mode ts-node
 * uses here) and the output is cached under node_modules/.cache, so a warm run does not even load the
 * compiler. Type checking is `npm run typecheck`'s job. Plain JavaScript, so it needs no loader itself.
 */
"use strict";
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
