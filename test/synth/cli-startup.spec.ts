import * as assert from "assert";
import { builtinModules } from "module";
import * as fs from "fs";
import * as path from "path";

// The offline preview spawns the policy pack before it loads the program's modules, so the pack's
// boot (about a second) overlaps with all of the program's loading: what the CLI imports statically
// must stay light, or the overlap is silently lost (the saving shows in `npm run bench:e2e`).
const TOOLS = path.resolve(__dirname, "..", "..", "tools");

/** The modules a source file imports for their values (`import type` loads nothing). */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^import\s+(?:type\s+)?[^;]*?from\s+"([^"]+)";/gms)]
    .filter((m) => !/^import\s+type\s/.test(m[0]))
    .map((m) => m[1]);
}

/** Every module the file loads at startup, following relative imports; built-ins are leaves. */
function startupModules(file: string, seen = new Set<string>()): string[] {
  const found: string[] = [];
  for (const spec of staticImports(fs.readFileSync(file, "utf8"))) {
    if (!spec.startsWith(".")) {
      found.push(spec);
      continue;
    }
    const target = path.resolve(path.dirname(file), `${spec}.ts`);
    if (seen.has(target)) continue;
    seen.add(target);
    found.push(path.relative(TOOLS, target), ...startupModules(target, seen));
  }
  return found;
}

describe("offline preview CLI: startup", () => {
  it("loads only Node.js built-ins and light local modules before it spawns the pack", () => {
    const modules = startupModules(path.join(TOOLS, "synth", "cli.ts"));
    const packages = modules.filter((m) => !m.includes(path.sep) && !m.endsWith(".ts"));
    const heavy = packages.filter((m) => !builtinModules.includes(m.replace(/^node:/, "")));
    assert.deepEqual(heavy, [], `cli.ts loads ${heavy.join(", ")} at startup: import it after spawnPackProcess()`);
    assert.deepEqual(modules.filter((m) => m.endsWith(".ts")).sort(), ["policy/pack-process.ts", "synth/input.ts"]);
  });

  it("sees a heavy import, and not a type-only one (the check can fail)", () => {
    const source =
      'import * as pulumi from "@pulumi/pulumi";\nimport type { Output } from "@pulumi/kubernetes";\nimport {\n  a,\n} from "./input";\n';
    assert.deepEqual(staticImports(source), ["@pulumi/pulumi", "./input"]);
  });
});
