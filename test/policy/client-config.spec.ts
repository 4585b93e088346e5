import { strict as assert } from "assert";
import { marshalProps, reconcileConfig } from "../../tools/policy";
import type { PolicyDescriptor } from "../../tools/policy/config";
import { splitPath } from "../../tools/policy/struct";

const policies: PolicyDescriptor[] = [
  {
    name: "a-b",
    enforcementLevel: "mandatory",
    schema: { properties: { max: { type: "integer", default: 5, minimum: 1 } }, required: [] },
  },
  { name: "c-d", enforcementLevel: "mandatory" },
];

describe("tools/policy config reconciliation (as the CLI does before Configure)", () => {
  it("fills schema defaults and keeps default levels", () => {
    assert.deepEqual(reconcileConfig(policies, {}), {
      "a-b": { enforcementLevel: "mandatory", properties: { max: 5 } },
      "c-d": { enforcementLevel: "mandatory", properties: {} },
    });
  });

  it("applies `all`, then each policy's own entry (string or object)", () => {
    const r = reconcileConfig(policies, { all: "advisory", "a-b": { enforcementLevel: "disabled", max: 7 } });
    assert.deepEqual(r["a-b"], { enforcementLevel: "disabled", properties: { max: 7 } });
    assert.equal(r["c-d"].enforcementLevel, "advisory");
  });

  it("rejects wrong types, out-of-range values, bad levels and unknown policies in one error", () => {
    assert.throws(
      () => reconcileConfig(policies, { "a-b": { max: 0.5 }, "c-d": "strict" as never, nope: "advisory" }),
      (e: Error) =>
        /nope/.test(e.message) && /a-b\.max must be of type integer/.test(e.message) && /c-d: "strict"/.test(e.message),
    );
    assert.throws(() => reconcileConfig(policies, { "a-b": { max: 0 } }), /a-b\.max must be at least 1/);
  });
});

describe("tools/policy props marshalling", () => {
  it("wraps secret paths in the secret signature and drops undefined", () => {
    const out = marshalProps({ data: { PASSWORD: "x", other: undefined }, list: [{ v: "y" }] }, [
      "data.PASSWORD",
      "list[0].v",
      "missing.path",
    ]);
    assert.deepEqual(out, {
      data: { PASSWORD: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" } },
      list: [{ v: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "y" } }],
    });
  });
  it("splits dotted and bracketed paths", () => assert.deepEqual(splitPath("a.b[2].c"), ["a", "b", "2", "c"]));
});
