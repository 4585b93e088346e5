import { strict as assert } from "assert";
import { imageHealthcheck } from "../../../policy/policies/image-healthcheck";
import { COMPLIANT_DOCKERFILE, compliantImage, runResourcePolicy, UNKNOWN, withField } from "../util";

const run = (props: object) => runResourcePolicy(imageHealthcheck, "docker-build:index:Image", props);
const HC = 'HEALTHCHECK --interval=30s CMD ["/nodejs/bin/node", "/app/healthcheck.js"]';

describe("policy image-healthcheck", () => {
  it("passes the baseline", async () => assert.deepEqual(await run(compliantImage()), []));

  it("fails a runtime stage without HEALTHCHECK", async () => {
    const [m] = await run(withField(compliantImage(), "dockerfile.inline", COMPLIANT_DOCKERFILE.replace(HC, "")));
    assert.match(m, /target stage "runtime" of the Dockerfile has no HEALTHCHECK/);
  });

  it("fails HEALTHCHECK NONE", async () => {
    const [m] = await run(
      withField(compliantImage(), "dockerfile.inline", COMPLIANT_DOCKERFILE.replace(HC, "HEALTHCHECK NONE")),
    );
    assert.match(m, /disables its health check/);
  });

  it("ignores other resource types and unknown Dockerfiles", async () => {
    assert.deepEqual(await runResourcePolicy(imageHealthcheck, "docker:index:Image", {}), []);
    assert.deepEqual(await run(withField(compliantImage(), "dockerfile.inline", UNKNOWN)), []);
  });
});
