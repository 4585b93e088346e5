/**
 * Programs other than the two stacks, under the real CLI: the deliberately broken program fails its
 * preview through the real policy pack (the README's local deploy block runs in dev-node.e2e.ts, on the
 * real node).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { pulumi, pulumiOk } from "./support/engine";
import { removeScratch, scratchProject } from "./support/project";
import { initStack } from "./support/stack";

describe("other programs under the real engine (e2e)", () => {
  let project: string;
  const backend = () => ({ PULUMI_BACKEND_URL: `file://${path.join(project, ".pulumi-state")}` });

  before(() => {
    project = scratchProject("programs");
    fs.mkdirSync(path.join(project, ".pulumi-state"));
  });
  after(async () => {
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
});
