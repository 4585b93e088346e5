/**
 * Speed-up for the analyzer: @pulumi/policy converts a request's props Struct to JavaScript once per
 * policy (12 times per resource); that conversion is most of the pack's cost per resource. The
 * request's Struct is never changed after it is decoded, and the converted value is only read (the
 * framework copies it), so one conversion per Struct is kept and reused. Behaviour is unchanged.
 */
type StructProto = { toJavaScript(this: object): unknown; __moontvMemo?: boolean };

export function memoizeStructConversion(): boolean {
  let proto: StructProto;
  try {
    // The copy @pulumi/pulumi's protos use (resolved from the pack's own dependencies).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    proto = require("google-protobuf/google/protobuf/struct_pb").Struct.prototype as StructProto;
  } catch {
    return false;
  }
  if (proto.__moontvMemo) return true;
  const original = proto.toJavaScript;
  const cache = new WeakMap<object, unknown>();
  proto.toJavaScript = function (this: object) {
    if (!cache.has(this)) cache.set(this, original.call(this));
    return cache.get(this);
  };
  proto.__moontvMemo = true;
  return true;
}
