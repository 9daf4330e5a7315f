// Protobuf writers of the OTLP mapping: ProtoWriter writes the bytes, ProtoSizer (its
// byte-counting twin, same interface) counts them. Length-delimited fields are written in one
// pass: a one-byte length is reserved and the body is moved right afterwards in the rare case
// (a body of 128 bytes or more) where the length needs more bytes; the result is the canonical
// (minimal varint) encoding that ProtoSizer counts. A message written first after
// `resetWithHeadroom()` (one span, as the pipeline encodes it) never moves: its tag and length
// move left into the headroom instead, and its bytes start at `begin`.

import type { SpanId, TraceId } from "../../trace/ids.ts";
import { Float, type MetadataValue } from "../../trace/span.ts";
import { utf8Length, varint64Size, varintSize } from "../pipeline/byte_writer.ts";
import type { Field } from "./_fields.ts";
import { bigintWords, int64Words, type MessageWriter, nanosWords } from "./_message_writer.ts";

const textEncoder = new TextEncoder();
const MAX_DEPTH = 64;
/** Bytes left free before a top-level message by `resetWithHeadroom` (a length of 4 more bytes). */
const HEADROOM = 4;

/**
 * Strings of at least this many UTF-16 units are written by `TextEncoder.encodeInto`, shorter
 * ones by a loop over their chars: one call costs what the loop costs for some 30 (Node) to 55
 * (Deno) chars, and little more after. Fresh ASCII strings (bench/string_write_bench.mjs, ns,
 * loop against encodeInto): 48 chars 196/238 on Deno 2.9.6, 258/161 on Node 20; 64 chars 243/187
 * and 323/164; 96 chars 348/199 and 444/169.
 */
const ENCODE_INTO_FROM = 56;

/** Keys whose `KeyValue` bytes a ProtoWriter keeps at most. */
const MAX_KEPT_KEYS = 256;
/** The longest `KeyValue` body kept. */
const MAX_KEPT_BYTES = 96;
/** After this many changes of a key's value, the key's new values are no longer kept. */
const MAX_CHANGES = 4;

/** The bytes of a `KeyValue` element (after its tag) last written for a key. */
interface Kept {
  value: MetadataValue;
  bytes: Uint8Array | undefined;
  changes: number;
}

/** Whether two metadata values encode alike (numbers by `Object.is`, floats by value). */
function sameValue(a: MetadataValue, b: MetadataValue): boolean {
  if (a === b) return typeof a !== "number" || Object.is(a, b);
  if (a instanceof Float && b instanceof Float) return Object.is(a.value, b.value);
  return typeof a === "number" && Object.is(a, b); // NaN
}

/** Writes a 32-bit word big-endian (ids are raw big-endian bytes). */
function putWord(b: Uint8Array, p: number, word: number): void {
  b[p] = word >>> 24;
  b[p + 1] = (word >>> 16) & 0xff;
  b[p + 2] = (word >>> 8) & 0xff;
  b[p + 3] = word & 0xff;
}

/** Writes protobuf bytes into a growable buffer. */
export class ProtoWriter implements MessageWriter {
  /** The buffer; bytes `[0, pos)` are written. */
  buf: Uint8Array;
  #view: DataView;
  /** The write position. */
  pos = 0;
  /** Where the bytes written begin (0, or after `resetWithHeadroom`, where its message begins). */
  begin = 0;
  /** The length byte of the message that may move left into the headroom, or -1. */
  #floating = -1;
  /**
   * `KeyValue` bodies by key, written again when the key comes with the same value (most
   * attributes repeat: methods, status codes, components), so their bytes are copied rather
   * than encoded again. A key whose value keeps changing (a URL, a peer address) is no longer
   * kept after `MAX_CHANGES` changes; it costs a lookup and a comparison.
   */
  readonly #kept = new Map<string, Kept>();
  readonly #starts = new Int32Array(MAX_DEPTH);
  #depth = 0;
  readonly #words: number[] = [0, 0];
  /** Where the gap is (see `gap`), or -1. */
  gapAt = -1;
  #gapLen = 0;

