// The OTLP/JSON writer of the OTLP mapping: the protobuf JSON mapping as the OTLP specification
// narrows it (lowerCamelCase keys, trace and span ids as hex, not base64; enums as numbers;
// 64-bit integers as decimal strings; NaN and infinities as strings), written as UTF-8 bytes.

import type { SpanId, TraceId } from "../../trace/ids.ts";
import type { MetadataValue } from "../../trace/span.ts";
import type { Field } from "./_fields.ts";
import { type MessageWriter, nanosText } from "./_message_writer.ts";

const textEncoder = new TextEncoder();
const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const ESCAPES: Record<number, number> = { 0x08: 98, 0x09: 116, 0x0a: 110, 0x0c: 102, 0x0d: 114 };
const MAX_DEPTH = 64;

// Container states kept per depth: whether a member was written, and whether it is a list.
const WROTE = 1;
const LIST = 2;

/** Writes OTLP/JSON bytes into a growable buffer. */
export class JsonWriter implements MessageWriter {
  /** The buffer; bytes `[0, pos)` are written. */
  buf: Uint8Array;
  /** The write position. */
  pos = 0;
  #state = 0;
  /** Where the gap is (see `gap`), or -1. */
  gapAt = -1;
  readonly #stack = new Uint8Array(MAX_DEPTH);
  #depth = 0;

  constructor(size = 1024) {
    this.buf = new Uint8Array(size);
  }

  /** Forgets what was written (keeps the buffer). */
  reset(): void {
    this.pos = 0;
    this.#state = 0;
    this.#depth = 0;
    this.gapAt = -1;
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
  }

  #ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A separator if needed, then `"key":` (outside a list; nothing at the top level). */
  #member(f: Field): void {
    this.#room(f.key.length + 4);
    const state = this.#state;
    if (state & WROTE) this.buf[this.pos++] = 44; // ,
    this.#state = state | WROTE;
    if (state & LIST || this.#depth === 0) return;
    this.buf[this.pos++] = 34;
    this.#ascii(f.key);
    this.buf[this.pos++] = 34;
    this.buf[this.pos++] = 58;
  }

  #quotedAscii(s: string): void {
    this.#room(s.length + 2);
    this.buf[this.pos++] = 34;
    this.#ascii(s);
    this.buf[this.pos++] = 34;
  }

  #hexWord(word: number): void {
    const b = this.buf;
    let p = this.pos;
    for (let shift = 28; shift >= 0; shift -= 4) b[p++] = HEX[(word >>> shift) & 15]!;
    this.pos = p;
  }

  traceId(f: Field, id: TraceId): void {
    this.#member(f);
    this.#room(34);
    this.buf[this.pos++] = 34;
    this.#hexWord(id.w0);
    this.#hexWord(id.w1);
    this.#hexWord(id.w2);
    this.#hexWord(id.w3);
    this.buf[this.pos++] = 34;
  }

  spanId(f: Field, id: SpanId): void {
    this.#member(f);
    this.#room(18);
    this.buf[this.pos++] = 34;
    this.#hexWord(id.hi);
    this.#hexWord(id.lo);
    this.buf[this.pos++] = 34;
  }

  string(f: Field, s: string): void {
    this.#member(f);
    const n = s.length;
    // At most 6 bytes a char (\u00XX), and 3 bytes of UTF-8 a char otherwise.
    this.#room(6 * n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x20 && c < 0x80) {
        if (c === 34 || c === 92) b[p++] = 92;
        b[p++] = c;
      } else if (c < 0x20) {
        b[p++] = 92;
        const short = ESCAPES[c];
        if (short !== undefined) b[p++] = short;
        else {
          b[p++] = 117;
          b[p++] = 48;
          b[p++] = 48;
          b[p++] = HEX[c >>> 4]!;
          b[p++] = HEX[c & 15]!;
        }
      } else {
        // A run of non-ASCII characters (surrogate pairs stay together) as UTF-8.
        let j = i + 1;
        while (j < n && s.charCodeAt(j) >= 0x80) j++;
        p += textEncoder.encodeInto(s.slice(i, j), b.subarray(p)).written;
        i = j - 1;
      }
    }
    b[p++] = 34;
    this.pos = p;
  }

  enumValue(f: Field, value: number): void {
    this.#member(f);
    const text = String(value);
    this.#room(text.length);
    this.#ascii(text);
  }

  timeMicros(f: Field, micros: number): void {
    this.#member(f);
    this.#quotedAscii(nanosText(micros));
  }

  int(f: Field, value: number): void {
    this.#member(f);
    this.#quotedAscii(String(value));
  }

  bigint(f: Field, value: bigint): void {
    this.#member(f);
    this.#quotedAscii(String(value));
  }

  double(f: Field, value: number): void {
    this.#member(f);
    if (Number.isFinite(value)) {
      const text = String(value);
      this.#room(text.length);
      this.#ascii(text);
    } else {
      this.#quotedAscii(Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
  }

  bool(f: Field, value: boolean): void {
    this.#member(f);
    this.#room(5);
    this.#ascii(value ? "true" : "false");
  }

  #push(next: number, byte: number): void {
    if (this.#depth >= MAX_DEPTH) throw new RangeError("Cannot write OTLP: nested too deep");
    this.#room(1);
    this.buf[this.pos++] = byte;
    this.#stack[this.#depth++] = this.#state;
    this.#state = next;
  }

  #pop(byte: number): void {
    this.#room(1);
    this.buf[this.pos++] = byte;
    this.#state = this.#stack[--this.#depth]!;
  }

  root(): void {
    this.#push(0, 123);
  }

  endRoot(): void {
    this.#pop(125);
  }

  open(f: Field): void {
    this.#member(f);
    this.#push(0, 123);
  }

  close(): void {
    this.#pop(125);
  }

  openList(f: Field): void {
    this.#member(f);
    this.#push(LIST, 91);
  }

  closeList(): void {
    this.#pop(93);
  }

  gap(_length: number): void {
    this.gapAt = this.pos;
  }

  /** Writes a bare `,` (a span element's separator: it follows the frame's first element). */
  comma(): void {
    this.#room(1);
    this.buf[this.pos++] = 44;
  }

  chunk(bytes: Uint8Array, length: number = bytes.length): void {
    this.#room(length + 1);
    if (this.#state & WROTE) this.buf[this.pos++] = 44;
    this.#state |= WROTE;
    this.buf.set(length === bytes.length ? bytes : bytes.subarray(0, length), this.pos);
    this.pos += length;
  }

  replay(_f: Field, _key: string, _value: MetadataValue): boolean {
    return false;
  }

  mark(): number {
    return -1;
  }

  remember(_f: Field, _key: string, _value: MetadataValue, _mark: number): void {}
}
