import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { analyzeWithPack, PackSession, reconcileConfig } from "../../tools/policy";
import { brokenStack } from "./fixtures/stacks";

const config = (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, `../../policy/config/${stack}.json`), "utf8"));

/**
 * `pulumi preview --policy-pack policy` without `--policy-pack-config` gets the pack's own levels and
 * schema defaults. They fail closed: exactly prod's rules, so a forgotten config never loosens prod.
 */
describe("policy pack: built-in defaults (no --policy-pack-config)", function () {
  this.timeout(120_000);
  let session: PackSession;
  before(async () => (session = await PackSession.start()));
  after(() => session?.stop());

  it("are exactly policy/config/prod.json: every level and every ceiling", async () => {
    const info = await session.info();
    assert.deepEqual(
      reconcileConfig(info.policies, {}, info.initialConfig),
      reconcileConfig(info.policies, config("prod"), info.initialConfig),
    );
  });

  it("dev.json relaxes only prod-grade rules: non-root and secret literals stay mandatory", async () => {
    const info = await session.info();
    const dev = reconcileConfig(info.policies, config("dev"), info.initialConfig);
    for (const policy of ["non-root-workloads", "non-root-image-user", "no-secret-literals"])
      assert.equal(dev[policy].enforcementLevel, "mandatory", policy);
    assert.equal(dev["redis-data-protected"].enforcementLevel, "disabled");
  });

  it("find the same mandatory violations without a config as with prod.json", async () => {
    const key = (v: { policy: string; urn?: string; message: string; enforcementLevel: string }) =>
      `${v.enforcementLevel} ${v.policy} ${v.urn} ${v.message}`;
    const withProd = (await analyzeWithPack(brokenStack(), config("prod"))).map(key).sort();
    const without = (await analyzeWithPack(brokenStack(), {})).map(key).sort();
    assert.ok(withProd.length > 0);
    assert.deepEqual(without, withProd);
  });
});
