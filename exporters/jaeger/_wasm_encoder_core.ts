// The JS half of the "wasm" backend: walks the spans once (Jaeger spans for encodeSpans; our
// Span model, mapped as exporters/jaeger/span_to_jaeger.ts maps it, for encodeTraceSpans and
// writeTraceSpans), writing the stage (the word stream wasm/assembly/encoder.ts documents)
// straight into the WASM memory, then crosses into WASM once for the whole batch. The stage
// format's numbers live in _wasm_stage.ts.
//
// The parts, each a class over the one before so that the hot paths read their state as fields
// of one object: StageBuffer (the memory, its views, the plain word writes), StringStager
// (strings, inline or as references into the InternTable, found through a per-slot memo),
// TagStager (tags, whole-tag interning by position), SpanStager (spans, and the calls into
// WASM). createWasmEncoderCore wraps one SpanStager.
//
// Memory layout (byte addresses; JS owns it, the WASM side only reads and writes where told):
//
//   [0, heapBase)                       the module's own data (none today)
//   [internBase, internBase + 64 KiB)   interned strings' UTF-8 bytes, kept across calls
//   [endsBase, endsBase + 4 n)          the span end offsets the call writes
//   [stageBase, stageEnd)               the stage of this call
//   [outBase, outBase + bound)          the compact bytes of this call
//
// Everything above the intern arena is rewritten by every call (a bump arena reset per call),
// so memory is bounded by the largest batch, never by the number of batches. Only JS grows the
// memory, and it re-takes its views after every growth.
//
// Strings: short ASCII is written char code by char code (faster than TextEncoder.encodeInto
// for short strings); anything else goes through TextEncoder.encodeInto, so lone surrogates
// become U+FFFD exactly as the pure-TS encoder writes them. Strings that repeat are interned:
// copied once into the intern arena, they then travel as (length, address) and cost no
// staging at all. Each string position in a span ("slot": the operation name, the first tag's
// key, its value, ...) remembers its last two strings, so a repeat is found by a `===` or two;
// keys (and operation names) are interned on first sight, values once they recur at their
// slot, so that values that change in every span (request targets, addresses) never fill the
// table. When a slot's string changes, a Map finds strings interned at other slots. Whole tags
// go the same way: a tag equal to the previous span's tag at the same position (same key, same
// value) is encoded once by WASM into the arena and then staged as a two-word reference. The
// intern table is bounded (entries and bytes): full, it takes nothing more during a call, and
// it is cleared at the start of the next.

import { type I64Parts, type JaegerSpan, type JaegerTag, SpanRefType } from "./thrift_model.ts";
import type { EncodedSpans } from "./span_encoder_backend.ts";
import type { WriteSpans } from "./_span_writer.ts";
import { i64RangeError } from "./_compact_writer.ts";
import { type TagFieldsWriter, tagLoader } from "./_tag_loader.ts";
import { Float, type MetadataValue, type Span } from "../../trace/span.ts";
import {
  collectMetadata,
  collectSpanTags,
  doubleOf,
  durationMicros,
  KeyOrder,
  micros,
  TagKind,
  tagKindOf,
  tagScratch,
} from "./_mapping.ts";

import {
  ABSENT,
  MASK_BINARY,
  MASK_BOOL,
  MASK_DOUBLE,
  MASK_LONG,
  MASK_STR,
  MASK_TRUE,
  stringRef,
  TAG_REF,
  V_BOOL,
  V_DOUBLE,
  V_LONG,
  V_STRING,
} from "./_wasm_stage.ts";
import type { EncoderExports } from "../../wasm/encoder_module.ts";

const PAGE = 65536;
const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
/** Bytes kept free after every region: the WASM copy reads and writes 8 bytes at a time. */
const SLACK = 16;
/** Stage words guaranteed free after `room(p)`: enough for any fixed run of writes. */
const ROOM = 32;
const FOLLOWS_FROM = SpanRefType.FOLLOWS_FROM;

