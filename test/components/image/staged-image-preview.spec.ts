// StagedImage in a preview (the mock runtime with dryRun on): docker-build reports an empty digest for
// an image it did not build, and the Index a ref with no digest. The ref must then be unknown, not throw.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";

import * as pulumi from "@pulumi/pulumi";

import { StagedImage, StagedImageArgs } from "../../../components/image";
import { pushedDigestRef } from "../../../components/image/build-plan";
import { stagedImageArgsFor } from "../../support/platform-args";

const REPO = "127.0.0.1:5000/moontv";
const digest = "sha256:" + createHash("sha256").update("built").digest("hex");

/** What docker-build returns in a dry run that did not build: no digest, a ref without one. */
let built = false;
const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type === "docker-build:index:Image") {
      const tags = args.inputs.tags as string[];
      Object.assign(state, built ? { digest, ref: `${tags[0]}@${digest}` } : { digest: "", ref: tags[0] });
    } else if (args.type === "docker-build:index:Index") {
      Object.assign(state, { ref: built ? `${args.inputs.tag as string}@${digest}` : (args.inputs.tag as string) });
    } else if (args.type === "pulumi-nodejs:dynamic:Resource") {
      Object.assign(state, { sizes: {} });
    }
    return { id: args.name, state };
  },
  call: () => ({}),
};

/** A dev build of a local directory, as the platform makes it (not built on preview unless asked). */
const args = (image: Record<string, unknown> = {}): StagedImageArgs =>
  stagedImageArgsFor({ repository: REPO, context: { location: "../moontv" }, ...image }, "dev");

/** The output's value and whether it is known, as the engine would see them. */
async function state(o: pulumi.Output<string>): Promise<{ known: boolean; value: unknown }> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const any = o as any;
  return { known: await any.isKnown, value: await any.promise(true) };
}

describe("StagedImage in a preview (mocks, dry run)", function () {
  this.timeout(30_000);
  before(() => pulumi.runtime.setMocks(mocks, "moontv", "dev", true));

  it("one platform not built on preview: the ref is unknown, and nothing throws", async () => {
    built = false;
    const img = new StagedImage("preview-single", args());
    const s = await state(img.ref);
    assert.equal(s.known, false);
  });

  it("two platforms not built on preview: the index's digest-less ref gives an unknown ref", async () => {
    built = false;
    const img = new StagedImage("preview-multi", args({ platforms: ["linux/amd64", "linux/arm64"] }));
    assert.equal((await state(img.ref)).known, false);
  });

  it("a preview that built (buildOnPreview) still deploys repo@digest", async () => {
    built = true;
    const img = new StagedImage("preview-built", args({ buildOnPreview: true }));
    assert.deepEqual(await state(img.ref), { known: true, value: `${REPO}@${digest}` });
  });
});

describe("pushedDigestRef", () => {
  it("is undefined only in a dry run without a digest; an update without one is an error", () => {
    assert.equal(pushedDigestRef(REPO, "", true), undefined);
    assert.equal(pushedDigestRef(REPO, `${REPO}:dev`, true), undefined);
    assert.equal(pushedDigestRef(REPO, digest, true), `${REPO}@${digest}`);
    assert.equal(pushedDigestRef(REPO, `${REPO}:dev@${digest}`, false), `${REPO}@${digest}`);
    assert.throws(
      () => pushedDigestRef(REPO, "", false),
      /no sha256 digest in "" for 127.0.0.1:5000\/moontv: was the image pushed\?/,
    );
  });
});
