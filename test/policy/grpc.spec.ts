import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { PackSession, startPack, UNKNOWN } from "../../tools/policy";
import type { PolicyViolation } from "../../tools/policy/types";
import { compliantDeployment, recorded, withField } from "./util";

const config = (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, `../../policy/config/${stack}.json`), "utf8"));
const DEP = "kubernetes:apps/v1:Deployment";
const RUN_AS_USER = "spec.template.spec.containers.0.securityContext.runAsUser";

describe("policy pack over the analyzer gRPC protocol (spawned pack)", function () {
  this.timeout(120_000);
  let pack: PackSession;

  before(async () => {
    pack = await startPack();
  });
  after(async () => {
    const pid = pack?.pid;
    await pack?.stop();
    if (pid) assert.throws(() => process.kill(pid, 0), "the pack process is gone after stop()");
  });

  it("GetAnalyzerInfo names the pack, its version and every policy with its config schema", async () => {
    const info = await pack.info();
    assert.equal(info.name, "moontv-guard");
    assert.equal(
      info.version,
      JSON.parse(fs.readFileSync(path.join(__dirname, "../../policy/package.json"), "utf8")).version,
    );
    assert.equal(info.policies.length, 14);
    const limits = info.policies.find((p) => p.name === "container-resource-limits");
    assert.equal(limits?.schema?.properties.maxMemory.type, "string");
    for (const p of info.policies) assert.match(p.name, /^[a-z]+(-[a-z]+)+$/);
  });

  it("Configure(prod) then Analyze: a compliant workload passes, a root container is a mandatory violation", async () => {
    await pack.configure(config("prod"));
    assert.deepEqual(await pack.analyze(recorded(DEP, "ok", compliantDeployment())), []);
    const bad = recorded(DEP, "bad", withField(compliantDeployment(), RUN_AS_USER, 0));
    const found = await pack.analyze(bad);
    assert.deepEqual(found, [
      {
        policy: "non-root-workloads",
        enforcementLevel: "mandatory",
        urn: bad.urn,
        message:
          'container "app" (spec.template.spec.containers[0]) runs as user 0 (root); set runAsUser to a non-zero UID.',
      },
    ] satisfies PolicyViolation[]);
  });

  it("an unknown value sent as the engine's sentinel is neither a violation nor a 'cannot run' diagnostic", async () => {
    await pack.configure(config("prod"));
    const props = withField(
      withField(compliantDeployment(), RUN_AS_USER, UNKNOWN),
      "spec.template.spec.containers.0.image",
      UNKNOWN,
    );
    assert.deepEqual(await pack.analyze(recorded(DEP, "preview", props)), []);
  });

  it("secret props reach the policies in clear (marshalled with the secret signature)", async () => {
    await pack.configure(config("prod"));
    const cm = recorded(
      "kubernetes:core/v1:ConfigMap",
      "leak",
      { data: { PASSWORD: "hunter2" } },
      { secretPaths: ["data.PASSWORD"] },
    );
    const [v] = await pack.analyze(cm);
    assert.equal(v.policy, "no-secret-literals");
  });

  it("Configure(dev) lowers levels and disables redis-data-protected", async () => {
    await pack.configure(config("dev"));
    const [v] = await pack.analyze(
      recorded(
        DEP,
        "x",
        withField(
          compliantDeployment(),
          "spec.template.spec.containers.0.securityContext.readOnlyRootFilesystem",
          false,
        ),
      ),
    );
    assert.equal(v.enforcementLevel, "advisory");
    const sts = recorded("kubernetes:apps/v1:StatefulSet", "redis", { metadata: { name: "redis" }, spec: {} });
    assert.ok(!(await pack.analyze(sts)).some((x) => x.policy === "redis-data-protected"));
  });

  it("AnalyzeStack reports a measured size over budget against the size check's URN", async () => {
    await pack.configure(config("prod"));
    const check = recorded("pulumi-nodejs:dynamic:Resource", "size", {
      kind: "moontv:image:SizeBudgetCheck",
      imageRef: "r/x@sha256:1",
      sizeBudgetMiB: 100,
      sizes: { "linux/amd64": 200 * 2 ** 20 },
    });
    const found = await pack.analyzeStack([check, recorded(DEP, "ok", compliantDeployment())]);
    assert.deepEqual(
      found.map((v) => [v.policy, v.enforcementLevel, v.urn]),
      [["image-size-within-budget", "mandatory", check.urn]],
    );
  });

  it("rejects a config with a wrong type or an unknown policy, naming the key", async () => {
    await assert.rejects(
      pack.configure({ "container-resource-limits": { maxCpu: 2 } }),
      /container-resource-limits\.maxCpu must be of type string/,
    );
    await assert.rejects(pack.configure({ "no-such-policy": "mandatory" }), /"no-such-policy", which is not a policy/);
  });
});
