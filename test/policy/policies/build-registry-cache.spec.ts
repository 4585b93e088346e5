import { strict as assert } from "assert";
import { buildRegistryCache } from "../../../policy/policies/build-registry-cache";
import { compliantImage, runResourcePolicy, UNKNOWN, withField } from "../util";

const run = (cacheTo: unknown) =>
  runResourcePolicy(buildRegistryCache, "docker-build:index:Image", withField(compliantImage(), "cacheTo", cacheTo));

describe("policy build-registry-cache", () => {
  it("passes the baseline and a raw registry cache with mode=max", async () => {
    assert.deepEqual(await runResourcePolicy(buildRegistryCache, "docker-build:index:Image", compliantImage()), []);
    assert.deepEqual(await run([{ raw: "type=registry,ref=r/x:cache,mode=max" }]), []);
  });

  it("passes docker-build's checked inputs: every field filled in, raw empty beside the registry entry", async () => {
    const checked = {
      disabled: false,
      raw: "",
      registry: { ref: "r/x:cache-amd64", mode: "max", imageManifest: true, ociMediaTypes: true, ignoreError: false },
    };
    assert.deepEqual(await run([checked]), []);
    assert.equal((await run([{ ...checked, registry: { ...checked.registry, mode: "min" } }])).length, 1);
  });

  it("fails mode min (the default) and a local cache", async () => {
    assert.match((await run([{ registry: { ref: "r/x:cache" } }]))[0], /no registry cache with mode max/);
    assert.equal((await run([{ local: { dest: "/tmp/c", mode: "max" } }])).length, 1);
    assert.equal((await run([{ disabled: true, registry: { ref: "r", mode: "max" } }])).length, 1);
  });

  it("fails a build without cacheTo", async () => assert.match((await run(undefined))[0], /exports no cache/));

  it("treats unknown cache settings as 'cannot tell yet'", async () => {
    assert.deepEqual(await run(UNKNOWN), []);
    assert.deepEqual(await run([{ registry: { ref: UNKNOWN, mode: UNKNOWN } }]), []);
  });
});
