import { strict as assert } from "assert";
import { readOnlyRootFilesystem } from "../../../policy/policies/read-only-root-filesystem";
import { compliantDeployment, runResourcePolicy, UNKNOWN, withField } from "../util";

const F = "spec.template.spec.containers.0.securityContext.readOnlyRootFilesystem";
const run = (props: object) => runResourcePolicy(readOnlyRootFilesystem, "kubernetes:apps/v1:StatefulSet", props);

describe("policy read-only-root-filesystem", () => {
  it("passes the baseline", async () => assert.deepEqual(await run(compliantDeployment()), []));
  it("fails false and unset", async () => {
    assert.match(
      (await run(withField(compliantDeployment(), F, false)))[0],
      /must set securityContext.readOnlyRootFilesystem: true/,
    );
    assert.equal((await run(withField(compliantDeployment(), F, undefined))).length, 1);
  });
  it("treats unknown as 'cannot tell yet'", async () =>
    assert.deepEqual(await run(withField(compliantDeployment(), F, UNKNOWN)), []));
});
