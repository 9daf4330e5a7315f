// A strict reader for the Thrift compact protocol. Every problem is a DecodeError saying what
// and at which offset; no read allocates more than the remaining input justifies (lengths and
// collection sizes are checked against the remaining bytes before anything is allocated).
//
// Strictness beyond Apache Thrift's readers:
// - a varint of more than 10 bytes, or whose 10th byte carries bits beyond 64, is an error; a
//   32-bit varint (lengths, sizes, i32, seqid) must fit in 5 bytes and 32 bits;
// - a field header whose type nibble is 0 must be the stop byte 0x00;
// - type ids 14 and 15 are invalid; 13 (UUID, Thrift 0.19+) is skipped as 16 bytes;
// - nesting (structs, lists, sets, maps) deeper than MAX_DEPTH is an error.

import { CT } from "./_compact_writer.ts";
import { DecodeError } from "./decode_error.ts";
import { skipStruct } from "./_thrift_reader.ts";

/** The deepest nesting of structs and collections accepted. */
export const MAX_DEPTH = 64;

/** Compact type 13: a UUID (16 bytes), in Thrift 0.19 and later. */
export const CT_UUID = 13;

const TYPE_NAMES = [
  "stop",
  "bool(true)",
  "bool(false)",
  "byte",
  "i16",
  "i32",
  "i64",
  "double",
  "binary",
  "list",
  "set",
  "map",
  "struct",
  "uuid",
];

/** A readable name of a compact type id. */
export function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `invalid type ${t}`;
}

const decoder = new TextDecoder();

/** Reads compact-protocol values from a byte array, strictly. */
export class CompactReader {
  readonly bytes: Uint8Array;
  pos = 0;
  #view: DataView;
  /** The field id of the last field header read. */
  fieldId = 0;
  /** For a bool field, its value (from the header's type). */
  fieldBool = false;
  /** The element type of the last list/set header read. */
  elemType = 0;
  #lastField = 0;
  #stack: number[] = [];
  #depth = 0;
  /** Varint64 result halves (unsigned). */
  #hi = 0;
  #lo = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Throws a DecodeError. */
  fail(what: string, offset: number = this.pos): never {
    throw new DecodeError(what, offset);
  }

