import { strict as assert } from "assert";
import fc from "fast-check";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { encodeProps, marshalProps } from "../../tools/policy";
import { analyzeRequestBytes, analyzeStackRequestBytes, encodeStruct, Json } from "../../tools/policy/wire";

type JsonObject = { [key: string]: Json };
const protobufBytes = (obj: JsonObject) => Buffer.from(Struct.fromJavaScript(obj as never).serializeBinary());

// google-protobuf's own encoder drops "__proto__" keys (jspb.Map keeps entries in a plain object);
// the engine does not, and neither does encodeStruct, so byte comparisons leave that key out.
const key = fc.string({ unit: "binary", maxLength: 8 }).filter((k) => k !== "__proto__");
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true }),
    fc.string({ unit: "binary" }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  ),
})).value;
const jsonObject = fc.dictionary(key, json, { maxKeys: 8 });

describe("analyzer wire encoding (the client's stand-in for the engine)", () => {
  it("writes any JSON props byte for byte as google-protobuf does", () => {
    fc.assert(
      fc.property(jsonObject, (obj) => assert.deepStrictEqual(encodeStruct(obj), protobufBytes(obj))),
      { numRuns: 500 },
    );
  });

  it("writes -0, unicode, multi-byte lengths and props larger than its first buffer as google-protobuf does", () => {
    const big: JsonObject = {
      zero: -0,
      text: "ключ 😀 \u0000",
      long: "x".repeat(70_000),
      nested: { list: Array.from({ length: 300 }, (_, i) => ({ i, s: `item-${i}` })) },
      extremes: [Number.MAX_VALUE, Number.MIN_VALUE, -1e-300, Infinity, -Infinity],
    };
    assert.deepStrictEqual(encodeStruct(big), protobufBytes(big));
    assert.ok(Object.is(Struct.deserializeBinary(encodeStruct(big)).toJavaScript().zero as number, -0));
  });

  it("keeps a __proto__ key, as the engine sends it", () => {
    const obj = JSON.parse('{"__proto__": "kept", "a": 1}') as JsonObject;
    const bytes = encodeStruct(obj);
    assert.ok(bytes.includes(Buffer.from("__proto__")), "the key is on the wire");
    assert.ok(bytes.length > protobufBytes(obj).length);
  });

  it("refuses a value JSON cannot hold, naming where it is", () => {
    assert.throws(
      () => encodeStruct({ spec: [1, undefined as unknown as Json] }),
      /Cannot encode undefined at "spec\[1\]"/,
    );
    assert.throws(() => encodeStruct({ f: (() => 1) as unknown as Json }), /Cannot encode function at "f"/);
  });

  it("encodes props as marshalled: undefined dropped, secrets wrapped", () => {
    const props = { data: { PASSWORD: "x", other: undefined }, list: [{ v: "y" }] };
    const decoded = Struct.deserializeBinary(encodeProps(props, ["data.PASSWORD"])).toJavaScript();
    assert.deepStrictEqual(decoded, marshalProps(props, ["data.PASSWORD"]));
    assert.deepStrictEqual(Object.keys((decoded as { data: object }).data), ["PASSWORD"]);
  });

  it("builds an AnalyzeRequest that google-protobuf decodes to the same message as its own setters", () => {
    const props = { metadata: { name: "app" }, spec: { replicas: 2 } };
    const envelope = new pb.AnalyzeRequest();
    envelope.setType("kubernetes:apps/v1:Deployment");
    envelope.setUrn("urn:pulumi:dev::moontv::kubernetes:apps/v1:Deployment::app");
    envelope.setName("app");
    envelope.setOptions(new pb.AnalyzerResourceOptions().setProtect(true));
    const decoded = pb.AnalyzeRequest.deserializeBinary(analyzeRequestBytes(envelope, encodeStruct(props)));

    const expected = pb.AnalyzeRequest.deserializeBinary(envelope.serializeBinary());
    expected.setProperties(Struct.fromJavaScript(props));
    assert.deepStrictEqual(decoded.toObject(), expected.toObject());
    assert.deepStrictEqual(decoded.getProperties()?.toJavaScript(), props);
  });

  it("builds an AnalyzeStackRequest whose resources keep their order, props, parents and dependencies", () => {
    const resources = [0, 1, 2].map((i) => {
      const envelope = new pb.AnalyzerResource();
      envelope.setType("kubernetes:core/v1:Service");
      envelope.setUrn(`urn:pulumi:dev::moontv::kubernetes:core/v1:Service::s${i}`);
      envelope.setName(`s${i}`);
      if (i > 0) envelope.setParent("urn:pulumi:dev::moontv::moontv:index:Platform::p");
      envelope.setDependenciesList(i === 2 ? ["urn:a", "urn:b"] : []);
      return { envelope, props: encodeStruct({ spec: { port: 3000 + i } }) };
    });
    const decoded = pb.AnalyzeStackRequest.deserializeBinary(analyzeStackRequestBytes(resources)).getResourcesList();
    assert.equal(decoded.length, 3);
    decoded.forEach((r, i) => {
      const expected = pb.AnalyzerResource.deserializeBinary(resources[i].envelope.serializeBinary());
      expected.setProperties(Struct.fromJavaScript({ spec: { port: 3000 + i } }));
      assert.deepStrictEqual(r.toObject(), expected.toObject());
    });
  });
});
