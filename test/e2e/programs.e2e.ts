/**
 * Programs other than the two stacks, under the real CLI: the deliberately broken program fails its
 * preview through the real policy pack, and the README's local deploy commands work as written.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { engineEnv, kubectl, pulumi, pulumiOk } from "./support/engine";
import { startE2eImages, type E2eImages } from "./support/images";
import { removeScratch, scratchProject } from "./support/project";
import { initStack } from "./support/stack";

/** The fenced sh block that follows the `<!-- e2e: NAME … -->` marker in the README. */
export function readmeBlock(readme: string, name: string): string[] {
  const at = readme.indexOf(`<!-- e2e: ${name}`);
  if (at < 0) throw new Error(`README.md has no <!-- e2e: ${name} --> block`);
  const m = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`no sh block after <!-- e2e: ${name} -->`);
  return m[1].split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
}

describe("other programs under the real engine (e2e)", () => {
  let project: string;
  let images: E2eImages | undefined;
  const backend = () => ({ PULUMI_BACKEND_URL: `file://${path.join(project, ".pulumi-state")}` });

  before(() => {
    project = scratchProject("programs");
    fs.mkdirSync(path.join(project, ".pulumi-state"));
  });
  after(async () => {
    await images?.registry.stop();
    if (project && !process.env.MOONTV_E2E_KEEP) removeScratch(project);
  });

  it("the broken program fails the real preview with its violations, each under its policy", async () => {
    const at = { cwd: path.join(project, "test", "synth", "fixtures", "broken-program"), env: backend() };
    await initStack("broken", at);
    await pulumiOk(["config", "set", "-s", "broken", "imageBuild", "false"], at);
    const pack = path.join(project, "policy");
    const r = await pulumi(
      [
        "preview",
        "-s",
        "broken",
        "--policy-pack",
        pack,
        "--policy-pack-config",
        path.join(pack, "config", "prod.json"),
      ],
      at,
    );
    assert.notEqual(r.code, 0, `the preview passed:\n${r.output}`);
    // As the CLI prints them: `- [mandatory]  <policy>  (<type>: <name>)`, then the message.
    assert.match(r.output, /\[mandatory\]\s+non-root-workloads\s+\(kubernetes:apps\/v1:Deployment: broken\)/);
    assert.match(r.output, /runs as user 0 \(root\)/);
    assert.match(r.output, /\[mandatory\]\s+workload-health-probes\s+\(kubernetes:apps\/v1:Deployment: broken\)/);
    assert.match(r.output, /has no readinessProbe/);
  });

  it("the README's local deploy commands work as written", async () => {
    images = await startE2eImages([]);
    // The block uses .engine/env's own backend, as a user would: clear what a failed run may have left.
    await pulumi(["stack", "rm", "--yes", "--force", "dev"], { cwd: project });
    kubectl(["delete", "namespace", "moontv-dev", "--ignore-not-found", "--wait=true", "--timeout=120s"]);
    const lines = readmeBlock(fs.readFileSync(path.join(project, "README.md"), "utf8"), "local-deploy");
    const script = ["set -euo pipefail", ...lines].join("\n");
    const r = spawnSync("bash", ["-c", script], {
      cwd: project,
      env: engineEnv({ MOONTV_IMAGE: images.appRef }),
      encoding: "utf8",
      timeout: 900_000,
    });
    assert.equal(r.status, 0, `the README's commands failed:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    assert.match(r.stdout, /moontv-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running/, "kubectl get pods shows the app running");
    assert.match(r.stdout, /redis-0\s+1\/1\s+Running/);
  });
});