  #need(n: number, what: string): void {
    if (this.bytes.length - this.pos < n) {
      this.fail(`truncated ${what} (${n} bytes needed, ${this.bytes.length - this.pos} left)`);
    }
  }

  /** Reads one byte. */
  readByte(what: string): number {
    if (this.pos >= this.bytes.length) this.fail(`truncated ${what}`);
    return this.bytes[this.pos++]!;
  }

  /** Reads an unsigned varint of at most 32 bits. */
  readVarint32(what: string): number {
    const start = this.pos;
    const bytes = this.bytes;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= bytes.length) this.fail(`truncated varint (${what})`, start);
      const b = bytes[this.pos++]!;
      if (i === 4) {
        if (b > 0x0f) this.fail(`varint too long for 32 bits (${what})`, start);
        return (result + b * 0x10000000) >>> 0;
      }
      result |= (b & 0x7f) << (7 * i);
      if (b < 0x80) return result >>> 0;
    }
    /* c8 ignore next */
    return this.fail(`varint too long (${what})`, start);
  }

  /** Reads a varint of at most 64 bits into #hi/#lo. */
  #readVarint64(what: string): void {
    const start = this.pos;
    const bytes = this.bytes;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= bytes.length) this.fail(`truncated varint (${what})`, start);
      const b = bytes[this.pos++]!;
      const v = b & 0x7f;
      if (i < 4) {
        lo |= v << (7 * i);
      } else if (i === 4) {
        lo |= v << 28;
        hi |= v >>> 4;
      } else if (i < 9) {
        hi |= v << (7 * i - 32);
      } else {
        if (b & 0x80) this.fail(`varint longer than 10 bytes (${what})`, start);
        if (b > 0x01) this.fail(`varint longer than 64 bits (${what})`, start);
        hi |= v << 31;
      }
      if (b < 0x80) {
        this.#hi = hi >>> 0;
        this.#lo = lo >>> 0;
        return;
      }
    }
    this.fail(`varint longer than 10 bytes (${what})`, start);
  }

  /** Reads a zigzag i32. */
  readI32(what: string): number {
    const z = this.readVarint32(what);
    return (z >>> 1) ^ -(z & 1);
  }

  /** Reads a zigzag i64 as a signed bigint. */
  readI64(what: string): bigint {
    this.#readVarint64(what);
    const zh = this.#hi;
    const zl = this.#lo;
    const neg = zl & 1;
    let lo = ((zl >>> 1) | (zh << 31)) >>> 0;
    let hi = zh >>> 1;
    if (neg) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    }
    const shi = hi | 0; // signed high half
    if (shi >= -0x200000 && shi < 0x200000) return BigInt(shi * 0x100000000 + lo);
    return (BigInt(shi) << 32n) | BigInt(lo);
  }

  /** Reads a little-endian double. */
  readDouble(what: string): number {
    this.#need(8, `double (${what})`);
    const x = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }

  #readLength(what: string): number {
    const start = this.pos;
    const n = this.readVarint32(`${what} length`);
    if (n > this.bytes.length - this.pos) {
      this.fail(
        `${what} length ${n} exceeds the ${this.bytes.length - this.pos} bytes left`,
        start,
      );
    }
    return n;
  }

  /** Reads a UTF-8 string (invalid UTF-8 becomes U+FFFD). */
  readString(what: string): string {
    const n = this.#readLength(what);
    const bytes = this.bytes;
    const start = this.pos;
    this.pos += n;
    if (n <= 64) {
      let s = "";
      for (let i = start; i < start + n; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) return decoder.decode(bytes.subarray(start, start + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(bytes.subarray(start, start + n));
  }

  /** Reads binary (a copy). */
  readBinary(what: string): Uint8Array {
    const n = this.#readLength(what);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Skips n bytes. */
  #skipBytes(n: number, what: string): void {
    this.#need(n, what);
    this.pos += n;
  }

  #enter(): void {
    if (++this.#depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
  }

  /** Enters a struct. */
  structBegin(): void {
    this.#enter();
    this.#stack.push(this.#lastField);
    this.#lastField = 0;
  }

  /** Leaves a struct (after its stop byte was read). */
  structEnd(): void {
    this.#depth--;
    this.#lastField = this.#stack.pop() ?? 0;
  }

  /**
   * Reads a field header; returns its type (CT.STOP at the end of the struct). Sets
   * `fieldId`, and `fieldBool` for bool fields (returned as CT.BOOLEAN_TRUE).
   */
  readFieldHeader(): number {
    const start = this.pos;
    const b = this.readByte("field header");
    const type = b & 0x0f;
    if (type === CT.STOP) {
      if (b !== 0) this.fail(`invalid field header 0x${b.toString(16)}`, start);
      return CT.STOP;
    }
    if (type > CT_UUID) this.fail(`invalid field type ${type}`, start);
    const delta = b >>> 4;
    let id: number;
    if (delta !== 0) {
      id = this.#lastField + delta;
    } else {
      const idStart = this.pos;
      id = this.readI32("field id");
      if (id < -32768 || id > 32767) this.fail(`field id ${id} out of the i16 range`, idStart);
    }
    this.#lastField = id;
    this.fieldId = id;
    if (type === CT.BOOLEAN_TRUE || type === CT.BOOLEAN_FALSE) {
      this.fieldBool = type === CT.BOOLEAN_TRUE;
      return CT.BOOLEAN_TRUE;
    }
    return type;
  }

  /**
   * Reads a list or set header; returns its size (checked against the remaining bytes, each
   * element taking at least one byte) and sets `elemType`.
   */
  readListHeader(what: string): number {
    const start = this.pos;
    const b = this.readByte(`${what} header`);
    const t = b & 0x0f;
    if (t === CT.STOP || t > CT_UUID) this.fail(`invalid element type ${t} in ${what}`, start);
    let size = b >>> 4;
    if (size === 15) size = this.readVarint32(`${what} size`);
    if (size > this.bytes.length - this.pos) {
      this.fail(
        `${what} of ${size} elements exceeds the ${this.bytes.length - this.pos} bytes left`,
        start,
      );
    }
    this.elemType = t === CT.BOOLEAN_FALSE ? CT.BOOLEAN_TRUE : t;
    return size;
  }

  /** Skips one value of compact type `type` (a field's or an element's). */
  skip(type: number, inCollection: boolean): void {
    switch (type) {
      case CT.BOOLEAN_TRUE:
      case CT.BOOLEAN_FALSE:
        // A bool field's value is in its header; a bool element is one byte.
        if (inCollection) this.#skipBytes(1, "bool");
        return;
      case CT.BYTE:
        this.#skipBytes(1, "byte");
        return;
      case CT.I16:
      case CT.I32:
        this.readVarint32("i32");
        return;
      case CT.I64:
        this.#readVarint64("i64");
        return;
      case CT.DOUBLE:
        this.#skipBytes(8, "double");
        return;
      case CT.BINARY: {
        const n = this.#readLength("binary"); // (not `pos += read()`: read advances pos)
        this.pos += n;
        return;
      }
      case CT_UUID:
        this.#skipBytes(16, "uuid");
        return;
      case CT.STRUCT:
        skipStruct(this);
        return;
      case CT.LIST:
      case CT.SET: {
        this.#enter();
        const n = this.readListHeader(type === CT.LIST ? "list" : "set");
        const et = this.elemType;
        for (let i = 0; i < n; i++) this.skip(et, true);
        this.#depth--;
        return;
      }
      case CT.MAP: {
        this.#enter();
        const start = this.pos;
        const n = this.readVarint32("map size");
        if (n > 0) {
          if (n * 2 > this.bytes.length - this.pos) {
            this.fail(`map of ${n} entries exceeds the ${this.remaining} bytes left`, start);
          }
          const kvStart = this.pos;
          const kv = this.readByte("map types");
          const kt = kv >>> 4;
          const vt = kv & 0x0f;
          if (kt === CT.STOP || kt > CT_UUID || vt === CT.STOP || vt > CT_UUID) {
            this.fail(`invalid map types 0x${kv.toString(16)}`, kvStart);
          }
          for (let i = 0; i < n; i++) {
            this.skip(kt, true);
            this.skip(vt, true);
          }
        }
        this.#depth--;
        return;
      }
      default:
        this.fail(`invalid type ${type}`);
    }
  }
}
