import { strict as assert } from "assert";
import { imageSizeBudgetDeclared } from "../../../policy/policies/image-size-budget-declared";
import { compliantImage, runResourcePolicy, UNKNOWN, withField } from "../util";

const run = (props: object, config: object = {}) =>
  runResourcePolicy(imageSizeBudgetDeclared, "docker-build:index:Image", props, { config });
const withBudget = (v: unknown) => withField(compliantImage(), "labels", { "dev.moontv.size-budget-mib": v });

describe("policy image-size-budget-declared", () => {
  it("passes the baseline (300 MiB, at the default maximum of 300)", async () =>
    assert.deepEqual(await run(compliantImage()), []));

  it("fails an image without the budget label", async () => {
    assert.match((await run(withField(compliantImage(), "labels", {})))[0], /declares no size budget/);
  });

  it("fails a budget above the configured maximum", async () => {
    assert.match(
      (await run(compliantImage(), { maxBudgetMiB: 200 }))[0],
      /300 MiB exceeds the allowed maximum of 200 MiB/,
    );
  });

  it("fails a budget that is not a positive number", async () => {
    assert.match((await run(withBudget("big")))[0], /must be a positive number/);
    assert.equal((await run(withBudget("0"))).length, 1);
  });

  it("treats an unknown label as 'cannot tell yet'", async () => {
    assert.deepEqual(await run(withBudget(UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantImage(), "labels", UNKNOWN)), []);
  });
});
