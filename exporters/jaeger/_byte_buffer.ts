// The growable output buffer and the compact-Thrift primitives of the two "js" hot-path
// writers: js_span_encoder.ts (Jaeger spans) and _span_writer.ts (our Span model, fused).
// `_compact_writer.ts` (CompactWriter) is the plainer reference; all are held to Apache
// Thrift's bytes by the conformance vectors.
//
// Written for speed: module-level state (`buf`, `view`, exported as live bindings), a write
// position threaded through small functions that V8 inlines, and `SLACK` free bytes promised
// after each string so that runs of fixed-size writes need no bounds checks.
//
// Each writer owns a `ByteBuffer` (its results are views of it, valid until ITS next call, so
// the two must not share one) and selects it with `use` at the start of every top-level write;
// `grow` keeps the owner's fields up to date.

import { varint32Size } from "./_compact_writer.ts";

/** 2^32. */
export const TWO_32 = 4294967296;
/** 2^63. */
export const TWO_63 = 9223372036854775808;
/** Free bytes guaranteed before every run of fixed-size writes (the largest is < 64). */
export const SLACK = 128;

/** Up to this length a JS loop copies ASCII strings faster than `encodeInto` (measured). */
const ASCII_LOOP_MAX = 48;

const textEncoder = new TextEncoder();

/** One writer's buffer (and a view of it for doubles). */
export interface ByteBuffer {
  buf: Uint8Array;
  view: DataView;
}

/** A fresh buffer of `size` bytes. */
export function newByteBuffer(size: number): ByteBuffer {
  const b = new Uint8Array(size);
  return { buf: b, view: new DataView(b.buffer) };
}

let owner: ByteBuffer = newByteBuffer(0);
/** The buffer being written (the one `use` selected). */
export let buf: Uint8Array = owner.buf;
/** A DataView of `buf`. */
export let view: DataView = owner.view;

/** Makes `b` the buffer written to, until the next `use`. */
export function use(b: ByteBuffer): void {
  owner = b;
  buf = b.buf;
  view = b.view;
}

/** Makes sure `buf` holds at least `need` bytes, keeping the first `keep`. */
export function grow(need: number, keep: number): void {
  let cap = Math.max(buf.length * 2, 1024);
  while (cap < need) cap *= 2;
  const next = new Uint8Array(cap);
  next.set(buf.subarray(0, keep));
  buf = owner.buf = next;
  view = owner.view = new DataView(next.buffer);
}

/** Makes `n` bytes free from `p` on. */
export function room(p: number, n: number): void {
  if (p + n > buf.length) grow(p + n, p);
}

/** An unsigned 32-bit varint (the caller made room). */
export function varint(p: number, n: number): number {
  n >>>= 0;
  const b = buf;
  while (n >= 0x80) {
    b[p++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  b[p++] = n;
  return p;
}

/** A zigzag i32 (the caller made room). */
export function i32(p: number, n: number): number {
  const z = ((n << 1) ^ (n >> 31)) >>> 0;
  if (z < 0x80) {
    buf[p] = z;
    return p + 1;
  }
  return varint(p, z);
}

/** The zigzag varint of the i64 (hi, lo) (two's complement halves; the caller made room). */
export function i64Parts(p: number, hi: number, lo: number): number {
  const sign = hi >> 31;
  const zh = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  const zl = ((lo << 1) ^ sign) >>> 0;
  const b = buf;
  if (zh >= 0x80000) {
    // 51 bits or more, as random ids mostly are: unrolled. A Uint8Array store keeps the low 8
    // bits, so `x | 0x80` writes bits 0..6 of x with the continuation bit.
    b[p] = zl | 0x80;
    b[p + 1] = (zl >>> 7) | 0x80;
    b[p + 2] = (zl >>> 14) | 0x80;
    b[p + 3] = (zl >>> 21) | 0x80;
    const mid = ((zl >>> 28) | (zh << 4)) >>> 0; // bits 28..59
    b[p + 4] = mid | 0x80;
    b[p + 5] = (mid >>> 7) | 0x80;
    b[p + 6] = (mid >>> 14) | 0x80;
    const top = zh >>> 17; // bits 49..63
    if (top < 0x80) {
      b[p + 7] = top;
      return p + 8;
    }
    b[p + 7] = top | 0x80;
    const last = top >>> 7; // bits 56..63
    if (last < 0x80) {
      b[p + 8] = last;
      return p + 9;
    }
    b[p + 8] = last | 0x80;
    b[p + 9] = last >>> 7;
    return p + 10;
  }
  let h = zh;
  let l = zl;
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
  return p;
}

/** The error of an i64 `number` that is not an integer in [-2^63, 2^63). */
export function i64RangeError(v: number): RangeError {
  return new RangeError(`Cannot encode i64: ${v} is not an integer in [-2^63, 2^63)`);
}

/** An integral number in [-2^63, 2^63) as a zigzag i64 (else a RangeError, as the codec). */
export function i64Number(p: number, v: number): number {
  if ((v | 0) === v) return i32(p, v);
  if (!Number.isInteger(v) || !(v >= -TWO_63 && v < TWO_63)) throw i64RangeError(v);
  const lo = v >>> 0;
  return i64Parts(p, (v - lo) / TWO_32, lo);
}

/** A bigint as a zigzag i64, wrapped to 64 bits. */
export function i64BigInt(p: number, v: bigint): number {
  const u = BigInt.asUintN(64, v);
  return i64Parts(p, Number(u >> 32n), Number(u & 0xffffffffn));
}

/** A string: varint byte length and UTF-8; afterwards SLACK bytes are free again. */
export function str(p: number, s: string): number {
  const len = s.length;
  if (p + len * 3 + 5 + SLACK > buf.length) grow(p + len * 3 + 5 + SLACK, p);
  const b = buf;
  if (len <= ASCII_LOOP_MAX) {
    const start = p + 1;
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[start + i] = c;
    }
    if (i === len) {
      b[p] = len;
      return start + len;
    }
  }
  // Longer or non-ASCII: TextEncoder after room for the length varint of an all-ASCII string
  // (the shortest the length can be), moved forward in the rare case that it is longer.
  const reserve = varint32Size(len);
  const start = p + reserve;
  const written = textEncoder.encodeInto(s, b.subarray(start, start + len * 3)).written;
  const actual = varint32Size(written);
  if (actual !== reserve) b.copyWithin(p + actual, start, start + written);
  return varint(p, written) + written;
}

/** Binary: varint length and the bytes; afterwards SLACK bytes are free again. */
export function binary(p: number, bytes: Uint8Array): number {
  const n = bytes.length;
  room(p, n + 5 + SLACK);
  p = varint(p, n);
  buf.set(bytes, p);
  return p + n;
}

/** A list header of `size` elements of struct type (the caller made room). */
export function listHeader(p: number, size: number): number {
  if (size < 15) {
    buf[p] = (size << 4) | 0x0c;
    return p + 1;
  }
  buf[p] = 0xfc;
  return varint(p + 1, size);
}
