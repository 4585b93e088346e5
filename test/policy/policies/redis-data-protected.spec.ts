import { strict as assert } from "assert";
import { redisDataProtected } from "../../../policy/policies/redis-data-protected";
import { compliantStatefulSet, runResourcePolicy, UNKNOWN, withField } from "../util";

const STS = "kubernetes:apps/v1:StatefulSet";
const run = (props: object, protect = true, name = "redis") =>
  runResourcePolicy(redisDataProtected, STS, props, { protect, name });

describe("policy redis-data-protected", () => {
  it("passes a protected StatefulSet that retains its claims", async () =>
    assert.deepEqual(await run(compliantStatefulSet()), []));

  it("fails without the protect option", async () => {
    assert.deepEqual(await run(compliantStatefulSet(), false), [
      "The StatefulSet holds data but is not protected; set the protect resource option.",
    ]);
  });

  it("fails a claim retention policy that deletes on delete", async () => {
    const props = withField(compliantStatefulSet(), "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "Delete");
    assert.match((await run(props))[0], /whenDeleted: Retain/);
  });

  it("applies to a StatefulSet named redis even without claim templates, not to a stateless one", async () => {
    const noClaims = withField(compliantStatefulSet(), "spec.volumeClaimTemplates", undefined);
    assert.equal((await run(noClaims, false)).length, 1);
    assert.deepEqual(await run(withField(noClaims, "metadata.name", "web"), false, "web"), []);
  });

  it("treats an unknown retention policy as 'cannot tell yet'", async () => {
    assert.deepEqual(
      await run(withField(compliantStatefulSet(), "spec.persistentVolumeClaimRetentionPolicy", UNKNOWN)),
      [],
    );
  });
});
