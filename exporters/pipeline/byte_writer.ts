/**
 * {@linkcode ByteWriter}: the wire primitives every span protocol is written with (bytes,
 * base-128 varints, little-endian fixed-width numbers, length-prefixed UTF-8), and its two
 * implementations: {@linkcode BytesWriter}, which writes them, and {@linkcode ByteCounter},
 * which only counts them.
 *
 * A message written once against `ByteWriter` gets its exact size from the counter and its
 * bytes from the writer, so a size can never drift from the bytes (opentelemetry-js's
 * otlp-transformer does the same). Compact Thrift (Jaeger) and protobuf (OTLP) share all these
 * primitives: Thrift's zigzag is applied by its caller ({@linkcode zigzag64Hi}), protobuf's
 * field tags are varints.
 *
 * @example Size a message, then write it
 * ```ts
 * import { ByteCounter, BytesWriter, type ByteWriter } from "@spanwire/trace/exporters/pipeline";
 * import assert from "node:assert/strict";
 *
 * function message(w: ByteWriter): void {
 *   w.byte(0x0a);
 *   w.utf8("héllo");
 *   w.varint(300);
 * }
 * const counter = new ByteCounter();
 * message(counter);
 * const writer = new BytesWriter(counter.length);
 * message(writer);
 * assert.equal(writer.length, counter.length);
 * assert.deepEqual([...writer.written()], [0x0a, 6, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0xac, 0x02]);
 * ```
 *
 * @module
 */

const textEncoder = new TextEncoder();

/**
 * The primitives of a wire format. Every method appends; `length` is what was appended so far.
 *
 * @example
 * ```ts
 * import type { ByteWriter } from "@spanwire/trace/exporters/pipeline";
 *
 * function writeFlag(w: ByteWriter, on: boolean): void {
 *   w.byte(on ? 1 : 0);
 * }
 * ```
 */
export interface ByteWriter {
  /** Bytes appended so far. */
  readonly length: number;
  /**
   * One byte (the low 8 bits of `b`).
   *
   * @param b The byte.
   */
  byte(b: number): void;
  /**
   * Raw bytes.
   *
   * @param b The bytes.
   */
  bytes(b: Uint8Array): void;
  /**
   * An unsigned base-128 varint of a 32-bit value (`n >>> 0`).
   *
   * @param n The value.
   */
  varint(n: number): void;
  /**
   * An unsigned base-128 varint of the 64-bit value `hi * 2^32 + lo` (unsigned halves).
   *
   * @param hi The high 32 bits.
   * @param lo The low 32 bits.
   */
  varint64(hi: number, lo: number): void;
  /**
   * A 64-bit value as 8 little-endian bytes (protobuf `fixed64`), from its unsigned halves.
   *
   * @param hi The high 32 bits.
   * @param lo The low 32 bits.
   */
  fixed64(hi: number, lo: number): void;
  /**
   * A double as 8 little-endian bytes (Thrift compact `double`, protobuf `double`).
   *
   * @param v The number.
   */
  float64(v: number): void;
  /**
   * A string: varint of its UTF-8 byte length, then the UTF-8 bytes (lone surrogates as
   * U+FFFD, as `TextEncoder`). Thrift compact strings and protobuf strings are both this.
   *
   * @param s The string.
   */
  utf8(s: string): void;
}

/** Bytes of the varint of an unsigned 32-bit value. */
export function varintSize(n: number): number {
  n >>>= 0;
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

/** Bytes of the varint of the unsigned 64-bit value (hi, lo). */
export function varint64Size(hi: number, lo: number): number {
  hi >>>= 0;
  if (hi === 0) return varintSize(lo);
  let n = 5; // the low 35 bits
  let h = hi >>> 3;
  while (h !== 0) {
    n++;
    h >>>= 7;
  }
  return n;
}

/** UTF-8 length of `s`, lone surrogates counting as U+FFFD (3 bytes), as `TextEncoder`. */
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
      n += 2;
      if (d >= 0xdc00 && d <= 0xdfff) i++; // 4 bytes for 2 UTF-16 units
    } else {
      n += 2;
    }
  }
  return n;
}

/** The high half of the zigzag encoding of the signed 64-bit (hi, lo) (Thrift's i64). */
export function zigzag64Hi(hi: number, lo: number): number {
  return (((hi << 1) | (lo >>> 31)) ^ (hi >> 31)) >>> 0;
}

