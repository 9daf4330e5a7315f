// A strict reader for the Thrift binary protocol (TBinaryProtocol, what jaeger-client for Node
// and OpenTelemetry's Jaeger exporter send to an agent's port 6832), behind the ThriftReader
// interface the emitBatch decoder shares with the compact reader. Every problem is a DecodeError
// saying what and at which offset; no read allocates more than the remaining input justifies
// (lengths and collection sizes are checked against the remaining bytes first).
//
// Strictness beyond Apache Thrift's readers:
// - a negative length or size is an error (Apache throws its own NEGATIVE_SIZE exception);
// - a bool is the byte 0 or 1;
// - an unknown type id is an error; nesting deeper than MAX_DEPTH is an error.
//
// Type ids are translated to the compact protocol's (CT), which the decoder speaks.

import { MAX_DEPTH } from "./_compact_reader.ts";
import { CT } from "./_compact_writer.ts";
import { DecodeError } from "./decode_error.ts";
import { skipStruct, type ThriftReader } from "./_thrift_reader.ts";

/** Binary-protocol type ids (TType). */
export const TT = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

/** TType -> CT (0 for an invalid TType). */
const TO_CT: readonly number[] = (() => {
  const map = new Array<number>(16).fill(0);
  map[TT.BOOL] = CT.BOOLEAN_TRUE;
  map[TT.BYTE] = CT.BYTE;
  map[TT.DOUBLE] = CT.DOUBLE;
  map[TT.I16] = CT.I16;
  map[TT.I32] = CT.I32;
  map[TT.I64] = CT.I64;
  map[TT.STRING] = CT.BINARY;
  map[TT.STRUCT] = CT.STRUCT;
  map[TT.MAP] = CT.MAP;
  map[TT.SET] = CT.SET;
  map[TT.LIST] = CT.LIST;
  return map;
})();

/** The smallest encoding of one value of each compact type, in binary bytes. */
function minSize(ct: number): number {
  switch (ct) {
    case CT.BOOLEAN_TRUE:
    case CT.BYTE:
    case CT.STRUCT: // at least its stop byte
      return 1;
    case CT.I16:
      return 2;
    case CT.I32:
    case CT.BINARY: // its length
      return 4;
    case CT.LIST:
    case CT.SET:
      return 5;
    case CT.MAP:
      return 6;
    default:
      return 8; // i64, double
  }
}

/** The version word's high half of a strict binary message (`VERSION_1`). */
export const BINARY_VERSION_1 = 0x8001;

const decoder = new TextDecoder();

/** Reads binary-protocol values from a byte array, strictly. */
export class BinaryReader implements ThriftReader {
  readonly bytes: Uint8Array;
  pos = 0;
  fieldId = 0;
  fieldBool = false;
  elemType = 0;
  #view: DataView;
  #depth = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  fail(what: string, offset: number = this.pos): never {
    throw new DecodeError(what, offset);
  }

  #need(n: number, what: string): void {
    if (this.bytes.length - this.pos < n) {
      this.fail(`truncated ${what} (${n} bytes needed, ${this.bytes.length - this.pos} left)`);
    }
  }

  /** Reads one unsigned byte. */
  readByte(what: string): number {
    this.#need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** Reads a big-endian i16. */
  readI16(what: string): number {
    this.#need(2, what);
    const v = this.#view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  readI32(what: string): number {
    this.#need(4, what);
    const v = this.#view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  readI64(what: string): bigint {
    this.#need(8, what);
    const hi = this.#view.getInt32(this.pos);
    const lo = this.#view.getUint32(this.pos + 4);
    this.pos += 8;
    if (hi >= -0x200000 && hi < 0x200000) return BigInt(hi * 0x100000000 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  readDouble(what: string): number {
    this.#need(8, `double (${what})`);
    const x = this.#view.getFloat64(this.pos);
    this.pos += 8;
    return x;
  }

  /**
   * Reads an i32 length (of a string: `unit` 0) or size (of a collection whose items take at
   * least `unit` bytes each), checked to be >= 0 and to fit the bytes left.
   */
  #readSize(what: string, unit: number): number {
    const start = this.pos;
    const noun = unit === 0 ? "length" : "size";
    const n = this.readI32(`${what} ${noun}`);
    if (n < 0) this.fail(`negative ${what} ${noun} ${n}`, start);
    if (n * Math.max(1, unit) > this.bytes.length - this.pos) {
      this.fail(
        `${what} ${noun} ${n} exceeds the ${this.bytes.length - this.pos} bytes left`,
        start,
      );
    }
    return n;
  }

  readString(what: string): string {
    const n = this.#readSize(what, 0);
    const start = this.pos;
    this.pos += n;
    return decoder.decode(this.bytes.subarray(start, start + n));
  }

  readBinary(what: string): Uint8Array {
    const n = this.#readSize(what, 0);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  #type(tt: number, offset: number, what: string): number {
    const ct = tt < 16 ? TO_CT[tt]! : 0;
    if (ct === 0) this.fail(`invalid ${what} type ${tt}`, offset);
    return ct;
  }

  #enter(): void {
    if (++this.#depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
  }

  structBegin(): void {
    this.#enter();
  }

  structEnd(): void {
    this.#depth--;
  }

  readFieldHeader(): number {
    const start = this.pos;
    const tt = this.readByte("field header");
    if (tt === TT.STOP) return CT.STOP;
    const ct = this.#type(tt, start, "field");
    this.fieldId = this.readI16("field id");
    if (ct === CT.BOOLEAN_TRUE) this.fieldBool = this.#readBool();
    return ct;
  }

  #readBool(): boolean {
    const start = this.pos;
    const b = this.readByte("bool");
    if (b > 1) this.fail(`invalid bool 0x${b.toString(16)}`, start);
    return b === 1;
  }

  readListHeader(what: string): number {
    const start = this.pos;
    const tt = this.readByte(`${what} header`);
    const ct = this.#type(tt, start, `element (${what})`);
    const n = this.#readSize(what, minSize(ct));
    this.elemType = ct;
    return n;
  }

  #skipBytes(n: number, what: string): void {
    this.#need(n, what);
    this.pos += n;
  }

  skip(type: number, inCollection: boolean): void {
    switch (type) {
      case CT.BOOLEAN_TRUE:
      case CT.BOOLEAN_FALSE:
        // A bool field's value was read with its header; an element is one byte.
        if (inCollection) this.#readBool();
        return;
      case CT.BYTE:
        this.#skipBytes(1, "byte");
        return;
      case CT.I16:
        this.#skipBytes(2, "i16");
        return;
      case CT.I32:
        this.#skipBytes(4, "i32");
        return;
      case CT.I64:
        this.#skipBytes(8, "i64");
        return;
      case CT.DOUBLE:
        this.#skipBytes(8, "double");
        return;
      case CT.BINARY: {
        const n = this.#readSize("binary", 0); // (not `pos += read()`: read advances pos)
        this.pos += n;
        return;
      }
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
        const kt = this.#type(this.readByte("map key type"), start, "map key");
        const vt = this.#type(this.readByte("map value type"), start + 1, "map value");
        const n = this.#readSize("map", minSize(kt) + minSize(vt));
        for (let i = 0; i < n; i++) {
          this.skip(kt, true);
          this.skip(vt, true);
        }
        this.#depth--;
        return;
      }
      default:
        this.fail(`invalid type ${type}`);
    }
  }
}
