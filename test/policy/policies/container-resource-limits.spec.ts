import { strict as assert } from "assert";
import { containerResourceLimits } from "../../../policy/policies/container-resource-limits";
import { compliantDeployment, runResourcePolicy, UNKNOWN, withField } from "../util";

const R = "spec.template.spec.containers.0.resources";
const run = (props: object, config: object = {}) =>
  runResourcePolicy(containerResourceLimits, "kubernetes:apps/v1:Deployment", props, { config });

describe("policy container-resource-limits", () => {
  it("passes the baseline", async () => assert.deepEqual(await run(compliantDeployment()), []));

  it("fails a missing memory limit", async () => {
    assert.deepEqual(await run(withField(compliantDeployment(), `${R}.limits.memory`, undefined)), [
      'container "app" (spec.template.spec.containers[0]) sets no memory limits.',
    ]);
  });

  it("fails a limit above the configured ceiling", async () => {
    assert.match(
      (await run(compliantDeployment(), { maxMemory: "256Mi" }))[0],
      /memory limit of 512Mi, above the ceiling of 256Mi/,
    );
    assert.match(
      (await run(withField(compliantDeployment(), `${R}.limits.cpu`, "3")))[0],
      /cpu limit of 3, above the ceiling of 2/,
    );
  });

  it("fails invalid quantities and requests above limits", async () => {
    assert.match(
      (await run(withField(compliantDeployment(), `${R}.requests.cpu`, "lots")))[0],
      /invalid cpu requests "lots"/,
    );
    assert.match(
      (await run(withField(compliantDeployment(), `${R}.requests.cpu`, "1")))[0],
      /requests more cpu than its limit/,
    );
  });

  it("treats unknown resources as 'cannot tell yet'", async () => {
    assert.deepEqual(await run(withField(compliantDeployment(), R, UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantDeployment(), `${R}.limits.cpu`, UNKNOWN)), []);
  });
});
