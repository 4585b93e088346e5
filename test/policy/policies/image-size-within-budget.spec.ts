import { strict as assert } from "assert";
import { imageSizeWithinBudget } from "../../../policy/policies/image-size-within-budget";
import { runStackPolicy, UNKNOWN } from "../util";

const MiB = 2 ** 20;
const check = (sizes: unknown, sizeBudgetMiB: unknown = 300) => ({
  type: "pulumi-nodejs:dynamic:Resource",
  props: { kind: "moontv:image:SizeBudgetCheck", imageRef: "ghcr.io/x/moontv@sha256:1", sizeBudgetMiB, sizes },
});
const run = (resources: ReturnType<typeof check>[], config: object = {}) =>
  runStackPolicy(imageSizeWithinBudget, resources, config);

describe("policy image-size-within-budget (stack)", () => {
  it("passes sizes within budget", async () => {
    assert.deepEqual(await run([check({ "linux/amd64": 250 * MiB, "linux/arm64": 300 * MiB })]), []);
  });

  it("fails each platform over its budget", async () => {
    const msgs = await run([check({ "linux/amd64": 250 * MiB, "linux/arm64": 301 * MiB })]);
    assert.deepEqual(msgs, ["ghcr.io/x/moontv@sha256:1 for linux/arm64 is 301.0 MiB, over its budget of 300 MiB."]);
  });

  it("fails a recorded budget above the configured maximum", async () => {
    assert.match((await run([check({})], { maxBudgetMiB: 100 }))[0], /above the maximum of 100 MiB/);
  });

  it("ignores other dynamic resources and other types", async () => {
    const other = {
      type: "pulumi-nodejs:dynamic:Resource",
      props: { kind: "something", sizes: { x: 1e12 }, sizeBudgetMiB: 1 },
    };
    assert.deepEqual(
      await runStackPolicy(imageSizeWithinBudget, [other, { type: "kubernetes:core/v1:Service", props: {} }]),
      [],
    );
  });

  it("treats sizes not measured yet as 'cannot tell yet'", async () => {
    assert.deepEqual(await run([check(UNKNOWN)]), []);
    assert.deepEqual(await run([check({ "linux/amd64": UNKNOWN })]), []);
    assert.deepEqual(await run([check({ "linux/amd64": 1e12 }, UNKNOWN)]), []);
  });
});
