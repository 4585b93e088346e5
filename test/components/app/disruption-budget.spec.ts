import { strict as assert } from "assert";
import { buildAppPodDisruptionBudget } from "../../../components/app";
import { settingsFor } from "../../support/settings";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("app PodDisruptionBudget (components/app/disruption-budget.ts)", () => {
  it("prod gets a PDB keeping all but one replica; one replica gets none (it would block drains)", () => {
    const pdb = buildAppPodDisruptionBudget(settingsFor("prod").app, "ns", "prod") as any;
    assert.equal(pdb.spec.maxUnavailable, 1);
    assert.deepEqual(pdb.spec.selector.matchLabels, {
      "app.kubernetes.io/name": "moontv",
      "app.kubernetes.io/instance": "prod",
    });
    assert.equal(buildAppPodDisruptionBudget(settingsFor("dev").app, "ns", "dev"), undefined);
  });
});