  constructor(size = 1024) {
    this.buf = new Uint8Array(size);
    this.#view = new DataView(this.buf.buffer);
  }

  /** Forgets what was written (keeps the buffer). */
  reset(): void {
    this.pos = 0;
    this.begin = 0;
    this.#floating = -1;
    this.#depth = 0;
    this.gapAt = -1;
    this.#gapLen = 0;
  }

  /**
   * Forgets what was written and leaves headroom before the next message, so that its length
   * prefix, however long, never moves its body: its bytes are `buf[begin, pos)`.
   */
  resetWithHeadroom(): void {
    this.reset();
    this.pos = HEADROOM;
    this.begin = HEADROOM;
  }

  /** A copy of the bytes written. */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(this.begin, this.pos);
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

  /** A field tag (one byte for every field of OTLP's traces but `flags`). */
  #tag(t: number): void {
    if (t < 0x80) this.buf[this.pos++] = t;
    else this.#varint(t);
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
    const gapInside = this.gapAt > start;
    const len = this.pos - start - 1 + (gapInside ? this.#gapLen : 0);
    if (len < 0x80) {
      this.buf[start] = len;
      return;
    }
    const extra = varintSize(len) - 1;
    if (start === this.#floating) {
      // The first message after resetWithHeadroom(): its tag moves left instead of its body.
      const b = this.buf;
      const from = this.begin;
      this.begin = from - extra;
      b.copyWithin(from - extra, from, start);
      this.#varintAt(start - extra, len);
      return;
    }
    this.#room(extra);
    this.buf.copyWithin(start + 1 + extra, start + 1, this.pos);
    if (gapInside) this.gapAt += extra;
    this.#varintAt(start, len);
    this.pos += extra;
  }

