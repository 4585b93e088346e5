import { strict as assert } from "assert";
import { workloadHealthProbes } from "../../../policy/policies/workload-health-probes";
import { compliantDeployment, runResourcePolicy, UNKNOWN, withField } from "../util";

const DEP = "kubernetes:apps/v1:Deployment";
const C0 = "spec.template.spec.containers.0";
const run = (props: object, type = DEP) => runResourcePolicy(workloadHealthProbes, type, props);

describe("policy workload-health-probes", () => {
  it("passes the baseline (named http port, numeric tcp port)", async () =>
    assert.deepEqual(await run(compliantDeployment()), []));

  it("fails a missing readiness probe", async () => {
    const [m] = await run(withField(compliantDeployment(), `${C0}.readinessProbe`, undefined));
    assert.match(m, /container "app" .* has no readinessProbe/);
  });

  it("fails a probe on a port the container does not declare, by number and by name", async () => {
    assert.match(
      (await run(withField(compliantDeployment(), `${C0}.livenessProbe.tcpSocket.port`, 8080)))[0],
      /port 8080, which is not one of its containerPorts/,
    );
    assert.match(
      (await run(withField(compliantDeployment(), `${C0}.readinessProbe.httpGet.port`, "metrics")))[0],
      /"metrics", which is not a named port/,
    );
  });

  it("accepts exec probes and checks a startup probe when present", async () => {
    assert.deepEqual(
      await run(withField(compliantDeployment(), `${C0}.livenessProbe`, { exec: { command: ["true"] } })),
      [],
    );
    assert.equal((await run(withField(compliantDeployment(), `${C0}.startupProbe`, { grpc: { port: 9 } }))).length, 1);
  });

  it("does not require probes of Jobs", async () => {
    const job = { spec: { template: { spec: { containers: [{ name: "once" }] } } } };
    assert.deepEqual(await run(job, "kubernetes:batch/v1:Job"), []);
  });

  it("treats unknown probes and ports as 'cannot tell yet'", async () => {
    assert.deepEqual(await run(withField(compliantDeployment(), `${C0}.readinessProbe`, UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantDeployment(), `${C0}.ports`, UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantDeployment(), `${C0}.livenessProbe.tcpSocket.port`, UNKNOWN)), []);
  });
});
