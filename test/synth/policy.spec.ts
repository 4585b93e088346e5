import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyzeWithPack } from "../../tools/policy";
import { PROJECT_DIR } from "../../tools/synth/input";
import { runSynthCli, synthOnce } from "../support/synth";

const BROKEN_PROGRAM = path.join(__dirname, "fixtures", "broken-program");
const policyConfig = (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy", "config", `${stack}.json`), "utf8"));

describe("offline preview through the real policy pack", function () {
  this.timeout(180_000);

  for (const stack of ["dev", "prod"]) {
    it(`the ${stack} stack passes its own policy config with no mandatory violation`, async () => {
      const { resources } = await synthOnce(stack);
      const report = await analyzeWithPack(resources, policyConfig(stack));
      const mandatory = report.filter((v) => v.enforcementLevel === "mandatory");
      assert.deepEqual(mandatory, [], JSON.stringify(mandatory, null, 2));
    });
  }

  it("the dev stack fails prod's config: tag-only Redis image, unprotected data and no vulnerability gate are mandatory there", async () => {
    const { resources } = await synthOnce("dev");
    const report = await analyzeWithPack(resources, policyConfig("prod"));
    const policies = new Set(report.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy));
    assert.deepEqual([...policies].sort(), [
      "image-vulnerability-gate",
      "images-pinned-by-digest",
      "redis-data-protected",
    ]);
  });

  describe("a deliberately broken stack", () => {
    let dir: string;
    let run: ReturnType<typeof runSynthCli>;
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-policy-"));
      fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      fs.writeFileSync(
        path.join(dir, "Pulumi.broken.yaml"),
        [
          "config:",
          "  moontv:environment: prod",
          "  moontv:pinImageDigests: true",
          "  moontv:image:",
          "    repository: registry.example.com/moontv",
          "    context: { location: 'https://github.com/MoonTechLab/LunaTV.git', gitRef: main }",
          "    sizeBudgetMiB: 4000",
          "  moontv:app:",
          "    resources: { requests: { cpu: '4', memory: 4Gi }, limits: { cpu: '8', memory: 8Gi } }",
          "",
        ].join("\n"),
      );
      run = runSynthCli([
        "broken",
        "--policy-config",
        path.join(PROJECT_DIR, "policy/config/prod.json"),
        "--out",
        path.join(dir, "out"),
        "--stack-dir",
        dir,
      ]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("exits 1 and prints the mandatory violations grouped by policy", () => {
      assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
      assert.match(
        String(run.stdout),
        /image-size-budget-declared \(mandatory\)\n(\s+Image moontv-image-amd64: .*4000.*\n)/,
      );
      assert.match(
        String(run.stdout),
        /container-resource-limits \(mandatory\)\n\s+Deployment moontv: container "moontv" .* has a cpu request of 4, above the ceiling of 2\./,
      );
      assert.match(
        String(run.stdout),
        /Deployment moontv: container "moontv" .* memory limit of 8Gi, above the ceiling of 2Gi/,
      );
    });

    it("writes policy-report.json with policy, level, URN and message of each finding", () => {
      const report = JSON.parse(fs.readFileSync(path.join(dir, "out", "broken", "policy-report.json"), "utf8"));
      const budget = report.filter((v: { policy: string }) => v.policy === "image-size-budget-declared");
      assert.equal(budget.length, 2, "one per platform build");
      for (const v of report) {
        assert.deepEqual(Object.keys(v).sort(), ["enforcementLevel", "message", "policy", "urn"]);
        assert.match(v.urn, /^urn:pulumi:broken::moontv::/);
      }
    });
  });

  describe("a deliberately broken program (a root container, a missing probe, an undeclared budget)", () => {
    let out: string;
    let run: ReturnType<typeof runSynthCli>;
    before(() => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), "synth-broken-program-"));
      run = runSynthCli([
        "broken",
        "--policy-config",
        path.join(PROJECT_DIR, "policy/config/prod.json"),
        "--out",
        out,
        "--stack-dir",
        BROKEN_PROGRAM,
        "--program",
        path.join(BROKEN_PROGRAM, "index.ts"),
      ]);
    });
    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("exits 1 with the root container, the missing probe and the undeclared budget named under their policies", () => {
      assert.equal(run.status, 1, `${run.stdout}\n${run.stderr}`);
      const stdout = String(run.stdout);
      assert.match(
        stdout,
        /non-root-workloads \(mandatory\)\n(\s+Deployment broken: .*\n)*\s+Deployment broken: container "app" \(spec\.template\.spec\.containers\[0\]\) runs as user 0 \(root\)/,
      );
      assert.match(
        stdout,
        /workload-health-probes \(mandatory\)\n\s+Deployment broken: container "app" .* has no readinessProbe\./,
      );
      assert.match(
        stdout,
        /image-size-budget-declared \(mandatory\)\n\s+Image app-image: The image declares no size budget/,
      );
      assert.match(
        stdout,
        /non-root-image-user \(mandatory\)\n\s+Image app-image: The target stage "runner" of the Dockerfile sets no USER/,
      );
      assert.match(
        stdout,
        /image-healthcheck \(mandatory\)\n\s+Image app-image: The target stage "runner" of the Dockerfile has no HEALTHCHECK/,
      );
    });

    it("records the same findings in policy-report.json", () => {
      const report: { policy: string; enforcementLevel: string }[] = JSON.parse(
        fs.readFileSync(path.join(out, "broken", "policy-report.json"), "utf8"),
      );
      const policies = new Set(report.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy));
      for (const p of [
        "non-root-workloads",
        "workload-health-probes",
        "image-size-budget-declared",
        "non-root-image-user",
        "image-healthcheck",
      ]) {
        assert.ok(policies.has(p), `${p} is in the report`);
      }
    });
  });
});
