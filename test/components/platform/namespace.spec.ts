import { strict as assert } from "assert";
import { buildNamespace } from "../../../components/platform/namespace";

describe("buildNamespace", () => {
  it("enforces the restricted Pod Security Standard and carries no annotations by default", () => {
    const ns = buildNamespace("moontv-dev", "dev");
    assert.equal(
      (ns.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"],
      "restricted",
    );
    assert.equal((ns.metadata as { annotations?: unknown }).annotations, undefined);
  });

  it("carries the stack's annotations", () => {
    const annotations = { "scheduler.alpha.kubernetes.io/node-selector": "moontv.dev/node=real" };
    const ns = buildNamespace("moontv-dev", "dev", annotations);
    assert.deepEqual((ns.metadata as { annotations?: unknown }).annotations, annotations);
  });
});
