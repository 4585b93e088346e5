import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REGISTER = path.join(__dirname, "../../tools/ts-register.js");

/** The offline tools' cached TypeScript loader: right output, and a changed file is never served stale. */
describe("tools/ts-register.js", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-register-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (file: string) => execFileSync(process.execPath, ["-r", REGISTER, file], { encoding: "utf8" }).trim();

  it("runs TypeScript (types erased, `export =` and imports compiled to CommonJS)", () => {
    fs.writeFileSync(path.join(dir, "lib.ts"), "const answer: number = 42;\nexport = { answer };\n");
    fs.writeFileSync(
      path.join(dir, "main.ts"),
      'import lib = require("./lib");\ninterface X { a: string }\nconst x: X = { a: "v" };\nconsole.log(`${x.a}${lib.answer}`);\n',
    );
    assert.equal(run(path.join(dir, "main.ts")), "v42");
  });

  it("puts the process under the V8 flags of the SDK's runners before anything compiles (shared compile cache)", () => {
    // Natives syntax parses only under --allow-natives-syntax, which the SDK's v8Hooks sets.
    const file = path.join(dir, "flags.ts");
    fs.writeFileSync(file, 'console.log(new Function("return %IsSmi(1)")());\n');
    assert.equal(run(file), "true");
  });

  it("recompiles a file whose content changed instead of serving the cached output", () => {
    const file = path.join(dir, "changing.ts");
    fs.writeFileSync(file, 'console.log("first" as string);\n');
    assert.equal(run(file), "first");
    fs.writeFileSync(file, 'console.log("second" as string);\n');
    assert.equal(run(file), "second");
  });
});
