import { strict as assert } from "assert";
import { nonRootImageUser } from "../../../policy/policies/non-root-image-user";
import { COMPLIANT_DOCKERFILE, compliantImage, runResourcePolicy, UNKNOWN, withField } from "../util";

const IMG = "docker-build:index:Image";
const run = (props: object) => runResourcePolicy(nonRootImageUser, IMG, props);
const withDockerfile = (text: string) => withField(compliantImage(), "dockerfile.inline", text);

describe("policy non-root-image-user", () => {
  it("passes the baseline (USER ${APP_UID}:1001 from an ARG default)", async () =>
    assert.deepEqual(await run(compliantImage()), []));

  it("fails a target stage without USER, even if another stage has one", async () => {
    const [m] = await run(withField(compliantImage(), "target", "build"));
    assert.match(m, /target stage "build" of the Dockerfile sets no USER/);
  });

  it("fails USER 0 coming from a build arg", async () => {
    const [m] = await run(withField(compliantImage(), "buildArgs", { APP_UID: "0" }));
    assert.match(m, /which is root/);
  });

  it("fails a user name", async () => {
    const [m] = await run(withDockerfile(COMPLIANT_DOCKERFILE.replace("USER ${APP_UID}:1001", "USER node")));
    assert.match(m, /USER node \(line \d+\); use a numeric non-zero UID/);
  });

  it("reads the last stage when no target is given", async () => {
    const msgs = await run(
      withField(withDockerfile(COMPLIANT_DOCKERFILE + "\nFROM scratch AS extra"), "target", undefined),
    );
    assert.match(msgs[0], /last stage/);
  });

  it("fails a target that names no stage, and a Dockerfile it cannot read", async () => {
    assert.match((await run(withField(compliantImage(), "target", "nope")))[0], /no stage named "nope"/);
    const noFile = withField(
      withField(compliantImage(), "dockerfile", { location: "/nonexistent/Dockerfile" }),
      "context",
      { location: "/nonexistent" },
    );
    assert.match((await run(noFile))[0], /cannot be read/);
  });

  it("treats an unknown Dockerfile or target as 'cannot tell yet'", async () => {
    assert.deepEqual(await run(withDockerfile(UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantImage(), "target", UNKNOWN)), []);
    assert.deepEqual(await run(withField(compliantImage(), "dockerfile", UNKNOWN)), []);
  });
});
