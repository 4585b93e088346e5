import { strict as assert } from "assert";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")) as {
  "ts-node"?: { transpileOnly?: boolean; compilerOptions?: { types?: string[] } };
};

/** Bare package names imported by `entry` and every project file it imports, transitively. */
function packagesImportedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    // Type-only imports vanish from the emitted JavaScript: they need no package at run time.
    for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)"/gm)) {
      if (m[2]) continue;
      const spec = m[3];
      if (spec.startsWith(".")) {
        const base = path.resolve(path.dirname(file), spec);
        const found = [`${base}.ts`, path.join(base, "index.ts")].find((f) => fs.existsSync(f));
        assert.ok(found, `${file} imports ${spec}, which is no .ts file`);
        visit(found);
      } else if (!builtinModules.includes(spec.replace(/^node:/, "").split("/")[0])) {
        packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
      }
    }
  };
  visit(entry);
  return packages;
}

describe("package.json: what `pulumi up` needs at run time", () => {
  it("the Node.js runtime's TypeScript loader (ts-node, typescript) is a dependency, not a devDependency", () => {
    // Without them in node_modules (npm ci --omit=dev) the runtime falls back to its vendored TypeScript 3.8.
    for (const name of ["ts-node", "typescript"]) {
      assert.ok(pkg.dependencies[name], `${name} in dependencies`);
      assert.equal(pkg.devDependencies[name], undefined, `${name} not also in devDependencies`);
    }
  });

  it("the types ts-node loads when the runtime type-checks (PULUMI_NODEJS_TRANSPILE_ONLY=false) are dependencies", () => {
    const types = tsconfig["ts-node"]?.compilerOptions?.types;
    assert.deepEqual(types, ["node"], "ts-node needs no test-only types such as mocha");
    for (const t of types!) assert.ok(pkg.dependencies[`@types/${t}`], `@types/${t} in dependencies`);
  });

  it("every package index.ts imports, directly or through the project's modules, is a dependency", () => {
    const imported = [...packagesImportedBy(path.join(ROOT, "index.ts"))].sort();
    assert.ok(imported.includes("@pulumi/pulumi") && imported.includes("zod"), imported.join(", "));
    for (const name of imported)
      assert.ok(pkg.dependencies[name], `${name} is imported by the program but not in dependencies`);
  });

  it("declares nothing the program does not import: every dependency but the TypeScript loader is imported by index.ts", () => {
    // The loader and its types are what the Node.js runtime needs to load index.ts, not imports of it.
    const loader = ["ts-node", "typescript", "@types/node"];
    const imported = packagesImportedBy(path.join(ROOT, "index.ts"));
    for (const name of Object.keys(pkg.dependencies).filter((n) => !loader.includes(n)))
      assert.ok(imported.has(name), `${name} is a dependency that the program never imports: remove it`);
  });

  it("pins every version exactly", () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      assert.match(version, /^\d+\.\d+\.\d+$/, name);
    }
  });
});
