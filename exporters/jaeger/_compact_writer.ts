// A growable byte writer for the Thrift compact protocol, byte for byte as Apache Thrift's
// `TCompactProtocol` writes (doc/specs/thrift-compact-protocol.md).
//
// 64-bit integers ({@linkcode I64}) are accepted as:
// - a `number`: any integral finite value in [-2^63, 2^63) (every safe integer, and larger
//   integral doubles, which are written exactly as the value they hold); anything else (a
//   fraction, NaN, Infinity, out of range) is a RangeError;
// - a `bigint`: wrapped to 64 bits (`BigInt.asIntN(64, v)`), so unsigned 64-bit values work;
// - {@linkcode I64Parts}: two unsigned 32-bit halves, two's complement (each half is taken
//   modulo 2^32, as `>>> 0` does).
// Numbers and parts never touch BigInt.

import type { I64, I64Parts } from "./thrift_model.ts";

/** Compact-protocol type ids (the low nibble of a field header, or of a list header). */
export const CT = {
  STOP: 0,
  BOOLEAN_TRUE: 1,
  BOOLEAN_FALSE: 2,
  BYTE: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  DOUBLE: 7,
  BINARY: 8,
  LIST: 9,
  SET: 10,
  MAP: 11,
  STRUCT: 12,
} as const;

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;

const encoder = new TextEncoder();

/** The error of an i64 `number` that is not an integer in [-2^63, 2^63) (every writer's). */
export function i64RangeError(v: number): RangeError {
  return new RangeError(`Cannot encode i64: ${v} is not an integer in [-2^63, 2^63)`);
}

/** Bytes needed for `n` (an unsigned 32-bit value) as a varint. */
export function varint32Size(n: number): number {
  n >>>= 0;
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/** Bytes needed for the zigzag varint of an {@linkcode I64}. */
export function i64Size(v: I64): number {
  if (typeof v === "number" && (v | 0) === v) {
    return varint32Size(((v << 1) ^ (v >> 31)) >>> 0);
  }
  splitI64(v);
  return zigzagPartsSize(splitHi, splitLo);
}

/** Bytes needed for the varint of the zigzag of the i64 (hi, lo). */
export function zigzagPartsSize(hi: number, lo: number): number {
  const sign = (hi >> 31) >>> 0;
  let zh = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  let zl = ((lo << 1) ^ sign) >>> 0;
  let n = 1;
  while (zh !== 0) {
    zl = ((zl >>> 7) | (zh << 25)) >>> 0;
    zh >>>= 7;
    n++;
  }
  while (zl >= 0x80) {
    zl >>>= 7;
    n++;
  }
  return n;
}

/** Bytes a string takes on the wire (length varint and UTF-8 bytes). */
export function stringSize(s: string): number {
  const n = utf8Length(s);
  return varint32Size(n) + n;
}

/** UTF-8 length of `s`, lone surrogates counting as U+FFFD (3 bytes), as TextEncoder does. */
export function utf8Length(s: string): number {
  const len = s.length;
  let n = len;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 2; // 4 bytes for 2 UTF-16 units
        i++;
      } else {
        n += 2;
      }
    } else {
      n += 2;
    }
  }
  return n;
}

let splitHi = 0;
let splitLo = 0;

/** Splits an I64 into `splitHi`/`splitLo` (unsigned 32-bit halves, two's complement). */
function splitI64(v: I64): void {
  if (typeof v === "number") {
    if (!Number.isInteger(v) || v < -TWO_63 || v >= TWO_63) {
      throw i64RangeError(v);
    }
    splitLo = v >>> 0;
    splitHi = Math.floor(v / TWO_32) >>> 0;
  } else if (typeof v === "bigint") {
    const u = BigInt.asUintN(64, v);
    splitHi = Number(u >> 32n);
    splitLo = Number(u & 0xffffffffn);
  } else {
    splitHi = v.hi >>> 0;
    splitLo = v.lo >>> 0;
  }
}

/**
 * A growable byte buffer with the compact-protocol primitives. `buf` and `pos` are public so
 * that hot loops can read them; `bytes()` is a view valid until the next write that grows.
 */