// Tuning (measured; none of these changes a byte of the output):
const INTERN_BYTES = 64 * 1024;
const INTERN_MAX_ENTRIES = 4096;
/** Longest string (UTF-16 units) that may be interned. */
const INTERN_MAX_CHARS = 128;
/** String slots remembered per span position. */
const SLOTS = 256;
/** Up to this many UTF-16 units, strings are tried as ASCII char by char (measured). */
const ASCII_LOOP_MAX = 48;
/** Up to this many UTF-16 units, inline strings are tried as ASCII, four a word (measured). */
const INLINE_ASCII_MAX = 64;
/** Tag positions per span whose last tag is remembered (whole-tag interning). */
const TAG_SLOTS = 256;
/** A staged tag longer than this (words) is never interned whole. */
const TAG_INTERN_MAX_WORDS = 64;

const textEncoder = new TextEncoder();
const f64Scratch = new Float64Array(1);
const i32Scratch = new Int32Array(f64Scratch.buffer);

/** One WASM instance's encoder: the staging, its memory and its intern table. */
export interface WasmEncoderCore {
  /** Encodes the spans (one crossing into WASM); the result views the WASM memory. */
  encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans;
  /** The same bytes as `encodeSpans(spans.map(spanToJaeger))`, without making Jaeger spans. */
  encodeTraceSpans(spans: readonly Span[]): EncodedSpans;
  /** `spans[from..to)` as {@linkcode WriteSpans} says: a span that throws is skipped. */
  writeTraceSpans: WriteSpans;
  /** One span, as `encodeTraceSpans([span])`: its bytes, a view of the WASM memory. */
  encodeTraceSpan(span: Span): Uint8Array;
  /** The WASM memory's size in bytes. */
  memoryBytes(): number;
  /** The intern table: entries, bytes used, and how many times it was cleared. */
  internStats(): { entries: number; bytes: number; resets: number };
}

/** Makes the encoder over one instance of the module. */
export function createWasmEncoderCore(x: EncoderExports): WasmEncoderCore {
  const stager = new SpanStager(x);
  return {
    writeTraceSpans: stager.writeTraceSpans,
    encodeTraceSpan: (s) => stager.encodeTraceSpan(s),
    encodeSpans: (spans) => stager.encodeSpans(spans),
    encodeTraceSpans: (spans) => stager.encodeTraceSpans(spans),
    memoryBytes: () => x.memory.buffer.byteLength,
    internStats: () => stager.interned.stats(),
  };
}

// The parts, each a class over the one before (so that the hot paths read their state as
// fields of one object): StageBuffer (the memory and the word writes), StringStager (strings:
// inline, or references to the InternTable, found through the per-slot memo), TagStager (tags,
// with whole-tag interning by position), SpanStager (spans, and the calls into WASM).

/** The WASM memory, its views, and the plain stage writes (an i64, a string, bytes). */
class StageBuffer {
  u8: Uint8Array = new Uint8Array(0);
  i32: Int32Array = new Int32Array(0);
  /** Word index just past the usable memory (minus slack). */
  capWords = 0;

  constructor(readonly memory: EncoderExports["memory"]) {}

  /** Takes fresh views when the memory's buffer changed (it does on every growth). */
  refresh(): void {
    const buffer = this.memory.buffer;
    if (this.u8.buffer !== buffer || this.u8.byteLength !== buffer.byteLength) {
      this.u8 = new Uint8Array(buffer);
      this.i32 = new Int32Array(buffer);
    }
    this.capWords = ((buffer.byteLength - SLACK) >> 2) - 1;
  }

