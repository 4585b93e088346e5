import { strict as assert } from "assert";
import { volumeClaimSize } from "../../../policy/policies/volume-claim-size";
import { compliantStatefulSet, runResourcePolicy, UNKNOWN, withField } from "../util";

const STS = "kubernetes:apps/v1:StatefulSet";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const STORAGE = "spec.volumeClaimTemplates.0.spec.resources.requests.storage";

describe("policy volume-claim-size", () => {
  it("passes the baseline StatefulSet and a small PVC", async () => {
    assert.deepEqual(await runResourcePolicy(volumeClaimSize, STS, compliantStatefulSet()), []);
    assert.deepEqual(
      await runResourcePolicy(volumeClaimSize, PVC, { spec: { resources: { requests: { storage: "10Gi" } } } }),
      [],
    );
  });

  it("fails a claim template above the ceiling", async () => {
    const msgs = await runResourcePolicy(volumeClaimSize, STS, withField(compliantStatefulSet(), STORAGE, "50Gi"));
    assert.deepEqual(msgs, ['volumeClaimTemplate "data" requests 50Gi, above the ceiling of 20Gi.']);
  });

  it("fails a PVC above a configured ceiling and one without a size", async () => {
    const pvc = { spec: { resources: { requests: { storage: "10Gi" } } } };
    assert.match(
      (await runResourcePolicy(volumeClaimSize, PVC, pvc, { config: { maxStorage: "5Gi" } }))[0],
      /above the ceiling of 5Gi/,
    );
    assert.match((await runResourcePolicy(volumeClaimSize, PVC, { spec: {} }))[0], /requests no storage size/);
  });

  it("treats an unknown size as 'cannot tell yet'", async () => {
    assert.deepEqual(
      await runResourcePolicy(volumeClaimSize, STS, withField(compliantStatefulSet(), STORAGE, UNKNOWN)),
      [],
    );
    assert.deepEqual(
      await runResourcePolicy(
        volumeClaimSize,
        STS,
        withField(compliantStatefulSet(), "spec.volumeClaimTemplates", UNKNOWN),
      ),
      [],
    );
  });
});
