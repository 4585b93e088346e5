import { strict as assert } from "assert";
import fc from "fast-check";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { analyzerStructClass, installStructSpeedups } from "../../../policy/lib/analyzer-speedups";
import { encodeStruct, Json } from "../../../tools/policy/wire";

// The pack's own Struct class (google-protobuf's, as @pulumi/policy's analyzer protocol uses it).
const Struct = analyzerStructClass() as unknown as typeof import("google-protobuf/google/protobuf/struct_pb").Struct;
// @pulumi/policy's internal deserializer, whose copying the memoised conversion relies on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
  deserializeProperties(struct: object, proxySecrets: boolean): Record<string, unknown>;
};

type Decoded = { js: unknown; bytes: Buffer; object: unknown };

/** Decodes `bytes` as a Struct and as an AnalyzeRequest's props, and reads them back every way. */
function decodeAll(bytes: Uint8Array): { struct: Decoded; request: Decoded } {
  const read = (s: InstanceType<typeof Struct>) => ({ js: s.toJavaScript(), bytes: Buffer.from(s.serializeBinary()), object: s.toObject() });
  const envelope = new pb.AnalyzeRequest();
  envelope.setType("kubernetes:apps/v1:Deployment");
  envelope.setUrn("urn:pulumi:s::p::t::n");
  const requestBytes = Buffer.concat([Buffer.from(envelope.serializeBinary()), Buffer.from([0x12]), varint(bytes.length), Buffer.from(bytes)]);
  const request = pb.AnalyzeRequest.deserializeBinary(requestBytes);
  const props = request.getProperties();
  assert.ok(props, "the request has props");
  assert.equal(request.getType(), "kubernetes:apps/v1:Deployment");
  return { struct: read(Struct.deserializeBinary(bytes)), request: read(props) };
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

/** Decoded by google-protobuf itself, then with the pack's speed-ups installed. */
function bothWays(bytes: Uint8Array): { original: ReturnType<typeof decodeAll>; fast: ReturnType<typeof decodeAll> } {
  const original = decodeAll(bytes);
  const uninstall = installStructSpeedups(Struct as never);
  try {
    return { original, fast: decodeAll(bytes) };
  } finally {
    uninstall();
  }
}

function assertSameDecoding(bytes: Uint8Array): void {
  const { original, fast } = bothWays(bytes);
  assert.deepStrictEqual(fast, original);
}

// Wire bytes by hand, for inputs no encoder here produces (unsorted or repeated keys, unknown fields).
const len = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), varint(body.length), body]);
const str = (tag: number, s: string) => len(tag, Buffer.from(s, "utf8"));
const entry = (key: string, value: Buffer) => len(0x0a, Buffer.concat([str(0x0a, key), len(0x12, value)]));
const stringValue = (s: string) => str(0x1a, s);
const boolValue = (b: boolean) => Buffer.from([0x20, b ? 1 : 0]);

const jsonObject = fc.dictionary(fc.string({ unit: "binary", maxLength: 6 }), fc.jsonValue({ maxDepth: 6 }), { maxKeys: 6 }) as fc.Arbitrary<{ [k: string]: Json }>;

