import { strict as assert } from "assert";
import { parseImageSize } from "../../../engine/image/buildah";

describe("parseImageSize (buildah images --json)", () => {
  it("reads buildah's human-readable sizes in decimal units", () => {
    assert.equal(parseImageSize("201 MB"), 201_000_000);
    assert.equal(parseImageSize("1.23 GB"), 1_230_000_000);
    assert.equal(parseImageSize("45.6 kB"), 45_600);
    assert.equal(parseImageSize("512 B"), 512);
    assert.equal(parseImageSize("7.5MB"), 7_500_000);
  });

  it("takes a byte count as it is", () => {
    assert.equal(parseImageSize(201_326_592), 201_326_592);
  });

  it("refuses what it cannot read instead of returning NaN", () => {
    for (const bad of ["", "big", "201 XB", "-3 MB", Number.NaN, -1]) {
      assert.throws(() => parseImageSize(bad as string | number), /cannot read the image size/);
    }
  });
});
