import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
// The functions the Node.js runtime (@pulumi/pulumi/cmd/run) uses to find a program's package.json;
// exported at run time, marked @internal in the typings.
import * as manifests from "@pulumi/pulumi/runtime/manifest";

const { readPackageManifest, searchupPackageManifest } = manifests as unknown as {
  readPackageManifest(dir: string): { data: unknown };
  searchupPackageManifest(dir: string): string | undefined;
};

const CONSUMER = path.resolve(__dirname, "../../examples/consumer");

/**
 * The file the Pulumi Node.js runtime runs for a project directory, by cmd/run/run.ts's rule: Pulumi.yaml's
 * `main`; else the `main` of the nearest package.json found searching up from the project directory.
 */
function programOf(projectDir: string): string {
  const project = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { main?: string };
  if (project.main) return path.resolve(projectDir, project.main);
  const manifest = searchupPackageManifest(projectDir);
  assert.ok(manifest, `no package.json above ${projectDir}`);
  const root = path.dirname(manifest);
  const main = (readPackageManifest(root).data as { main?: string }).main ?? "index.js";
  return path.resolve(root, main);
}

describe("examples/consumer: its own Pulumi project", () => {
  it("`pulumi up` in examples/consumer runs examples/consumer/index.ts, not the MoonTV program", () => {
    assert.equal(programOf(CONSUMER), path.join(CONSUMER, "index.ts"));
    assert.equal(programOf(path.resolve(CONSUMER, "../..")), path.resolve(CONSUMER, "../../index.ts"));
  });

  it("has a package.json of its own whose main is the same program", () => {
    const manifest = searchupPackageManifest(CONSUMER);
    assert.equal(manifest, path.join(CONSUMER, "package.json"));
    assert.equal(
      path.resolve(CONSUMER, (readPackageManifest(CONSUMER).data as { main: string }).main),
      path.join(CONSUMER, "index.ts"),
    );
  });

  it("resolves its dependencies from the repository's node_modules", () => {
    for (const dep of ["@pulumi/pulumi", "@pulumi/kubernetes", "ts-node", "typescript"]) {
      // Real paths: node_modules may be a link.
      assert.ok(
        require
          .resolve(dep, { paths: [CONSUMER] })
          .startsWith(fs.realpathSync(path.resolve(CONSUMER, "../../node_modules"))),
        dep,
      );
    }
  });
});