export class CompactWriter {
  /** The backing buffer (replaced when it grows). */
  buf: Uint8Array;
  /** The write position. */
  pos = 0;
  #view: DataView;
  /** The last field id of the struct being written (delta encoding). */
  lastField = 0;
  #stack: number[] = [];
  #depth = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.buf.buffer);
  }

  /** Forgets everything written (keeps the buffer). */
  reset(): void {
    this.pos = 0;
    this.lastField = 0;
    this.#depth = 0;
  }

  /** The bytes written so far, as a view into the buffer. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** Writes one byte. */
  writeByte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Writes raw bytes. */
  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Writes an unsigned 32-bit varint (`n >>> 0`). */
  writeVarint32(n: number): void {
    if (this.pos + 5 > this.buf.length) this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    n >>>= 0;
    while (n >= 0x80) {
      buf[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    buf[p++] = n;
    this.pos = p;
  }

  /** Writes an i32 (or i16) as a zigzag varint. */
  writeI32(n: number): void {
    this.writeVarint32((n << 1) ^ (n >> 31));
  }

  /** Writes the i64 whose two's-complement halves are (hi, lo) as a zigzag varint. */
  writeI64Parts(hi: number, lo: number): void {
    if (this.pos + 10 > this.buf.length) this.ensure(10);
    hi |= 0;
    const sign = hi >> 31; // 0 or -1
    let zh = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
    let zl = ((lo << 1) ^ sign) >>> 0;
    const buf = this.buf;
    let p = this.pos;
    while (zh !== 0) {
      buf[p++] = (zl & 0x7f) | 0x80;
      zl = ((zl >>> 7) | (zh << 25)) >>> 0;
      zh >>>= 7;
    }
    while (zl >= 0x80) {
      buf[p++] = (zl & 0x7f) | 0x80;
      zl >>>= 7;
    }
    buf[p++] = zl;
    this.pos = p;
  }

  /** Writes an {@linkcode I64} as a zigzag varint. */
  writeI64(v: I64): void {
    if (typeof v === "number") {
      if ((v | 0) === v) {
        this.writeVarint32((v << 1) ^ (v >> 31));
        return;
      }
      if (Number.isInteger(v) && v >= -TWO_63 && v < TWO_63) {
        const lo = v >>> 0; // v mod 2^32
        this.writeI64Parts((v - lo) / TWO_32, lo); // exact; the high half as a signed int
        return;
      }
    } else if (typeof v === "object") {
      this.writeI64Parts((v as I64Parts).hi >>> 0, (v as I64Parts).lo >>> 0);
      return;
    }
    splitI64(v);
    this.writeI64Parts(splitHi, splitLo);
  }

  /** Writes a double, 8 bytes little-endian (as the compact protocol requires). */
  writeDouble(x: number): void {
    if (this.pos + 8 > this.buf.length) this.ensure(8);
    this.#view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }

  /**
   * Writes a string: varint byte length, then UTF-8 (lone surrogates become U+FFFD, as
   * TextEncoder does).
   */
  writeString(s: string): void {
    const len = s.length;
    if (len < 128) {
      // ASCII fast path: one length byte, one byte a character.
      if (this.pos + 1 + len > this.buf.length) this.ensure(1 + len);
      const buf = this.buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = start + len;
        return;
      }
    }
    this.#writeStringSlow(s);
  }

  #writeStringSlow(s: string): void {
    const max = s.length * 3;
    const reserve = varint32Size(max);
    this.ensure(reserve + max);
    const start = this.pos + reserve;
    const { written } = encoder.encodeInto(s, this.buf.subarray(start, start + max));
    const actual = varint32Size(written);
    if (actual !== reserve) {
      this.buf.copyWithin(this.pos + actual, start, start + written);
    }
    this.writeVarint32(written);
    this.pos += written;
  }

  /** Writes binary: varint length, then the bytes. */
  writeBinary(b: Uint8Array): void {
    this.writeVarint32(b.length);
    this.writeRaw(b);
  }

  /** Writes a field header for field `id` of compact type `type` (delta or long form). */
  writeFieldHeader(type: number, id: number): void {
    const delta = id - this.lastField;
    if (delta > 0 && delta <= 15) {
      this.writeByte((delta << 4) | type);
    } else {
      this.writeByte(type);
      this.writeI32((id << 16) >> 16);
    }
    this.lastField = id;
  }

  /** Writes a bool field: the value is the header's type (1 = true, 2 = false). */
  writeBoolField(id: number, value: boolean): void {
    this.writeFieldHeader(value ? CT.BOOLEAN_TRUE : CT.BOOLEAN_FALSE, id);
  }

  /** Writes a list (or set) header. */
  writeListHeader(elemType: number, size: number): void {
    if (size < 15) {
      this.writeByte((size << 4) | elemType);
    } else {
      this.writeByte(0xf0 | elemType);
      this.writeVarint32(size);
    }
  }

  /** Starts a nested struct: saves the field-id state. */
  structBegin(): void {
    this.#stack[this.#depth++] = this.lastField;
    this.lastField = 0;
  }

  /** Ends a nested struct: writes the stop byte and restores the field-id state. */
  structEnd(): void {
    this.writeByte(CT.STOP);
    this.lastField = this.#stack[--this.#depth] ?? 0;
  }
}