  /** Writes the varint of `n` at `at`, leaving the write position where it was. */
  #varintAt(at: number, n: number): void {
    const end = this.pos;
    this.pos = at;
    this.#varint(n);
    this.pos = end;
  }

  traceId(f: Field, id: TraceId): void {
    this.#room(22);
    this.#tag(f.tag);
    const b = this.buf;
    const p = this.pos;
    b[p] = 16;
    putWord(b, p + 1, id.w0);
    putWord(b, p + 5, id.w1);
    putWord(b, p + 9, id.w2);
    putWord(b, p + 13, id.w3);
    this.pos = p + 17;
  }

  spanId(f: Field, id: SpanId): void {
    this.#room(14);
    this.#tag(f.tag);
    const b = this.buf;
    const p = this.pos;
    b[p] = 8;
    putWord(b, p + 1, id.hi);
    putWord(b, p + 5, id.lo);
    this.pos = p + 9;
  }

  string(f: Field, s: string): void {
    const n = s.length;
    this.#room(6 + 3 * n);
    this.#tag(f.tag);
    const start = this.pos;
    const b = this.buf;
    let p = start + 1;
    if (n >= ENCODE_INTO_FROM) {
      // A long string: the runtime's encoder, in one call, beats a loop of charCodeAt.
      this.pos = p + textEncoder.encodeInto(s, b.subarray(p)).written;
      this.#patch(start);
      return;
    }
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      b[p++] = c;
    }
    if (i === n && n < 0x80) {
      // ASCII and short (nearly every string): the length is the length in chars, one byte.
      b[start] = n;
      this.pos = p;
      return;
    }
    if (i < n) {
      p += textEncoder.encodeInto(s.slice(i), b.subarray(p)).written;
    }
    this.pos = p;
    this.#patch(start);
  }

  enumValue(f: Field, value: number): void {
    this.#room(10);
    this.#tag(f.tag);
    this.#varint(value);
  }

  timeMicros(f: Field, micros: number): void {
    const w = this.#words;
    nanosWords(micros, w);
    this.#room(13);
    this.#tag(f.tag);
    const v = this.#view;
    v.setUint32(this.pos, w[0]!, true);
    v.setUint32(this.pos + 4, w[1]!, true);
    this.pos += 8;
  }

  int(f: Field, value: number): void {
    this.#room(15);
    this.#tag(f.tag);
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
    this.#tag(f.tag);
    this.#varint64(w[0]!, w[1]!);
  }

  double(f: Field, value: number): void {
    this.#room(13);
    this.#tag(f.tag);
    this.#view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bool(f: Field, value: boolean): void {
    this.#room(6);
    this.#tag(f.tag);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  open(f: Field): void {
    if (this.#depth >= MAX_DEPTH) throw new RangeError("Cannot write OTLP: nested too deep");
    this.#room(6);
    const top = this.#depth === 0 && this.pos === this.begin && this.begin === HEADROOM;
    this.#tag(f.tag);
    if (top) this.#floating = this.pos;
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

  gap(length: number): void {
    this.gapAt = this.pos;
    this.#gapLen = length;
  }

  chunk(bytes: Uint8Array, length: number = bytes.length): void {
    this.#room(length);
    this.buf.set(length === bytes.length ? bytes : bytes.subarray(0, length), this.pos);
    this.pos += length;
  }

  replay(f: Field, key: string, value: MetadataValue): boolean {
    const kept = this.#kept.get(key);
    if (kept === undefined) return false;
    const src = kept.bytes;
    if (src === undefined || !sameValue(kept.value, value)) return false;
    const n = src.length;
    this.#room(n + 5);
    this.#tag(f.tag);
    this.buf.set(src, this.pos);
    this.pos += n;
    return true;
  }

  mark(): number {
    return this.pos;
  }

  remember(f: Field, key: string, value: MetadataValue, mark: number): void {
    let kept = this.#kept.get(key);
    if (kept === undefined) {
      if (this.#kept.size >= MAX_KEPT_KEYS) return;
      kept = { value, bytes: undefined, changes: 0 };
      this.#kept.set(key, kept);
    } else {
      if (kept.changes >= MAX_CHANGES) return;
      kept.changes++;
      kept.value = value;
    }
    const from = mark + varintSize(f.tag);
    const keepable = typeof value !== "object" || value instanceof Float;
    kept.bytes = keepable && this.pos - from <= MAX_KEPT_BYTES && this.gapAt < mark
      ? this.buf.slice(from, this.pos)
      : undefined;
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
    this.size += varintSize(f.tag) + 17;
  }

  spanId(f: Field, _id: SpanId): void {
    this.size += varintSize(f.tag) + 9;
  }

  string(f: Field, value: string): void {
    const len = utf8Length(value);
    this.size += varintSize(f.tag) + varintSize(len) + len;
  }

  enumValue(f: Field, value: number): void {
    this.size += varintSize(f.tag) + varintSize(value);
  }

  timeMicros(f: Field, _micros: number): void {
    this.size += varintSize(f.tag) + 8;
  }

  int(f: Field, value: number): void {
    const w = this.#words;
    int64Words(value, w);
    this.size += varintSize(f.tag) + varint64Size(w[1]!, w[0]!);
  }

  bigint(f: Field, value: bigint): void {
    const w = this.#words;
    bigintWords(value, w);
    this.size += varintSize(f.tag) + varint64Size(w[1]!, w[0]!);
  }

  double(f: Field, _value: number): void {
    this.size += varintSize(f.tag) + 8;
  }

  bool(f: Field, _value: boolean): void {
    this.size += varintSize(f.tag) + 1;
  }

  open(f: Field): void {
    if (this.#depth >= MAX_DEPTH) throw new RangeError("Cannot write OTLP: nested too deep");
    this.size += varintSize(f.tag);
    this.#starts[this.#depth++] = this.size;
  }

  close(): void {
    const len = this.size - this.#starts[--this.#depth]!;
    this.size += varintSize(len);
  }

  root(): void {}

  endRoot(): void {}

  openList(_f: Field): void {}

  closeList(): void {}

  gap(length: number): void {
    this.size += length;
  }

  chunk(bytes: Uint8Array, length: number = bytes.length): void {
    this.size += length;
  }

  replay(_f: Field, _key: string, _value: MetadataValue): boolean {
    return false;
  }

  mark(): number {
    return -1;
  }

  remember(_f: Field, _key: string, _value: MetadataValue, _mark: number): void {}
}
