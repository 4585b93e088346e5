/**
 * Speed-ups for the analyzer's handling of props, installed once in the pack's process.
 *
 * Per resource, @pulumi/policy decodes the request's props Struct with google-protobuf (quadratic in
 * nesting depth: about 0.5 ms for one Deployment) and then converts that Struct to JavaScript once
 * per policy (13 times). Together these were most of the pack's time per resource. Both are replaced,
 * on the exact Struct class the analyzer protocol uses, by one linear decode that also yields the
 * JavaScript value. Specs hold the result to google-protobuf's own, byte for byte and value for value.
 */
import * as path from "path";
import { NO_JAVASCRIPT, readStruct, StructArray, WireReader } from "./struct-decoder";

export interface StructClass {
  new (data?: StructArray): object;
  (this: object, data?: StructArray): void;
  deserializeBinaryFromReader(msg: object, reader: WireReader): object;
  prototype: { toJavaScript(this: object): unknown };
}

/**
 * The Struct class of the analyzer protocol that @pulumi/policy serves: google-protobuf's, resolved
 * from @pulumi/pulumi's proto directory (the pack declares neither module itself).
 */
export function analyzerStructClass(): StructClass {
  const policyDir = path.dirname(require.resolve("@pulumi/policy"));
  const analyzerPb = require.resolve("@pulumi/pulumi/proto/analyzer_pb.js", { paths: [policyDir] });
  const structPb = require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [path.dirname(analyzerPb)] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(structPb).Struct as StructClass;
}

const installed = new WeakSet<StructClass>();

/**
 * Decodes Structs linearly and converts each Struct instance to JavaScript at most once (decoded ones
 * at decode time). Sharing the value is safe: a request's Struct is never changed after decoding, and
 * @pulumi/policy copies the value for each policy (deserializeProperties), which a spec holds it to.
 * Returns a function that restores google-protobuf's behaviour; installing twice is a no-op.
 */
export function installStructSpeedups(Struct: StructClass): () => void {
  if (installed.has(Struct)) return () => undefined;
  installed.add(Struct);
  const originalDecode = Struct.deserializeBinaryFromReader;
  const originalToJavaScript = Struct.prototype.toJavaScript;
  const converted = new WeakMap<object, unknown>();
  Struct.deserializeBinaryFromReader = (msg, reader) => {
    const decoded = readStruct(reader);
    // The generated constructor re-initialises `msg` with the decoded array form.
    Struct.call(msg, decoded.array);
    if (decoded.javaScript !== NO_JAVASCRIPT) converted.set(msg, decoded.javaScript);
    return msg;
  };
  Struct.prototype.toJavaScript = function (this: object) {
    let value = converted.get(this);
    if (value === undefined) {
      value = originalToJavaScript.call(this);
      converted.set(this, value);
    }
    return value;
  };
  return () => {
    Struct.deserializeBinaryFromReader = originalDecode;
    Struct.prototype.toJavaScript = originalToJavaScript;
    installed.delete(Struct);
  };
}
