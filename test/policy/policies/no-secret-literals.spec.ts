import { strict as assert } from "assert";
import { noSecretLiterals } from "../../../policy/policies/no-secret-literals";
import { compliantDeployment, runResourcePolicy, UNKNOWN, withField } from "../util";

const ENV = "spec.template.spec.containers.0.env";
const run = (env: unknown) =>
  runResourcePolicy(noSecretLiterals, "kubernetes:apps/v1:Deployment", withField(compliantDeployment(), ENV, env));
const cm = (data: unknown) => runResourcePolicy(noSecretLiterals, "kubernetes:core/v1:ConfigMap", { data });

describe("policy no-secret-literals", () => {
  it("passes the baseline (secret from valueFrom)", async () => {
    assert.deepEqual(
      await runResourcePolicy(noSecretLiterals, "kubernetes:apps/v1:Deployment", compliantDeployment()),
      [],
    );
    assert.deepEqual(await cm({ "redis.conf": "maxmemory 100mb\n", USERNAME: "admin" }), []);
  });

  it("fails a secret-named env literal", async () => {
    assert.match(
      (await run([{ name: "REDIS_PASSWORD", value: "hunter2" }]))[0],
      /sets REDIS_PASSWORD as a literal env value/,
    );
  });

  it("fails an env URL with credentials", async () => {
    assert.match(
      (await run([{ name: "REDIS_URL", value: "redis://:hunter2@redis:6379" }]))[0],
      /REDIS_URL to a URL with credentials/,
    );
  });

  it("fails secret-like ConfigMap keys, URLs and config lines", async () => {
    assert.match((await cm({ API_TOKEN: "abc" }))[0], /holds "API_TOKEN"/);
    assert.match((await cm({ url: "postgres://u:p@db/x" }))[0], /URL with credentials/);
    assert.match((await cm({ "redis.conf": "requirepass hunter2\n" }))[0], /assigns requirepass a literal value/);
  });

  it("treats unknown values (secrets not resolved yet) as 'cannot tell yet'", async () => {
    assert.deepEqual(await run([{ name: "PASSWORD", value: UNKNOWN }]), []);
    assert.deepEqual(await run(UNKNOWN), []);
    assert.deepEqual(await cm({ PASSWORD: UNKNOWN }), []);
  });
});