  /** Grows the memory (if needed) so that `[0, end)` plus slack is addressable. */
  ensureBytes(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end + SLACK > have) {
      const want = Math.max(end + SLACK, have * 2);
      this.memory.grow(Math.ceil((want - have) / PAGE));
    }
    this.refresh();
  }

  /** Makes `ROOM` stage words free from word `p` on. */
  room(p: number): void {
    if (p + ROOM > this.capWords) this.ensureBytes((p + ROOM) * 4);
  }

  /** Stages an i64 as (hi, lo) at word `p`; returns the next word. */
  i64(p: number, v: number | bigint | I64Parts): number {
    const i32 = this.i32;
    if (typeof v === "object") {
      i32[p] = v.hi;
      i32[p + 1] = v.lo;
    } else if (typeof v === "number") {
      if ((v | 0) === v) {
        i32[p] = v >> 31;
        i32[p + 1] = v;
      } else {
        if (!Number.isInteger(v) || v < -TWO_63 || v >= TWO_63) {
          throw i64RangeError(v);
        }
        i32[p] = Math.floor(v / TWO_32);
        i32[p + 1] = v >>> 0;
      }
    } else {
      const u = BigInt.asUintN(64, v);
      i32[p] = Number(u >> 32n) | 0;
      i32[p + 1] = Number(u & 0xffffffffn) | 0;
    }
    return p + 2;
  }

  /** Writes `s` as UTF-8 at byte address `at` (room for 3 bytes a unit); returns its length. */
  utf8(s: string, at: number): number {
    const len = s.length;
    if (len <= ASCII_LOOP_MAX) {
      const b = this.u8;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[at + i] = c;
      }
      if (i === len) return len;
    }
    return textEncoder.encodeInto(s, this.u8.subarray(at, at + 3 * len)).written;
  }

  /** Stages a string inline: its byte length, then its bytes, padded to a word. */
  inline(p: number, s: string): number {
    const len = s.length;
    const words = 1 + ((3 * len + 3) >> 2);
    if (p + words + ROOM > this.capWords) this.ensureBytes((p + words + ROOM) * 4);
    const w = this.i32;
    let n = -1;
    if (len <= INLINE_ASCII_MAX) {
      // ASCII four characters a word store; a non-ASCII unit shows in `any`, and then the
      // words written are simply overwritten by TextEncoder.
      let any = 0;
      let i = 0;
      let q = p + 1;
      for (; i + 4 <= len; i += 4) {
        const a = s.charCodeAt(i);
        const b = s.charCodeAt(i + 1);
        const c = s.charCodeAt(i + 2);
        const d = s.charCodeAt(i + 3);
        any |= a | b | c | d;
        w[q++] = a | (b << 8) | (c << 16) | (d << 24);
      }
      if (i < len) {
        let last = 0;
        for (let shift = 0; i < len; i++, shift += 8) {
          const c = s.charCodeAt(i);
          any |= c;
          last |= c << shift;
        }
        w[q] = last;
      }
      if (any < 0x80) n = len;
    }
    if (n < 0) {
      const at = (p + 1) << 2;
      n = textEncoder.encodeInto(s, this.u8.subarray(at, at + 3 * len)).written;
    }
    w[p] = n;
    return p + 1 + ((n + 3) >> 2);
  }

  /** Stages bytes inline: their length, then the bytes, padded to a word. */
  binary(p: number, b: Uint8Array): number {
    const n = b.length;
    const words = 1 + ((n + 3) >> 2);
    if (p + words + ROOM > this.capWords) this.ensureBytes((p + words + ROOM) * 4);
    this.i32[p] = n;
    this.u8.set(b, (p + 1) << 2);
    return p + words;
  }

  /** Stages a double (as two words) at word `p`. */
  f64(p: number, v: number): number {
    f64Scratch[0] = v;
    const i32 = this.i32;
    i32[p] = i32Scratch[0]!;
    i32[p + 1] = i32Scratch[1]!;
    return p + 2;
  }
}

/**
 * The intern arena and its table: strings (and whole tags, encoded by WASM) copied once into
 * `[base, end)` of the memory, kept across calls; bounded in entries and bytes.
 */
class InternTable {
  readonly base: number;
  readonly end: number;
  top: number;
  readonly map = new Map<string, number>();
  readonly addr = new Int32Array(INTERN_MAX_ENTRIES);
  readonly len = new Int32Array(INTERN_MAX_ENTRIES);
  entries = 0;
  resets = 0;

  constructor(readonly buffer: StageBuffer, heapBase: number) {
    this.base = align(heapBase + SLACK, 16);
    this.end = this.base + INTERN_BYTES;
    this.top = this.base;
  }

  /** Whether the table should be cleared before a call (full, or nearly out of bytes). */
  full(): boolean {
    return this.entries >= INTERN_MAX_ENTRIES || this.top > this.end - 1024;
  }

  clear(): void {
    this.resets++;
    this.map.clear();
    this.entries = 0;
    this.top = this.base;
  }

  /** The entry of `s`, made if needed; -1 when it cannot be interned. */
  intern(s: string): number {
    const found = this.map.get(s);
    if (found !== undefined) return found;
    const len = s.length;
    if (len > INTERN_MAX_CHARS || this.entries >= INTERN_MAX_ENTRIES) return -1;
    const at = this.top;
    if (at + 3 * len + SLACK > this.end) return -1;
    const e = this.add(at, this.buffer.utf8(s, at));
    this.map.set(s, e);
    return e;
  }

