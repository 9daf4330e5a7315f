// Protobuf writers of the OTLP mapping: ProtoWriter writes the bytes, ProtoSizer (its
// byte-counting twin, same interface) counts them. Length-delimited fields are written in one
// pass: a one-byte length is reserved and the body is moved right afterwards in the rare case
// (a body of 128 bytes or more) where the length needs more bytes; the result is the canonical
// (minimal varint) encoding that ProtoSizer counts.

import type { SpanId, TraceId } from "../../trace/ids.ts";
import type { Field } from "./_fields.ts";
import { bigintWords, int64Words, type MessageWriter, nanosWords } from "./_message_writer.ts";

const textEncoder = new TextEncoder();
const MAX_DEPTH = 64;

/** The number of bytes of an unsigned 32-bit varint. */
export function varint32Size(n: number): number {
  n >>>= 0;
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** The number of bytes of a 64-bit varint given as `[lo, hi]` halves. */
function varint64Size(lo: number, hi: number): number {
  if (hi === 0) return varint32Size(lo);
  // 32 bits of lo, then 7 bits a byte of hi shifted in at bit 32 (5 bytes hold 35 bits).
  let size = 5;
  let h = hi >>> 3;
  while (h !== 0) {
    size++;
    h >>>= 7;
  }
  return size;
}

/** The UTF-8 length of a string as TextEncoder writes it (a lone surrogate is 3 bytes). */
export function utf8Length(s: string): number {
  const n = s.length;
  let size = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) size += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        size += 2; // 4 bytes for 2 chars
        i++;
      } else size += 2;
    } else size += 2;
  }
  return size;
}

/** Writes protobuf bytes into a growable buffer. */
export class ProtoWriter implements MessageWriter {
  /** The buffer; bytes `[0, pos)` are written. */
  buf: Uint8Array;
  #view: DataView;
  /** The write position. */
  pos = 0;
  readonly #starts = new Int32Array(MAX_DEPTH);
  #depth = 0;
  readonly #words: number[] = [0, 0];

  constructor(size = 1024) {
    this.buf = new Uint8Array(size);
    this.#view = new DataView(this.buf.buffer);
  }

  /** Forgets what was written (keeps the buffer). */
  reset(): void {
    this.pos = 0;
    this.#depth = 0;
  }

