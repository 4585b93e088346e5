import { strict as assert } from "assert";
import { nonRootWorkloads } from "../../../policy/policies/non-root-workloads";
import { compliantDeployment, runResourcePolicy, UNKNOWN, withField } from "../util";

const DEP = "kubernetes:apps/v1:Deployment";
const C0 = "spec.template.spec.containers.0.securityContext";
const run = (props: object) => runResourcePolicy(nonRootWorkloads, DEP, props);

describe("policy non-root-workloads", () => {
  it("passes the compliant baseline", async () => assert.deepEqual(await run(compliantDeployment()), []));

  it("fails a container running as UID 0", async () => {
    const [m] = await run(withField(compliantDeployment(), `${C0}.runAsUser`, 0));
    assert.match(m, /container "app" .* runs as user 0 \(root\)/);
  });

  it("fails when runAsNonRoot is set neither on the container nor on the pod", async () => {
    let props = withField(compliantDeployment(), `${C0}.runAsNonRoot`, undefined);
    assert.deepEqual(await run(props), []); // the pod-level setting still applies
    props = withField(props, "spec.template.spec.securityContext.runAsNonRoot", undefined);
    assert.match((await run(props))[0], /must set runAsNonRoot: true/);
  });

  it("fails a privileged init container and one allowed to escalate", async () => {
    const init = { name: "init", securityContext: { runAsNonRoot: true, privileged: true } };
    const msgs = await run(withField(compliantDeployment(), "spec.template.spec.initContainers", [init]));
    assert.deepEqual(
      msgs.map((m) => /init container "init"/.test(m)),
      [true, true],
    );
    assert.match(msgs.join("\n"), /must not be privileged[\s\S]*allowPrivilegeEscalation: false/);
  });

  it("checks every workload type, e.g. a CronJob's job template", async () => {
    const spec = {
      containers: [
        { name: "cron", securityContext: { runAsNonRoot: true, runAsUser: 0, allowPrivilegeEscalation: false } },
      ],
    };
    const msgs = await runResourcePolicy(nonRootWorkloads, "kubernetes:batch/v1:CronJob", {
      spec: { jobTemplate: { spec: { template: { spec } } } },
    });
    assert.equal(msgs.length, 1);
  });

  it("treats unknown values as 'cannot tell yet'", async () => {
    assert.deepEqual(await run(withField(compliantDeployment(), `${C0}.runAsUser`, UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantDeployment(), "spec.template", UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantDeployment(), C0, UNKNOWN)), []);
  });

  it("ignores resources without pod templates", async () => {
    assert.deepEqual(await runResourcePolicy(nonRootWorkloads, "kubernetes:core/v1:Service", { spec: {} }), []);
  });
});
