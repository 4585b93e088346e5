import { strict as assert } from "assert";
import { buildAppAutoscaler } from "../../../components/app";
import { settingsFor } from "../../support/settings";

/* eslint-disable @typescript-eslint/no-explicit-any */
describe("app HorizontalPodAutoscaler (components/app/autoscaler.ts)", () => {
  it("prod autoscales on CPU from the replica count to maxReplicas; dev does not", () => {
    const hpa = buildAppAutoscaler(settingsFor("prod", { app: { replicas: 3 } }).app, "ns", "prod") as any;
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "moontv" });
    assert.equal(hpa.spec.minReplicas, 3);
    assert.equal(hpa.spec.maxReplicas, 6);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
    assert.equal(buildAppAutoscaler(settingsFor("dev").app, "ns", "dev"), undefined);
  });
});