  /** A copy of the bytes written. */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.pos);
  }

  #room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = Math.max(this.buf.length * 2, 1024);
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.#view = new DataView(next.buffer);
  }

  #varint(n: number): void {
    const b = this.buf;
    let p = this.pos;
    n >>>= 0;
    while (n >= 0x80) {
      b[p++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    b[p++] = n;
    this.pos = p;
  }

  #varint64(lo: number, hi: number): void {
    if (hi === 0) {
      this.#varint(lo);
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < 4; i++) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    // 28 bits written; the 5th byte holds lo's last 4 bits and hi's first 3.
    const rest = ((lo & 0x0f) | ((hi & 0x07) << 4)) >>> 0;
    hi >>>= 3;
    if (hi === 0) {
      b[p++] = rest;
      this.pos = p;
      return;
    }
    b[p++] = rest | 0x80;
    while (hi >= 0x80) {
      b[p++] = (hi & 0x7f) | 0x80;
      hi >>>= 7;
    }
    b[p++] = hi;
    this.pos = p;
  }

  /** Sets the length byte reserved at `start` to the body's length, moving the body if needed. */
  #patch(start: number): void {
    const len = this.pos - start - 1;
    if (len < 0x80) {
      this.buf[start] = len;
      return;
    }
    const extra = varint32Size(len) - 1;
    this.#room(extra);
    this.buf.copyWithin(start + 1 + extra, start + 1, this.pos);
    const end = this.pos + extra;
    this.pos = start;
    this.#varint(len);
    this.pos = end;
  }

  traceId(f: Field, id: TraceId): void {
    this.#room(22);
    this.#varint(f.tag);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 16;
    for (const word of [id.w0, id.w1, id.w2, id.w3]) {
      b[p++] = word >>> 24;
      b[p++] = (word >>> 16) & 0xff;
      b[p++] = (word >>> 8) & 0xff;
      b[p++] = word & 0xff;
    }
    this.pos = p;
  }

  spanId(f: Field, id: SpanId): void {
    this.#room(14);
    this.#varint(f.tag);
    const b = this.buf;
    let p = this.pos;
    const hi = id.hi;
    const lo = id.lo;
    b[p++] = 8;
    b[p++] = hi >>> 24;
    b[p++] = (hi >>> 16) & 0xff;
    b[p++] = (hi >>> 8) & 0xff;
    b[p++] = hi & 0xff;
    b[p++] = lo >>> 24;
    b[p++] = (lo >>> 16) & 0xff;
    b[p++] = (lo >>> 8) & 0xff;
    b[p++] = lo & 0xff;
    this.pos = p;
  }

  string(f: Field, s: string): void {
    const n = s.length;
    this.#room(6 + 3 * n);
    this.#varint(f.tag);
    const start = this.pos;
    const b = this.buf;
    let p = start + 1;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i < n) {
      p += textEncoder.encodeInto(s.slice(i), b.subarray(p)).written;
    }
    this.pos = p;
    this.#patch(start);
  }

  enumValue(f: Field, value: number): void {
    this.#room(10);
    this.#varint(f.tag);
    this.#varint(value);
  }

  timeMicros(f: Field, micros: number): void {
    const w = this.#words;
    nanosWords(micros, w);
    this.#room(13);
    this.#varint(f.tag);
    const v = this.#view;
    v.setUint32(this.pos, w[0]!, true);
    v.setUint32(this.pos + 4, w[1]!, true);
    this.pos += 8;
  }

  int(f: Field, value: number): void {
    this.#room(15);
    this.#varint(f.tag);
    if (value >= 0 && value < 0x80000000) {
      this.#varint(value);
      return;
    }
    const w = this.#words;
    int64Words(value, w);
    this.#varint64(w[0]!, w[1]!);
  }

  bigint(f: Field, value: bigint): void {
    const w = this.#words;
    bigintWords(value, w);
    this.#room(15);
    this.#varint(f.tag);
    this.#varint64(w[0]!, w[1]!);
  }

  double(f: Field, value: number): void {
    this.#room(13);
    this.#varint(f.tag);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bool(f: Field, value: boolean): void {
    this.#room(6);
    this.#varint(f.tag);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  open(f: Field): void {
    if (this.#depth >= MAX_DEPTH) throw new RangeError("Cannot write OTLP: nested too deep");
    this.#room(6);
    this.#varint(f.tag);
    this.#starts[this.#depth++] = this.pos;
    this.pos++;
  }

  close(): void {
    this.#patch(this.#starts[--this.#depth]!);
  }

  root(): void {}

  endRoot(): void {}

  openList(_f: Field): void {}

  closeList(): void {}

  chunk(bytes: Uint8Array, length: number = bytes.length): void {
    this.#room(length);
    this.buf.set(length === bytes.length ? bytes : bytes.subarray(0, length), this.pos);
    this.pos += length;
  }
}

/** Counts the protobuf bytes {@linkcode ProtoWriter} would write for the same calls. */
export class ProtoSizer implements MessageWriter {
  /** Bytes counted so far. */
  size = 0;
  readonly #starts = new Float64Array(MAX_DEPTH);
  #depth = 0;
  readonly #words: number[] = [0, 0];

  /** Starts again from 0. */
  reset(): void {
    this.size = 0;
    this.#depth = 0;
  }

  traceId(f: Field, _id: TraceId): void {
    this.size += varint32Size(f.tag) + 17;
  }

  spanId(f: Field, _id: SpanId): void {
    this.size += varint32Size(f.tag) + 9;
  }

  string(f: Field, value: string): void {
    const len = utf8Length(value);
    this.size += varint32Size(f.tag) + varint32Size(len) + len;
  }

  enumValue(f: Field, value: number): void {
    this.size += varint32Size(f.tag) + varint32Size(value);
  }

  timeMicros(f: Field, _micros: number): void {
    this.size += varint32Size(f.tag) + 8;
  }

  int(f: Field, value: number): void {
    const w = this.#words;
    int64Words(value, w);
    this.size += varint32Size(f.tag) + varint64Size(w[0]!, w[1]!);
  }

  bigint(f: Field, value: bigint): void {
    const w = this.#words;
    bigintWords(value, w);
    this.size += varint32Size(f.tag) + varint64Size(w[0]!, w[1]!);
  }

  double(f: Field, _value: number): void {
    this.size += varint32Size(f.tag) + 8;
  }

  bool(f: Field, _value: boolean): void {
    this.size += varint32Size(f.tag) + 1;
  }

  open(f: Field): void {
    if (this.#depth >= MAX_DEPTH) throw new RangeError("Cannot write OTLP: nested too deep");
    this.size += varint32Size(f.tag);
    this.#starts[this.#depth++] = this.size;
  }

  close(): void {
    const len = this.size - this.#starts[--this.#depth]!;
    this.size += varint32Size(len);
  }

  root(): void {}

  endRoot(): void {}

  openList(_f: Field): void {}

  closeList(): void {}

  chunk(bytes: Uint8Array, length: number = bytes.length): void {
    this.size += length;
  }
}
