import { strict as assert } from "assert";
import { formatMiB, parseQuantity } from "../../../policy/lib/quantity";

describe("policy/lib/quantity", () => {
  const cases: [unknown, number | undefined][] = [
    ["500m", 0.5],
    ["2", 2],
    ["1.5", 1.5],
    [".5", 0.5],
    ["128Mi", 128 * 2 ** 20],
    ["2Gi", 2 * 2 ** 30],
    ["1G", 1e9],
    ["1k", 1000],
    ["2e3", 2000],
    ["1E", 1e18],
    [3, 3],
    ["", undefined],
    ["abc", undefined],
    ["1Gb", undefined],
    ["1 Gi", undefined],
    [null, undefined],
    [NaN, undefined],
  ];
  for (const [input, expected] of cases) {
    it(`parses ${JSON.stringify(input)} as ${expected}`, () => assert.equal(parseQuantity(input), expected));
  }
  it("formats bytes as MiB", () => assert.equal(formatMiB(1.5 * 2 ** 20), "1.5 MiB"));
});
