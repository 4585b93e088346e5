import { strict as assert } from "assert";
import { containersOf, effectiveSecurity, podTemplateOf } from "../../../policy/lib/pod-templates";
import { UNKNOWN } from "../../../policy/lib/unknown";
import { compliantContainer, unknownCheckingProxy, UNKNOWN as WIRE_UNKNOWN } from "../util";

describe("policy/lib/pod-templates", () => {
  const spec = {
    containers: [compliantContainer("a")],
    initContainers: [{ name: "init" }, { name: "side", restartPolicy: "Always" }],
  };
  const wrap: Record<string, object> = {
    "kubernetes:apps/v1:Deployment": { spec: { template: { spec } } },
    "kubernetes:apps/v1:StatefulSet": { spec: { template: { spec } } },
    "kubernetes:apps/v1:DaemonSet": { spec: { template: { spec } } },
    "kubernetes:apps/v1:ReplicaSet": { spec: { template: { spec } } },
    "kubernetes:batch/v1:Job": { spec: { template: { spec } } },
    "kubernetes:batch/v1:CronJob": { spec: { jobTemplate: { spec: { template: { spec } } } } },
    "kubernetes:core/v1:Pod": { spec },
  };

  for (const [type, props] of Object.entries(wrap)) {
    it(`finds the containers of a ${type.split(":").pop()}`, () => {
      const t = podTemplateOf(type, unknownCheckingProxy(props));
      assert.ok(t);
      assert.deepEqual(
        containersOf(t).map((c) => [c.kind, c.name]),
        [
          ["container", "a"],
          ["initContainer", "init"],
          ["initContainer", "side"],
        ],
      );
    });
  }

  it("marks app containers of services and native sidecars long-running, jobs and plain init containers not", () => {
    const dep = containersOf(podTemplateOf("kubernetes:apps/v1:Deployment", wrap["kubernetes:apps/v1:Deployment"])!);
    assert.deepEqual(
      dep.map((c) => c.longRunning),
      [true, false, true],
    );
    const job = containersOf(podTemplateOf("kubernetes:batch/v1:Job", wrap["kubernetes:batch/v1:Job"])!);
    assert.deepEqual(
      job.map((c) => c.longRunning),
      [false, false, true],
    );
    const pod = podTemplateOf("kubernetes:core/v1:Pod", {
      spec: { restartPolicy: "Never", containers: [{ name: "x" }] },
    })!;
    assert.equal(pod.longRunning, false);
  });

  it("reports paths for messages", () => {
    const cron = containersOf(podTemplateOf("kubernetes:batch/v1:CronJob", wrap["kubernetes:batch/v1:CronJob"])!);
    assert.equal(cron[1].path, "spec.jobTemplate.spec.template.spec.initContainers[0]");
  });

  it("ignores other types and skips unknown specs and containers", () => {
    assert.equal(podTemplateOf("kubernetes:core/v1:Service", {}), undefined);
    const unknownSpec = podTemplateOf(
      "kubernetes:apps/v1:Deployment",
      unknownCheckingProxy({ spec: { template: WIRE_UNKNOWN } }),
    )!;
    assert.equal(unknownSpec.spec, UNKNOWN);
    assert.deepEqual(containersOf(unknownSpec), []);
    const oneUnknown = podTemplateOf(
      "kubernetes:core/v1:Pod",
      unknownCheckingProxy({ spec: { containers: [WIRE_UNKNOWN, { name: "b" }] } }),
    )!;
    assert.deepEqual(
      containersOf(oneUnknown).map((c) => c.name),
      ["b"],
    );
  });

  it("prefers the container's security setting to the pod's", () => {
    const t = podTemplateOf("kubernetes:core/v1:Pod", {
      spec: {
        securityContext: { runAsUser: 5 },
        containers: [{ name: "a" }, { name: "b", securityContext: { runAsUser: 6 } }],
      },
    })!;
    const [a, b] = containersOf(t);
    assert.equal(effectiveSecurity(t, a, "runAsUser"), 5);
    assert.equal(effectiveSecurity(t, b, "runAsUser"), 6);
  });
});
