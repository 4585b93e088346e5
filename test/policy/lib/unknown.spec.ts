import { strict as assert } from "assert";
import { at, items, keysOf, tryRead, UNKNOWN } from "../../../policy/lib/unknown";
import { unknownCheckingProxy, UNKNOWN as WIRE_UNKNOWN } from "../util";

describe("policy/lib/unknown", () => {
  const props = unknownCheckingProxy({ a: { b: WIRE_UNKNOWN, c: [1, WIRE_UNKNOWN], d: "x" }, e: WIRE_UNKNOWN });

  it("turns the proxy's UnknownValueError into UNKNOWN", () => {
    assert.throws(() => (props.a as Record<string, unknown>).b);
    assert.equal(
      tryRead(() => (props.a as Record<string, unknown>).b),
      UNKNOWN,
    );
  });

  it("lets other errors through", () => {
    assert.throws(
      () =>
        tryRead(() => {
          throw new TypeError("boom");
        }),
      /boom/,
    );
  });

  it("follows paths: value, UNKNOWN on an unknown step, undefined on a missing one", () => {
    assert.equal(at(props, "a", "d"), "x");
    assert.equal(at(props, "a", "b"), UNKNOWN);
    assert.equal(at(props, "e", "deeper"), UNKNOWN);
    assert.equal(at(props, "a", "missing", "deeper"), undefined);
    assert.equal(at(props, "a", "d", "length"), undefined); // strings are not walked into
  });

  it("treats raw sentinels like proxied unknowns", () => {
    assert.equal(at({ x: WIRE_UNKNOWN }, "x"), UNKNOWN);
  });

  it("reads array elements one by one", () => {
    assert.deepEqual(items(at(props, "a", "c")), [1, UNKNOWN]);
    assert.equal(items(at(props, "e")), UNKNOWN);
    assert.deepEqual(items(undefined), []);
  });

  it("lists keys of proxies without throwing", () => {
    assert.deepEqual(keysOf(props.a), ["b", "c", "d"]);
    assert.deepEqual(keysOf(UNKNOWN), []);
  });
});
