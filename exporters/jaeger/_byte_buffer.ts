// The growable output buffer and the compact-Thrift primitives of the two "js" hot-path
// writers: js_span_encoder.ts (Jaeger spans) and _span_writer.ts (our Span model, fused).
// `_compact_writer.ts` (CompactWriter) is the plainer reference; all are held to Apache
// Thrift's bytes by the conformance vectors.
//
// Written for speed: a write position threaded through small methods that V8 inlines (one
// class, so every call site sees one shape), and `SLACK` free bytes promised after each string
// so that runs of fixed-size writes need no bounds checks. (Module-level `export let buf` live
// bindings were measured first: reading an imported binding in the writers' loops cost ~25% on
// the fused writer; a field of a module-level instance costs nothing measurable.)

import { i64RangeError, varint32Size } from "./_compact_writer.ts";

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
/** Free bytes guaranteed before every run of fixed-size writes (the largest is < 64). */
export const SLACK = 128;

/**
 * Up to this length a JS loop copies ASCII strings faster than `encodeInto` (measured on the
 * standard span, whose request target is ~70 characters: this beats 48 by ~10% on both
 * writers). At most 127: the fast path writes the length as one varint byte.
 */
const ASCII_LOOP_MAX = 127;

const textEncoder = new TextEncoder();

/**
 * One writer's growable buffer and the compact primitives writing into it at a position `p`
 * (each returns the position after what it wrote). Each writer owns one: its results are views
 * of it, valid until ITS next call.
 */
export class ByteBuffer {
  /** The bytes. */
  buf: Uint8Array;
  /** A DataView of `buf` (for doubles). */
  view: DataView;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes sure `buf` holds at least `need` bytes, keeping the first `keep`. */
  grow(need: number, keep: number): void {
    let cap = Math.max(this.buf.length * 2, 1024);
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, keep));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Makes `n` bytes free from `p` on. */
  room(p: number, n: number): void {
    if (p + n > this.buf.length) this.grow(p + n, p);
  }

  /** An unsigned 32-bit varint (the caller made room). */
  varint(p: number, n: number): number {
    n >>>= 0;
    const b = this.buf;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    return p;
  }

  /** A zigzag i32 (the caller made room). */
  i32(p: number, n: number): number {
    const z = ((n << 1) ^ (n >> 31)) >>> 0;
    if (z < 0x80) {
      this.buf[p] = z;
      return p + 1;
    }
    return this.varint(p, z);
  }

  /** The zigzag varint of the i64 (hi, lo) (two's complement halves; the caller made room). */
  i64Parts(p: number, hi: number, lo: number): number {
    const sign = hi >> 31;
    const zh = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
    const zl = ((lo << 1) ^ sign) >>> 0;
    const b = this.buf;
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

  /**
   * An integral number (the caller checked: a fraction writes garbage) as a zigzag i64; out of
   * [-2^63, 2^63) (or NaN) a RangeError, as the codec.
   */
  i64Number(p: number, v: number): number {
    if ((v | 0) === v) return this.i32(p, v);
    if (!(v >= -TWO_63 && v < TWO_63)) throw i64RangeError(v);
    const lo = v >>> 0;
    return this.i64Parts(p, (v - lo) / TWO_32, lo);
  }

  /** A bigint as a zigzag i64, wrapped to 64 bits. */
  i64BigInt(p: number, v: bigint): number {
    const u = BigInt.asUintN(64, v);
    return this.i64Parts(p, Number(u >> 32n), Number(u & 0xffffffffn));
  }

  /** A string: varint byte length and UTF-8; afterwards SLACK bytes are free again. */
  str(p: number, s: string): number {
    const len = s.length;
    if (p + len * 3 + 5 + SLACK > this.buf.length) this.grow(p + len * 3 + 5 + SLACK, p);
    const b = this.buf;
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
    return this.varint(p, written) + written;
  }

  /** Binary: varint length and the bytes; afterwards SLACK bytes are free again. */
  binary(p: number, bytes: Uint8Array): number {
    const n = bytes.length;
    this.room(p, n + 5 + SLACK);
    p = this.varint(p, n);
    this.buf.set(bytes, p);
    return p + n;
  }

  /** A list header of `size` elements of struct type (the caller made room). */
  listHeader(p: number, size: number): number {
    if (size < 15) {
      this.buf[p] = (size << 4) | 0x0c;
      return p + 1;
    }
    this.buf[p] = 0xfc;
    return this.varint(p + 1, size);
  }
}