/** The low half of the zigzag encoding of the signed 64-bit (hi, lo). */
export function zigzag64Lo(hi: number, lo: number): number {
  return ((lo << 1) ^ (hi >> 31)) >>> 0;
}

/**
 * The counting {@linkcode ByteWriter}: appends nothing, counts everything.
 *
 * @example
 * ```ts
 * import { ByteCounter } from "@spanwire/trace/exporters/pipeline";
 * import assert from "node:assert/strict";
 *
 * const c = new ByteCounter();
 * c.utf8("abc");
 * c.fixed64(0, 1);
 * assert.equal(c.length, 12);
 * ```
 */
export class ByteCounter implements ByteWriter {
  /** Bytes counted so far. */
  length = 0;
  /** Forgets the count. */
  reset(): void {
    this.length = 0;
  }
  /** Counts one byte. */
  byte(_b: number): void {
    this.length++;
  }
  /** Counts raw bytes. */
  bytes(b: Uint8Array): void {
    this.length += b.length;
  }
  /** Counts a varint. */
  varint(n: number): void {
    this.length += varintSize(n);
  }
  /** Counts a 64-bit varint. */
  varint64(hi: number, lo: number): void {
    this.length += varint64Size(hi, lo);
  }
  /** Counts 8 bytes. */
  fixed64(_hi: number, _lo: number): void {
    this.length += 8;
  }
  /** Counts 8 bytes. */
  float64(_v: number): void {
    this.length += 8;
  }
  /** Counts a length-prefixed UTF-8 string. */
  utf8(s: string): void {
    const n = utf8Length(s);
    this.length += varintSize(n) + n;
  }
}

/**
 * The writing {@linkcode ByteWriter}: a growable buffer.
 *
 * @example
 * ```ts
 * import { BytesWriter } from "@spanwire/trace/exporters/pipeline";
 * import assert from "node:assert/strict";
 *
 * const w = new BytesWriter();
 * w.varint64(0, 300);
 * assert.deepEqual([...w.written()], [0xac, 0x02]);
 * ```
 */
export class BytesWriter implements ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  /** Bytes written so far. */
  length = 0;

  /**
   * Makes a writer.
   *
   * @param capacity The initial capacity in bytes (it grows as needed).
   */
  constructor(capacity = 256) {
    this.#buf = new Uint8Array(Math.max(16, capacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /**
   * The bytes written so far (a view, valid until the next write or `reset`).
   *
   * @returns The bytes.
   */
  written(): Uint8Array {
    return this.#buf.subarray(0, this.length);
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.length);
    this.length += b.length;
  }

  /** Forgets what was written (keeps the buffer). */
  reset(): void {
    this.length = 0;
  }

  #room(n: number): void {
    const need = this.length + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** Appends one byte. */
  byte(b: number): void {
    this.#room(1);
    this.#buf[this.length++] = b;
  }

  /** Appends a varint. */
  varint(n: number): void {
    this.#room(5);
    n >>>= 0;
    const b = this.#buf;
    let p = this.length;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.length = p;
  }

  /** Appends a 64-bit varint. */
  varint64(hi: number, lo: number): void {
    this.#room(10);
    let h = hi >>> 0;
    let l = lo >>> 0;
    const b = this.#buf;
    let p = this.length;
    while (h !== 0) {
      b[p++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    while (l >= 0x80) {
      b[p++] = (l & 0x7f) | 0x80;
      l >>>= 7;
    }
    b[p++] = l;
    this.length = p;
  }

  /** Appends 8 little-endian bytes. */
  fixed64(hi: number, lo: number): void {
    this.#room(8);
    this.#view.setUint32(this.length, lo >>> 0, true);
    this.#view.setUint32(this.length + 4, hi >>> 0, true);
    this.length += 8;
  }

  /** Appends a little-endian double. */
  float64(v: number): void {
    this.#room(8);
    this.#view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  /** Appends a length-prefixed UTF-8 string. */
  utf8(s: string): void {
    const n = utf8Length(s);
    this.varint(n);
    this.#room(n);
    if (n === s.length) {
      const b = this.#buf;
      const p = this.length;
      for (let i = 0; i < n; i++) b[p + i] = s.charCodeAt(i);
    } else {
      textEncoder.encodeInto(s, this.#buf.subarray(this.length, this.length + n));
    }
    this.length += n;
  }
}
