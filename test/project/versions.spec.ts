import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const json = (file: string) => JSON.parse(read(file));

describe("one Pulumi release and one Node.js on every side", () => {
  const sdk: string = json("package-lock.json").packages["node_modules/@pulumi/pulumi"].version;

  it("the CLI built in engine/pulumi requires pkg/v3 and sdk/v3 at the release of the npm @pulumi/pulumi installed", () => {
    const goMod = read("engine/pulumi/go.mod");
    for (const mod of ["github.com/pulumi/pulumi/pkg/v3", "github.com/pulumi/pulumi/sdk/v3"]) {
      const m = new RegExp(`^\\s*${mod.replace(/\./g, "\\.")} (v\\S+)`, "m").exec(goMod);
      assert.ok(m, `engine/pulumi/go.mod requires no ${mod}`);
      assert.equal(m[1], `v${sdk}`, mod);
    }
  });

  it("the policy pack's package.json names the program's @pulumi/pulumi and @pulumi/policy", () => {
    const root = json("package.json");
    const pack = json("policy/package.json");
    assert.equal(pack.dependencies["@pulumi/pulumi"], root.dependencies["@pulumi/pulumi"]);
    assert.equal(pack.dependencies["@pulumi/policy"], root.devDependencies["@pulumi/policy"]);
    assert.equal(pack.devDependencies["@types/node"], root.dependencies["@types/node"]);
    assert.equal(root.dependencies["@pulumi/pulumi"], sdk, "package.json and package-lock.json agree");
  });

  /** The lowest version a `>=MAJOR[.MINOR[.PATCH]]` range accepts, as [major, minor, patch]. */
  const lowerBound = (range: string, owner: string): number[] => {
    const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range);
    assert.ok(m, `${owner}'s engines.node is "${range}": this spec reads only ">=MAJOR[.MINOR[.PATCH]]"`);
    return [1, 2, 3].map((i) => Number(m[i] ?? 0));
  };
  const atLeast = (v: number[], min: number[]) =>
    v[0] !== min[0] ? v[0] > min[0] : v[1] !== min[1] ? v[1] > min[1] : v[2] >= min[2];

  it("package.json's engines asks at least what the installed @pulumi/pulumi asks", () => {
    const ours = lowerBound(json("package.json").engines.node, "package.json");
    const theirs = lowerBound(json("node_modules/@pulumi/pulumi/package.json").engines.node, "@pulumi/pulumi");
    assert.ok(atLeast(ours, theirs), `engines ${ours.join(".")} is below @pulumi/pulumi's ${theirs.join(".")}`);
  });

  it("the Node.js .ci/node installs (.node-version) is one exact version that package.json's engines accepts", () => {
    const pinned = read(".node-version").trim();
    assert.match(pinned, /^\d+\.\d+\.\d+$/);
    const engines = json("package.json").engines.node;
    assert.ok(
      atLeast(pinned.split(".").map(Number), lowerBound(engines, "package.json")),
      `${pinned} is not ${engines}`,
    );
  });
});
