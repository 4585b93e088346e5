/**
 * The vulnerability gate for real in `pulumi up` on the local cluster: the dev stack builds
 * test/fixtures/app (whose standalone node_modules keep next 14.2.35 with its package.json; its redis 4.7.1
 * is bundled into the server chunks, invisible to Trivy: test/components/image/dockerfile.build.spec.ts)
 * through docker-build, pushes
 * it to the cluster's TLS registry, and the gate runs the engine's Trivy (.engine/bin/trivy) against the
 * pushed digest with a database this spec builds with trivy-db's own builder from an advisory it writes
 * (offline: moontv:image.scan.db.directory). Nothing is downloaded.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "../../engine/cluster/host-tools";
import {
  buildTrivyDb,
  missingScanTools,
  NEXT_ADVISORY,
  UNRELATED_ADVISORY,
  type NpmAdvisory,
} from "../support/trivy-db-fixture";
import { pulumiOk } from "./support/engine";
import { createImageStack, type ImageStack } from "./support/image-stack";

const NAMESPACE = "moontv-scan-e2e";
const ADVISORY = NEXT_ADVISORY;
const UNRELATED = UNRELATED_ADVISORY;
// Against the redis 4.7.1 the app really runs, which Next bundles into its server chunks without a
// package.json: what the gate cannot see (README), shown here.
const BUNDLED: NpmAdvisory = {
  ...ADVISORY,
  id: "GHSA-3g4h-5j6m-7p8q",
  package: "redis",
  introduced: "4.0.0",
  fixed: "4.7.2",
};

interface GateState {
  outputs: { counts: Record<string, number>; dbUpdatedAt: string; platforms: Record<string, string> };
}

describe("the vulnerability gate in pulumi up (e2e)", function () {
  let stack: ImageStack;
  let work: string;
  let dbDir: string;
  const repo = `e2e/moontv-scan-${Date.now().toString(36)}`;
  const times: Record<string, number> = {};

  const gateState = async (): Promise<GateState> => {
    const state = await stack.stackState();
    const gate = state.deployment.resources.find(
      (r: { type: string; outputs?: { kind?: string } }) =>
        r.type === "pulumi-nodejs:dynamic:Resource" && r.outputs?.kind === "moontv:image:VulnerabilityGate",
    );
    assert.ok(gate, "the stack has a vulnerability gate");
    return gate as GateState;
  };
  const timedUp = async (label: string) => {
    const t0 = Date.now();
    const r = await stack.up();
    times[label] = Date.now() - t0;
    fs.writeFileSync(path.join(stack.project, `up-${label}.log`), r.output);
    return r;
  };

  before(async function () {
    const missing = missingScanTools();
    if (missing) throw new Error(missing);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "moontv-scan-e2e-"));
    dbDir = path.join(work, "db");
    buildTrivyDb(path.join(work, "advisories"), dbDir, [ADVISORY, UNRELATED, BUNDLED]);
    // First without the gate (dev's default): the app runs an image the gate has never seen.
    stack = await createImageStack({ name: "scan", namespace: NAMESPACE, repo });
    const r = await timedUp("no-gate");
    if (r.code !== 0) throw new Error(`pulumi up exited ${r.code}:\n${r.output.slice(-8000)}`);
  });

  after(async () => {
    if (stack) await stack.remove();
    if (work) fs.rmSync(work, { recursive: true, force: true });
    console.log(
      `      up times: ${Object.entries(times)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(", ")}`,
    );
  });

  it("enforce: a new digest with a critical finding fails the up naming the advisory; the app keeps its image", async () => {
    const before = stack.deployedImage();
    await stack.setConfig("moontv:image.scan.mode", "enforce");
    await stack.setConfig("moontv:image.scan.db.directory", dbDir);
    stack.touchSource(1); // a new digest
    const r = await timedUp("finding");
    assert.notEqual(r.code, 0);
    assert.match(
      r.output,
      /GHSA-mv7c-7w4j-4xcv CRITICAL next 14\.2\.35 \(fixed in 14\.2\.36\) on linux\/amd64 .*to accept it: moontv:image\.scan\.allow/,
    );
    assert.equal(stack.deployedImage(), before, "the Deployment keeps its image");
    assert.doesNotMatch(r.output, new RegExp(BUNDLED.id), "the bundled redis has no package.json Trivy can read");
  });

  it("allowed with a reason, the same up succeeds and records the counts and the database's build time", async () => {
    await stack.setConfig("moontv:image.scan.allow[0].id", ADVISORY.id);
    await stack.setConfig("moontv:image.scan.allow[0].reason", "e2e: the spec accepts its own advisory");
    await stack.setConfig("moontv:image.scan.allow[0].expires", "2099-12-31");
    const r = await timedUp("allowed");
    assert.equal(r.code, 0, r.output.slice(-6000));
    const gate = await gateState();
    assert.equal(gate.outputs.counts.CRITICAL, 1);
    const meta = JSON.parse(fs.readFileSync(path.join(dbDir, "metadata.json"), "utf8"));
    assert.equal(gate.outputs.dbUpdatedAt, meta.UpdatedAt);
    assert.match(stack.deployedImage(), new RegExp(`${repo}@sha256:`));
  });

  it("a new database without the advisory rescans the same digest", async () => {
    const before = await gateState();
    const { UpdatedAt } = buildTrivyDb(path.join(work, "advisories"), dbDir, [UNRELATED]);
    const r = await timedUp("new-db");
    assert.equal(r.code, 0, r.output.slice(-6000));
    const after = await gateState();
    assert.notEqual(after.outputs.dbUpdatedAt, before.outputs.dbUpdatedAt);
    assert.equal(after.outputs.dbUpdatedAt, UpdatedAt);
    assert.equal(after.outputs.counts.CRITICAL, 0);
    assert.deepEqual(after.outputs.platforms, before.outputs.platforms, "the same digest");
  });

  it("a database it cannot reach fails the up naming the setting, never a silent pass; the app keeps its image", async () => {
    const before = stack.deployedImage();
    const port = await freePort(); // nothing listens there
    await pulumiOk(["config", "rm", "-s", "dev", "--path", "moontv:image.scan.db.directory"], {
      cwd: stack.project,
      env: { PULUMI_BACKEND_URL: `file://${path.join(stack.project, ".pulumi-state")}` },
    });
    await stack.setConfig("moontv:image.scan.db.repository", `127.0.0.1:${port}/aquasec/trivy-db:2`);
    stack.touchSource(2);
    const r = await timedUp("unreachable-db");
    assert.notEqual(r.code, 0);
    assert.match(r.output, /Trivy could not read its vulnerability database .*\(moontv:image\.scan\.db\.repository\)/);
    assert.equal(stack.deployedImage(), before);
  });
});