  /**
   * Encodes the tag staged at words [p, end) into the arena with `encodeTag`; its entry, or -1
   * when it cannot.
   */
  internTag(p: number, end: number, encodeTag: EncoderExports["encodeTag"]): number {
    if (end - p > TAG_INTERN_MAX_WORDS || this.entries >= INTERN_MAX_ENTRIES) return -1;
    // Bytes <= 2 x staged + referenced interned strings (each <= 3 x INTERN_MAX_CHARS).
    const at = this.top;
    if (at + 8 * (end - p) + 6 * INTERN_MAX_CHARS + 64 > this.end) return -1;
    return this.add(at, encodeTag(p << 2, at) - at);
  }

  private add(at: number, n: number): number {
    const e = this.entries++;
    this.addr[e] = at;
    this.len[e] = n;
    this.top = at + n;
    return e;
  }

  stats(): { entries: number; bytes: number; resets: number } {
    return { entries: this.entries, bytes: this.top - this.base, resets: this.resets };
  }
}

/**
 * Strings as a span stages them: each string position ("slot") remembers its last two strings
 * and their intern entries, so a repeat costs a `===` or two and stages as a reference.
 */
class StringStager extends StageBuffer {
  readonly interned: InternTable;
  /** Interned bytes referenced by this call (they add to the output bound). */
  refBytes = 0;
  /** The string slot of the next string in the current span. */
  slot = 0;
  // Per slot, the last two strings seen there and their intern entries (-1: not interned;
  // values use only the first way).
  readonly slotStr0: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly slotStr1: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  readonly slotEntry0 = new Int32Array(SLOTS).fill(-1);
  readonly slotEntry1 = new Int32Array(SLOTS).fill(-1);

  constructor(readonly x: EncoderExports) {
    super(x.memory);
    this.interned = new InternTable(this, x.heapBase());
  }

  /** Clears the intern table and everything that refers to its entries. */
  resetIntern(): void {
    this.interned.clear();
    this.slotStr0.fill(undefined);
    this.slotStr1.fill(undefined);
    this.slotEntry0.fill(-1);
    this.slotEntry1.fill(-1);
  }

  /** Stages a reference to intern entry `e`. */
  ref(p: number, e: number): number {
    const t = this.interned;
    const len = t.len[e]!;
    const i32 = this.i32;
    i32[p] = stringRef(len);
    i32[p + 1] = t.addr[e]!;
    this.refBytes += len;
    return p + 2;
  }

  /** Stages a tag key or operation name at word `p` (after `room`): interned on first sight. */
  key(p: number, s: string): number {
    const k = this.slot++;
    if (k >= SLOTS) return this.inline(p, s);
    const str0 = this.slotStr0;
    const str1 = this.slotStr1;
    const entry0 = this.slotEntry0;
    const entry1 = this.slotEntry1;
    // (A slot holds keys in some spans and values in others: an entry may be -1.)
    if (s === str0[k] && entry0[k]! >= 0) return this.ref(p, entry0[k]!);
    if (s === str1[k] && entry1[k]! >= 0) {
      // alternating keys (spans of two kinds): swap the ways
      const e = entry1[k]!;
      str1[k] = str0[k];
      entry1[k] = entry0[k]!;
      str0[k] = s;
      entry0[k] = e;
      return this.ref(p, e);
    }
    const e = this.interned.intern(s);
    if (e < 0) return this.inline(p, s); // too long, or the table is full: not remembered
    str1[k] = str0[k];
    entry1[k] = entry0[k]!;
    str0[k] = s;
    entry0[k] = e;
    return this.ref(p, e);
  }

  /** Stages a string value at word `p` (after `room`): interned once it recurs at its slot. */
  value(p: number, s: string): number {
    const k = this.slot++;
    if (k >= SLOTS) return this.inline(p, s);
    const entry0 = this.slotEntry0;
    let e = entry0[k]!;
    if (s === this.slotStr0[k]) {
      if (e < 0) {
        e = this.interned.intern(s); // seen twice in a row here
        if (e < 0) return this.inline(p, s);
        entry0[k] = e;
      }
      return this.ref(p, e);
    }
    this.slotStr0[k] = s;
    // When the slot held an interned string, this one may be interned too (at another slot).
    e = e >= 0 ? this.interned.map.get(s) ?? -1 : -1;
    entry0[k] = e;
    return e >= 0 ? this.ref(p, e) : this.inline(p, s);
  }
}