describe("pack speed-ups: linear Struct decoding and one conversion per Struct", () => {
  it("finds the Struct class the analyzer protocol uses", () => {
    const props = new pb.AnalyzeRequest().setProperties(new Struct()).getProperties();
    assert.ok(props instanceof Struct, "AnalyzeRequest's props are instances of the class the speed-ups patch");
  });

  it("decodes any JSON props exactly as google-protobuf does: value, bytes and object, alone and inside a request", () => {
    fc.assert(
      fc.property(jsonObject, (obj) => assertSameDecoding(encodeStruct(obj))),
      { numRuns: 300 },
    );
  });

  it("decodes a Deployment's props, deep and with -0, unicode and long strings, exactly as google-protobuf does", () => {
    const deep: Json = { a: [{ b: { c: [[{ d: -0, e: "ключ 😀", f: "x".repeat(70_000) }]] } }], n: null, t: true, z: 1e300 };
    const { original, fast } = bothWays(encodeStruct({ spec: { template: { spec: { containers: [deep, deep] } } } }));
    assert.deepStrictEqual(fast, original);
    assert.ok(Object.is((fast.struct.js as { spec: { template: { spec: { containers: { a: { b: { c: { d: number }[][] } }[] }[] } } } }).spec.template.spec.containers[0].a[0].b.c[0][0].d, -0));
  });

  it("keeps google-protobuf's map semantics: keys sorted, the last of a repeated key wins, no __proto__, unknown fields skipped", () => {
    const bytes = Buffer.concat([
      entry("zeta", stringValue("1")),
      entry("__proto__", stringValue("jspb.Map cannot hold this key")),
      entry("alpha", boolValue(true)),
      Buffer.from([0x18, 0x07]), // unknown varint field 3 in the Struct
      entry("zeta", stringValue("2")),
      entry("mid", Buffer.concat([stringValue("dropped"), Buffer.from([0x38, 0x01]), boolValue(false)])), // oneof: last kind wins
    ]);
    const { original, fast } = bothWays(bytes);
    assert.deepStrictEqual(fast, original);
    assert.deepStrictEqual(fast.struct.js, { alpha: true, mid: false, zeta: "2" });
    assert.deepStrictEqual(Object.keys(fast.struct.js as object), ["alpha", "mid", "zeta"]);
  });

  it("leaves a Value with no kind to google-protobuf's toJavaScript, which throws the same error", () => {
    const bytes = entry("empty", Buffer.alloc(0));
    const originalError = (() => {
      try {
        Struct.deserializeBinary(bytes).toJavaScript();
      } catch (err) {
        return (err as Error).message;
      }
      return "no error";
    })();
    assert.notEqual(originalError, "no error");
    const uninstall = installStructSpeedups(Struct as never);
    try {
      const decoded = Struct.deserializeBinary(bytes);
      assert.throws(() => decoded.toJavaScript(), { message: originalError });
      assert.deepStrictEqual(Buffer.from(decoded.serializeBinary()), Buffer.from(bytes));
    } finally {
      uninstall();
    }
  });

  it("converts a Struct once, and @pulumi/policy still hands each policy its own copy", () => {
    const bytes = encodeStruct({ spec: { containers: [{ name: "app", env: [{ name: "A", value: "1" }] }] } });
    const uninstall = installStructSpeedups(Struct as never);
    try {
      const struct = Struct.deserializeBinary(bytes);
      assert.equal(struct.toJavaScript(), struct.toJavaScript(), "one conversion per Struct");
      const built = Struct.fromJavaScript({ a: 1 });
      assert.equal(built.toJavaScript(), built.toJavaScript(), "Structs built in the process are memoised too");
      const first = deserializeProperties(struct, false) as { spec: { containers: { name: string }[] } };
      const second = deserializeProperties(struct, false) as typeof first;
      assert.notEqual(first.spec, second.spec);
      assert.notEqual(first.spec.containers, second.spec.containers);
      first.spec.containers[0].name = "changed by one policy";
      assert.equal(second.spec.containers[0].name, "app");
      assert.equal((deserializeProperties(struct, false) as typeof first).spec.containers[0].name, "app");
    } finally {
      uninstall();
    }
  });

  it("installs once and uninstalls back to google-protobuf's own functions", () => {
    const decode = Struct.deserializeBinaryFromReader;
    const toJavaScript = Struct.prototype.toJavaScript;
    const uninstall = installStructSpeedups(Struct as never);
    const patched = Struct.deserializeBinaryFromReader;
    assert.notEqual(patched, decode);
    installStructSpeedups(Struct as never)(); // a second install is a no-op, and so is its uninstall
    assert.equal(Struct.deserializeBinaryFromReader, patched);
    uninstall();
    assert.equal(Struct.deserializeBinaryFromReader, decode);
    assert.equal(Struct.prototype.toJavaScript, toJavaScript);
  });
});
