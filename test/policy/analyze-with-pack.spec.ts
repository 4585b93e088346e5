import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { analyzeWithPack } from "../../tools/policy";
import { BROKEN_PROD_FINDINGS, brokenStack, compliantStack } from "./fixtures/stacks";

const config = (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, `../../policy/config/${stack}.json`), "utf8"));

describe("analyzeWithPack: whole stacks through the spawned pack", function () {
  this.timeout(120_000);

  for (const stack of ["dev", "prod"]) {
    it(`a compliant stack has no violation with policy/config/${stack}.json`, async () => {
      assert.deepEqual(await analyzeWithPack(compliantStack(), config(stack)), []);
    });
  }

  it("the broken stack yields exactly the expected mandatory findings with prod config", async () => {
    const found = await analyzeWithPack(brokenStack(), config("prod"));
    const mandatory = found.filter((v) => v.enforcementLevel === "mandatory");
    assert.equal(mandatory.length, BROKEN_PROD_FINDINGS.length, JSON.stringify(found, null, 2));
    for (const [policy, pattern] of BROKEN_PROD_FINDINGS) {
      assert.ok(
        mandatory.some((v) => v.policy === policy && pattern.test(v.message)),
        `missing ${policy} ${pattern}`,
      );
    }
    const stackLevel = found.find((v) => v.policy === "image-size-within-budget");
    assert.equal(stackLevel?.urn, brokenStack().find((r) => r.name === "moontv-size")?.urn);
  });
});
