/**
 * A linear-time decoder for `google.protobuf.Struct`, the type of every resource's props on the
 * analyzer wire.
 *
 * google-protobuf 3.x decodes nested messages by re-syncing each child's whole subtree into its
 * parent as the child is attached (`setWrapperField` → `toArray`), so a Struct nested d levels deep
 * costs O(size × d): about 0.5 ms for one 900-byte Deployment, most of the pack's time per resource
 * (protocolbuffers/protobuf-javascript#39). This decoder reads the same bytes with the same
 * `BinaryReader` into jspb's array form (field n at index n - 1), which generated messages accept as
 * their constructor data and wrap lazily, so the result is an ordinary, complete Struct. The same pass
 * yields the value the Struct's `toJavaScript()` returns.
 */

/** The `jspb.BinaryReader` methods the decoder uses (public API, used by all generated code). */
export interface WireReader {
  nextField(): boolean;
  isEndGroup(): boolean;
  getFieldNumber(): number;
  skipField(): void;
  readString(): string;
  readDouble(): number;
  readBool(): boolean;
  readEnum(): number;
  readMessage<T>(target: T, read: (target: T, reader: WireReader) => void): void;
}

/** jspb array form of a `google.protobuf.Value`: its one set field `n` at index `n - 1`. */
export type ValueArray = unknown[];
/** jspb array form of a `google.protobuf.Struct`: field 1 is the map, as [key, value] entries. */
export type StructArray = [[string, ValueArray][]];

// Field numbers of struct.proto.
const STRUCT_FIELDS = 1;
const ENTRY_KEY = 1;
const ENTRY_VALUE = 2;
const LIST_VALUES = 1;
const NULL_VALUE = 1;
const NUMBER_VALUE = 2;
const STRING_VALUE = 3;
const BOOL_VALUE = 4;
const STRUCT_VALUE = 5;
const LIST_VALUE = 6;

/** A Value that has no kind set: google-protobuf's `toJavaScript` throws on it, so no value is given. */
export const NO_JAVASCRIPT: unique symbol = Symbol("no JavaScript value");

/** A decoded Struct: its jspb array form, and the value its `toJavaScript()` returns (or NO_JAVASCRIPT). */
export interface DecodedStruct {
  array: StructArray;
  javaScript: Record<string, unknown> | typeof NO_JAVASCRIPT;
}

/** Reads a Struct's fields up to the reader's current end; unknown fields are skipped, as generated code does. */
export function readStruct(reader: WireReader): DecodedStruct {
  const entries: Entry[] = [];
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() === STRUCT_FIELDS) entries.push(readSubmessage(reader, readMapEntry));
    else reader.skipField();
  }
  const canonical = canonicalEntries(entries);
  let javaScript: DecodedStruct["javaScript"] = {};
  for (const { key, value } of canonical) {
    if (value.javaScript === NO_JAVASCRIPT) {
      javaScript = NO_JAVASCRIPT;
      break;
    }
    // Assignment, as Struct.prototype.toJavaScript does.
    javaScript[key] = value.javaScript;
  }
  return { array: [canonical.map(({ key, value }) => [key, value.array])], javaScript };
}

/** A decoded Value or ListValue: array form and JavaScript value, as for a Struct. */
interface Decoded {
  array: unknown[];
  javaScript: unknown;
}
interface Entry {
  key: string;
  value: Decoded;
}

/** Reads the length-delimited message at the reader's position with `read`. */
function readSubmessage<T>(reader: WireReader, read: (reader: WireReader) => T): T {
  const holder: { result?: T } = {};
  reader.readMessage(holder, (h, r) => (h.result = read(r)));
  return holder.result as T;
}

/** A map entry; a missing key or value is the default ("" or an empty Value), as jspb.Map reads it. */
function readMapEntry(reader: WireReader): Entry {
  const entry: Entry = { key: "", value: { array: [], javaScript: NO_JAVASCRIPT } };
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    const field = reader.getFieldNumber();
    if (field === ENTRY_KEY) entry.key = reader.readString();
    else if (field === ENTRY_VALUE) entry.value = readSubmessage(reader, readValue);
    else reader.skipField();
  }
  return entry;
}

/** A Value; its kind is a oneof, so the last kind field read wins and clears the others, as the setters do. */
function readValue(reader: WireReader): Decoded {
  let decoded: Decoded = { array: [], javaScript: NO_JAVASCRIPT };
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    const field = reader.getFieldNumber();
    let stored: unknown;
    let javaScript: unknown;
    switch (field) {
      case NULL_VALUE:
        stored = reader.readEnum();
        javaScript = null;
        break;
      case NUMBER_VALUE:
        stored = javaScript = reader.readDouble();
        break;
      case STRING_VALUE:
        stored = javaScript = reader.readString();
        break;
      case BOOL_VALUE:
        stored = javaScript = reader.readBool();
        break;
      case STRUCT_VALUE:
      case LIST_VALUE: {
        const nested: Decoded = readSubmessage(reader, field === STRUCT_VALUE ? readStruct : readList);
        stored = nested.array;
        javaScript = nested.javaScript;
        break;
      }
      default:
        reader.skipField();
        continue;
    }
    const array: ValueArray = [];
    array[field - 1] = stored;
    decoded = { array, javaScript };
  }
  return decoded;
}

/** A ListValue: its array form and its elements' values. */
function readList(reader: WireReader): Decoded {
  const arrays: unknown[][] = [];
  let javaScript: unknown[] | typeof NO_JAVASCRIPT = [];
  while (reader.nextField()) {
    if (reader.isEndGroup()) break;
    if (reader.getFieldNumber() !== LIST_VALUES) {
      reader.skipField();
      continue;
    }
    const value = readSubmessage(reader, readValue);
    arrays.push(value.array);
    if (value.javaScript === NO_JAVASCRIPT) javaScript = NO_JAVASCRIPT;
    else if (javaScript !== NO_JAVASCRIPT) javaScript.push(value.javaScript);
  }
  return { array: [arrays], javaScript };
}

/**
 * The entries as jspb keeps a decoded map: sorted by key (jspb.Map re-sorts on sync), for a repeated
 * key the last value, and no "__proto__" (jspb.Map stores entries in a plain object, where that key
 * sets the prototype instead of adding an entry). Senders sort keys, so the common case is a check.
 */
function canonicalEntries(entries: Entry[]): Entry[] {
  let canonical = true;
  for (let i = 0; i < entries.length && canonical; i++) {
    canonical = entries[i].key !== "__proto__" && (i === 0 || entries[i - 1].key < entries[i].key);
  }
  if (canonical) return entries;
  const last = new Map<string, Entry>();
  for (const entry of entries) if (entry.key !== "__proto__") last.set(entry.key, entry);
  return [...last.keys()].sort().map((key) => last.get(key) as Entry);
}
