import { strict as assert } from "assert";
import { isSha256Digest, parseImageRef } from "../../../policy/lib/split-image-ref";

describe("policy/lib/split-image-ref", () => {
  const digest = "sha256:" + "0".repeat(64);
  it("splits registry with port, tag and digest", () => {
    assert.deepEqual(parseImageRef("localhost:5000/moontv:1.0"), {
      repository: "localhost:5000/moontv",
      tag: "1.0",
      digest: undefined,
    });
    assert.deepEqual(parseImageRef(`localhost:5000/moontv@${digest}`), { repository: "localhost:5000/moontv", digest });
    assert.deepEqual(parseImageRef(`redis:7@${digest}`), { repository: "redis", tag: "7", digest });
    assert.deepEqual(parseImageRef("redis"), { repository: "redis", digest: undefined });
  });
  it("accepts only sha256 digests of 64 hex digits", () => {
    assert.ok(isSha256Digest(digest));
    assert.ok(!isSha256Digest("sha256:abc"));
    assert.ok(!isSha256Digest(undefined));
  });
});