/**
 * Tags: a tag equal to the previous span's tag at the same position (the i-th tag of a span's
 * sorted metadata, then of its events' fields) is encoded once by WASM into the intern arena
 * and then staged as a two-word reference.
 */
class TagStager extends StringStager {
  /** The tag position of the next tag in the current span. */
  tagSlot = 0;
  // Per tag position (our Span model): the last key and value there, and the intern entry of
  // that whole tag (-1: none yet).
  readonly tagKey: (string | undefined)[] = new Array(TAG_SLOTS).fill(undefined);
  readonly tagValue: unknown[] = new Array(TAG_SLOTS).fill(undefined);
  readonly tagEntry = new Int32Array(TAG_SLOTS).fill(-1);
  // The same for the tags of Jaeger spans (encodeSpans): the last tag's fields at a position.
  readonly jTags: JaegerTagMemo[] = [];

  constructor(x: EncoderExports) {
    super(x);
    for (let i = 0; i < TAG_SLOTS; i++) this.jTags.push(newJaegerTagMemo());
  }

  override resetIntern(): void {
    super.resetIntern();
    this.tagKey.fill(undefined);
    this.tagValue.fill(undefined);
    this.tagEntry.fill(-1);
    for (let i = 0; i < TAG_SLOTS; i++) this.jTags[i] = newJaegerTagMemo();
  }

  /** Stages a reference to the whole-tag intern entry `e`. */
  tagRef(p: number, e: number): number {
    const t = this.interned;
    const len = t.len[e]!;
    const i32 = this.i32;
    i32[p] = TAG_REF | len;
    i32[p + 1] = t.addr[e]!;
    this.refBytes += len;
    return p + 2;
  }

  /** Encodes the tag staged at words [p, end) into the intern arena; -1 when it cannot. */
  internTag(p: number, end: number): number {
    return this.interned.internTag(p, end, this.x.encodeTag);
  }

  // ---- Jaeger tags (encodeSpans)

  /** A tag from its field values (no property loads here: see `tag`). */
  readonly tagValues: TagFieldsWriter = (p, k, vType, vStr, vDouble, vBool, vLong, vBinary) => {
    this.room(p);
    // A tag equal to the one at its position in the previous span (same key and fields, no
    // binary, no i64 object) is staged as a reference to its bytes, encoded once.
    const t = this.tagSlot++;
    if (t < TAG_SLOTS && vBinary == null && typeof vLong !== "object") {
      const c = this.jTags[t]!;
      if (
        k === c.key && vType === c.vType && vStr === c.vStr && vBool === c.vBool &&
        vLong === c.vLong && vDouble === c.vDouble &&
        (typeof vDouble !== "number" || Object.is(vDouble, c.vDouble))
      ) {
        if (c.entry >= 0) return this.tagRef(p, c.entry);
        const end = this.jaegerTagBody(
          this.key(p, k),
          vType,
          vStr,
          vDouble,
          vBool,
          vLong,
          vBinary,
        );
        const e = this.internTag(p, end);
        if (e < 0) return end;
        c.entry = e;
        return this.tagRef(p, e);
      }
      c.key = k;
      c.vType = vType;
      c.vStr = vStr;
      c.vDouble = vDouble;
      c.vBool = vBool;
      c.vLong = vLong;
      c.entry = -1;
    }
    return this.jaegerTagBody(this.key(p, k), vType, vStr, vDouble, vBool, vLong, vBinary);
  };

  /** A tag from a JaegerTag (one property loader a value type: see _tag_loader.ts). */
  readonly tag: (p: number, t: JaegerTag) => number = tagLoader(this.tagValues);

