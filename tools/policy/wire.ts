/**
 * Encoding the analyzer's requests without google-protobuf's message objects.
 *
 * google-protobuf builds a Struct by attaching each nested message to its parent, re-syncing the
 * child's subtree each time (quadratic in depth), then serialises it; for Deployment-sized props that
 * was most of this client's time per resource. Here props are written straight to bytes, backwards,
 * so every nested message's length is known when its header is written (one pass, one buffer). The
 * envelope fields (type, URN, options, …) still come from the generated classes; the props field is
 * appended to their bytes, which protobuf decoders merge as if it were written in field order.
 */
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";

/** A JSON value, as marshalled props are (undefined dropped, secrets already wrapped). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Wire tags (field number << 3 | wire type) of struct.proto and analyzer.proto.
const TAG_STRUCT_FIELDS = 0x0a; // Struct.fields = 1, length-delimited (map entry)
const TAG_ENTRY_KEY = 0x0a; // FieldsEntry.key = 1
const TAG_ENTRY_VALUE = 0x12; // FieldsEntry.value = 2
const TAG_NULL = 0x08; // Value.null_value = 1, varint
const TAG_NUMBER = 0x11; // Value.number_value = 2, 64-bit
const TAG_STRING = 0x1a; // Value.string_value = 3
const TAG_BOOL = 0x20; // Value.bool_value = 4, varint
const TAG_STRUCT = 0x2a; // Value.struct_value = 5
const TAG_LIST = 0x32; // Value.list_value = 6
const TAG_LIST_VALUES = 0x0a; // ListValue.values = 1
const TAG_PROPERTIES = 0x12; // AnalyzeRequest.properties = 2 and AnalyzerResource.properties = 2
const TAG_RESOURCES = 0x0a; // AnalyzeStackRequest.resources = 1

/** Writes protobuf backwards into one buffer that grows at its front. */
class BackwardWriter {
  private buf = Buffer.allocUnsafe(2048);
  private start = this.buf.length;

  /** Bytes written so far; stable across growth, so differences measure a message's length. */
  get length(): number {
    return this.buf.length - this.start;
  }

  private reserve(n: number): void {
    if (this.start >= n) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n + 64));
    this.buf.copy(grown, grown.length - this.length, this.start);
    this.start = grown.length - this.length;
    this.buf = grown;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[--this.start] = b;
  }

  /** An unsigned varint (lengths are below 2^31). */
  varint(n: number): void {
    let size = 1;
    for (let v = n >>> 7; v > 0; v >>>= 7) size++;
    this.reserve(size);
    this.start -= size;
    let at = this.start;
    let v = n >>> 0;
    while (v > 0x7f) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[at] = v;
  }

  double(x: number): void {
    this.reserve(8);
    this.start -= 8;
    this.buf.writeDoubleLE(x, this.start);
  }

  /** UTF-8 bytes of `s`; returns their count. */
  utf8(s: string): number {
    const n = Buffer.byteLength(s, "utf8");
    this.reserve(n);
    this.start -= n;
    this.buf.write(s, this.start, n, "utf8");
    return n;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.start -= bytes.length;
    this.buf.set(bytes, this.start);
  }

  /** Writes `writeBody` then its length and `tag` before it: one length-delimited field. */
  field(tag: number, writeBody: () => void): void {
    const end = this.length;
    writeBody();
    this.varint(this.length - end);
    this.byte(tag);
  }

  bytes(): Buffer {
    return this.buf.subarray(this.start);
  }
}

/** Keys in the order google-protobuf writes a map (sorted), values that are not undefined. */
function sortedKeys(obj: { [key: string]: Json | undefined }): string[] {
  return Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
}

function writeStructBody(w: BackwardWriter, obj: { [key: string]: Json }): void {
  const keys = sortedKeys(obj);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i];
    w.field(TAG_STRUCT_FIELDS, () => {
      w.field(TAG_ENTRY_VALUE, () => writeValueBody(w, obj[key], key));
      w.field(TAG_ENTRY_KEY, () => w.utf8(key));
    });
  }
}

function writeValueBody(w: BackwardWriter, v: Json, where: string): void {
  if (v === null) {
    w.byte(0);
    w.byte(TAG_NULL);
  } else if (typeof v === "boolean") {
    w.byte(v ? 1 : 0);
    w.byte(TAG_BOOL);
  } else if (typeof v === "number") {
    w.double(v);
    w.byte(TAG_NUMBER);
  } else if (typeof v === "string") {
    w.field(TAG_STRING, () => w.utf8(v));
  } else if (Array.isArray(v)) {
    w.field(TAG_LIST, () => {
      for (let i = v.length - 1; i >= 0; i--) w.field(TAG_LIST_VALUES, () => writeValueBody(w, v[i], `${where}[${i}]`));
    });
  } else if (typeof v === "object") {
    w.field(TAG_STRUCT, () => writeStructBody(w, v));
  } else {
    throw new TypeError(`Cannot encode ${typeof v} at "${where}" as a protobuf Value (only JSON values).`);
  }
}

/** The wire bytes of a `google.protobuf.Struct` holding `obj`, as google-protobuf would write them. */
export function encodeStruct(obj: { [key: string]: Json }): Buffer {
  const w = new BackwardWriter();
  writeStructBody(w, obj);
  return w.bytes();
}

/** A message's own bytes followed by one length-delimited field holding `payload`. */
function withField(message: Uint8Array, tag: number, payload: Uint8Array): Buffer {
  const w = new BackwardWriter();
  w.field(tag, () => w.raw(payload));
  w.raw(message);
  return w.bytes();
}

/** The bytes of an AnalyzeRequest: the envelope's fields, then the already encoded props. */
export function analyzeRequestBytes(envelope: pb.AnalyzeRequest, props: Uint8Array): Buffer {
  return withField(envelope.serializeBinary(), TAG_PROPERTIES, props);
}

/** The bytes of an AnalyzeStackRequest: each resource's envelope with its encoded props. */
export function analyzeStackRequestBytes(
  resources: readonly { envelope: pb.AnalyzerResource; props: Uint8Array }[],
): Buffer {
  const w = new BackwardWriter();
  for (let i = resources.length - 1; i >= 0; i--) {
    const { envelope, props } = resources[i];
    w.field(TAG_RESOURCES, () => {
      w.field(TAG_PROPERTIES, () => w.raw(props));
      w.raw(envelope.serializeBinary());
    });
  }
  return w.bytes();
}
