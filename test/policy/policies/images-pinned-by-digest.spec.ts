import { strict as assert } from "assert";
import { imagesPinnedByDigest } from "../../../policy/policies/images-pinned-by-digest";
import { compliantDeployment, runResourcePolicy, UNKNOWN, withField } from "../util";

const IMAGE = "spec.template.spec.containers.0.image";
const run = (image: unknown, config: object = {}) =>
  runResourcePolicy(
    imagesPinnedByDigest,
    "kubernetes:apps/v1:Deployment",
    withField(compliantDeployment(), IMAGE, image),
    { config },
  );

describe("policy images-pinned-by-digest", () => {
  it("passes the baseline digest ref", async () =>
    assert.deepEqual(
      await runResourcePolicy(imagesPinnedByDigest, "kubernetes:apps/v1:Deployment", compliantDeployment()),
      [],
    ));

  it("fails a tag-only ref, unless requireDigest is false", async () => {
    assert.match((await run("redis:7.4-alpine"))[0], /uses image redis:7.4-alpine by tag only/);
    assert.deepEqual(await run("redis:7.4-alpine", { requireDigest: false }), []);
  });

  it("fails :latest and untagged refs even when digests are not required", async () => {
    assert.match((await run("redis:latest", { requireDigest: false }))[0], /floats with :latest/);
    assert.match((await run("localhost:5000/redis", { requireDigest: false }))[0], /floats with :latest/);
  });

  it("fails a malformed digest", async () => assert.match((await run("redis@sha256:abc"))[0], /malformed digest/));

  it("treats an unknown image (digest not built yet) as 'cannot tell yet'", async () =>
    assert.deepEqual(await run(UNKNOWN), []));
});