  /** A tag after its key: type, field mask and values. */
  jaegerTagBody(
    p: number,
    vType: number,
    vStr: string | undefined,
    vDouble: number | undefined,
    vBool: boolean | undefined,
    vLong: number | bigint | I64Parts | undefined,
    vBinary: Uint8Array | undefined,
  ): number {
    let mask = 0;
    if (vStr != null) mask = MASK_STR;
    if (vDouble != null) mask |= MASK_DOUBLE;
    if (vBool != null) mask |= vBool ? MASK_BOOL | MASK_TRUE : MASK_BOOL;
    if (vLong != null) mask |= MASK_LONG;
    if (vBinary != null) mask |= MASK_BINARY;
    const i32 = this.i32;
    i32[p] = vType;
    i32[p + 1] = mask;
    p += 2;
    if (mask === 0) return p;
    if (vStr != null) p = this.value(p, vStr);
    if (vDouble != null) p = this.f64(p, vDouble);
    if (vLong != null) p = this.i64(p, vLong);
    if (vBinary != null) p = this.binary(p, vBinary);
    return p;
  }

  tagList(p: number, tags: readonly JaegerTag[]): number {
    const m = tags.length;
    this.room(p);
    this.i32[p++] = m;
    const tag = this.tag;
    for (let i = 0; i < m; i++) p = tag(p, tags[i]!);
    return p;
  }

  // ---- Metadata entries as tags (our Span model), typed by the mapping (_mapping.ts)

  /** Stages a metadata entry as a tag, typed by the mapping (`tagKindOf`). */
  metaTag(p: number, k: string, v: MetadataValue): number {
    this.room(p);
    p = this.key(p, k);
    const i32 = this.i32;
    switch (tagKindOf(v)) {
      case TagKind.STRING:
        i32[p] = V_STRING;
        i32[p + 1] = MASK_STR;
        return this.value(p + 2, v as string);
      case TagKind.LONG:
        i32[p] = V_LONG;
        i32[p + 1] = MASK_LONG;
        return this.i64(p + 2, v as number | bigint);
      case TagKind.DOUBLE:
        i32[p] = V_DOUBLE;
        i32[p + 1] = MASK_DOUBLE;
        return this.f64(p + 2, doubleOf(v));
      case TagKind.BOOL:
        i32[p] = V_BOOL;
        i32[p + 1] = v ? MASK_BOOL | MASK_TRUE : MASK_BOOL;
        return p + 2;
      default:
        i32[p] = V_STRING;
        i32[p + 1] = MASK_STR;
        return this.value(p + 2, String(v));
    }
  }

  /**
   * Stages a metadata entry as a tag; a tag that repeats at its position (same key, same value,
   * as in the previous span) is encoded once into the intern arena and from then on staged as
   * a reference to its bytes.
   */
  cachedTag(p: number, k: string, v: MetadataValue): number {
    const t = this.tagSlot++;
    if (t >= TAG_SLOTS) return this.metaTag(p, k, v);
    if (k === this.tagKey[t] && sameValue(v, this.tagValue[t])) {
      let e = this.tagEntry[t]!;
      if (e >= 0) return this.tagRef(p, e);
      const end = this.metaTag(p, k, v);
      e = this.internTag(p, end);
      if (e < 0) return end;
      this.tagEntry[t] = e;
      return this.tagRef(p, e);
    }
    this.tagKey[t] = k;
    this.tagValue[t] = v;
    this.tagEntry[t] = -1;
    return this.metaTag(p, k, v);
  }
}

/** Spans (Jaeger spans, or our Span model mapped as span_to_jaeger.ts maps it), and the calls. */
class SpanStager extends TagStager {
  // The tags being staged, collected by the mapping (exporters/jaeger/_mapping.ts), and the
  // memo of their sorted order (one for span tags, one for event fields).
  readonly scratch: ReturnType<typeof tagScratch> = tagScratch();
  readonly spanSort: KeyOrder = new KeyOrder();
  readonly eventSort: KeyOrder = new KeyOrder();
  readonly span: (p: number, s: JaegerSpan) => number = (p, s) => this.jaegerSpan(p, s);
  readonly traceSpan: (p: number, s: Span) => number = (p, s) => this.modelSpan(p, s);
  readonly one: Span[] = [];

  constructor(x: EncoderExports) {
    super(x);
    this.ensureBytes(this.interned.end + SLACK + 64 * 1024);
  }

  jaegerSpan(p: number, s: JaegerSpan): number {
    this.room(p);
    this.slot = 0;
    this.tagSlot = 0;
    p = this.i64(p, s.traceIdLow);
    p = this.i64(p, s.traceIdHigh);
    p = this.i64(p, s.spanId);
    p = this.i64(p, s.parentSpanId);
    p = this.key(p, s.operationName);
    const refs = s.references;
    if (refs != null) {
      const m = refs.length;
      this.i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const r = refs[i]!;
        this.room(p);
        this.i32[p] = r.refType;
        p = this.i64(p + 1, r.traceIdLow);
        p = this.i64(p, r.traceIdHigh);
        p = this.i64(p, r.spanId);
      }
      this.room(p);
    } else {
      this.i32[p++] = ABSENT;
    }
    this.i32[p] = s.flags;
    p = this.i64(p + 1, s.startTime);
    p = this.i64(p, s.duration);
    const tags = s.tags;
    if (tags != null) {
      p = this.tagList(p, tags);
      this.room(p);
    } else {
      this.i32[p++] = ABSENT;
    }
    const logs = s.logs;
    if (logs != null) {
      const m = logs.length;
      this.i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const log = logs[i]!;
        this.room(p);
        p = this.i64(p, log.timestamp);
        p = this.tagList(p, log.fields);
      }
    } else {
      this.i32[p++] = ABSENT;
    }
    return p;
  }

  /** Stages the `n` collected entries (from index 0) sorted by key. */
  sortedTags(p: number, n: number, cache: KeyOrder): number {
    const keys = this.scratch.keys;
    const values = this.scratch.values;
    const order = cache.of(keys, n);
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      p = this.cachedTag(p, keys[j]!, values[j]!);
    }
    return p;
  }

  // Straight from our Span model: the mapping of exporters/jaeger/span_to_jaeger.ts (IOx's),
  // staged without making the Jaeger objects. The differential tests hold it to
  // `jsSpanEncoder.encodeSpans(spans.map(spanToJaeger))`, byte for byte.
  modelSpan(p: number, s: Span): number {
    this.room(p);
    this.slot = 0;
    this.tagSlot = 0;
    let i32 = this.i32;
    const ctx = s.ctx;
    const t = ctx.traceId;
    i32[p] = t.w2;
    i32[p + 1] = t.w3;
    i32[p + 2] = t.w0;
    i32[p + 3] = t.w1;
    const id = ctx.spanId;
    i32[p + 4] = id.hi;
    i32[p + 5] = id.lo;
    const parent = ctx.parentSpanId;
    if (parent === undefined) {
      i32[p + 6] = 0;
      i32[p + 7] = 0;
    } else {
      i32[p + 6] = parent.hi;
      i32[p + 7] = parent.lo;
    }
    p = this.key(p + 8, s.name);
    const links = ctx.links;
    const m = links.length;
    if (m > 0) {
      this.i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const l = links[i]!;
        this.room(p);
        i32 = this.i32;
        const lt = l.traceId;
        i32[p] = FOLLOWS_FROM;
        i32[p + 1] = lt.w2;
        i32[p + 2] = lt.w3;
        i32[p + 3] = lt.w0;
        i32[p + 4] = lt.w1;
        i32[p + 5] = l.spanId.hi;
        i32[p + 6] = l.spanId.lo;
        p += 7;
      }
      this.room(p);
    } else {
      this.i32[p++] = ABSENT;
    }
    this.i32[p] = ctx.sampled ? 1 : 0;
    p = this.i64(p + 1, micros(s.start));
    p = this.i64(p, durationMicros(s.start, s.end));

    const scratch = this.scratch;
    const n = collectSpanTags(s, scratch);
    if (n > 0) {
      this.i32[p++] = n;
      p = this.sortedTags(p, n, this.spanSort);
      this.room(p);
    } else {
      this.i32[p++] = ABSENT;
    }

    const events = s.events;
    const e = events.length;
    if (e > 0) {
      this.i32[p++] = e;
      for (let i = 0; i < e; i++) {
        const ev = events[i]!;
        this.room(p);
        p = this.i64(p, micros(ev.time));
        const n = collectMetadata(ev.metadata, scratch);
        this.i32[p] = n + 1;
        p = this.cachedTag(p + 1, "event", ev.message);
        p = this.sortedTags(p, n, this.eventSort);
      }
    } else {
      this.i32[p++] = ABSENT;
    }
    return p;
  }

  /** Clears the intern table when full; lays out a call of `n` spans; returns its stage word. */
  begin(n: number): number {
    if (this.interned.full()) this.resetIntern();
    const endsBase = this.interned.end + SLACK;
    const stageBase = align(endsBase + 4 * n + SLACK, 8);
    this.ensureBytes(stageBase + 4096);
    this.refBytes = 0;
    return stageBase >> 2;
  }

  /** Encodes the `n` spans staged from `stageWord` to `p`; the end of the output bytes. */
  finish(stageWord: number, p: number, n: number): { outBase: number; outEnd: number } {
    const stageBase = stageWord << 2;
    const stageEnd = p << 2;
    const outBase = align(stageEnd + SLACK, 8);
    this.ensureBytes(outBase + 2 * (stageEnd - stageBase) + this.refBytes + 16 * n + 64);
    const outEnd = this.x.encode(stageBase, n, this.interned.end + SLACK, outBase);
    // The WASM side never grows the memory; re-take the views anyway should anything have.
    this.refresh();
    return { outBase, outEnd };
  }

  /** Encodes what the staging function wrote for the items; the result views memory. */
  run<T>(items: readonly T[], stage: (p: number, item: T) => number): EncodedSpans {
    const n = items.length;
    const stageWord = this.begin(n);
    let p = stageWord;
    for (let i = 0; i < n; i++) p = stage(p, items[i]!);
    const { outBase, outEnd } = this.finish(stageWord, p, n);
    const endsWord = (this.interned.end + SLACK) >> 2;
    return {
      bytes: this.u8.subarray(outBase, outEnd),
      ends: this.i32.subarray(endsWord, endsWord + n),
    };
  }

  encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans {
    return this.run(spans, this.span);
  }

  encodeTraceSpans(spans: readonly Span[]): EncodedSpans {
    return this.run(spans, this.traceSpan);
  }

  /** One span, as `encodeTraceSpans([span])`: its bytes, a view of the WASM memory. */
  encodeTraceSpan(s: Span): Uint8Array {
    const one = this.one;
    one[0] = s;
    try {
      return this.run(one, this.traceSpan).bytes;
    } finally {
      one.length = 0;
    }
  }

  /** `spans[from..to)` as {@linkcode WriteSpans} says: a span that throws is skipped. */
  readonly writeTraceSpans: WriteSpans = (spans, from, to, starts, ends, which, onError) => {
    const stageWord = this.begin(Math.max(0, to - from));
    let p = stageWord;
    let k = 0;
    for (let i = from; i < to; i++) {
      try {
        p = this.modelSpan(p, spans[i]!); // on a throw, p stays: the partial stage is overwritten
        which[k++] = i;
      } catch (e) {
        onError(e);
      }
    }
    const { outBase, outEnd } = this.finish(stageWord, p, k);
    const e32 = this.i32;
    const base = (this.interned.end + SLACK) >> 2;
    let start = 0;
    for (let j = 0; j < k; j++) {
      const end = e32[base + j]!;
      starts[j] = start;
      ends[j] = end;
      start = end;
    }
    return { bytes: this.u8.subarray(outBase, outEnd), written: k };
  };
}

/**
 * Whether the metadata values `a` and `b` are sure to make the same tag bytes: equal
 * primitives (NaN never is), or Floats of the same number (and sign of zero). Other objects
 * (exported as their `String()`) never are.
 */
function sameValue(a: MetadataValue, b: unknown): boolean {
  if (a === b) return typeof a !== "object" || a === null ? a !== null && a !== undefined : false;
  return a instanceof Float && b instanceof Float && a.value === b.value &&
    Object.is(a.value, b.value);
}

/** The fields of the last Jaeger tag seen at one position, and its intern entry. */
interface JaegerTagMemo {
  key: string | undefined;
  vType: number;
  vStr: string | undefined;
  vDouble: number | undefined;
  vBool: boolean | undefined;
  vLong: number | bigint | undefined;
  entry: number;
}

function newJaegerTagMemo(): JaegerTagMemo {
  return {
    key: undefined,
    vType: 0,
    vStr: undefined,
    vDouble: undefined,
    vBool: undefined,
    vLong: undefined,
    entry: -1,
  };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
