// The JS half of the "wasm" backend: walks the spans once (Jaeger spans for encodeSpans; our
// Span model, mapped as exporters/jaeger/span_to_jaeger.ts maps it, for encodeTraceSpans and
// writeTraceSpans), writing the stage (the word stream wasm/assembly/encoder.ts documents)
// straight into the WASM memory, then crosses into WASM once for the whole batch.
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

import type { I64Parts, JaegerSpan, JaegerTag } from "./thrift_model.ts";
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
/** The first word of a whole-tag reference: this | byte length. */
/** Stage words guaranteed free after `room(p)`: enough for any fixed run of writes. */
const ROOM = 32;

/** The tag key holding the status message (as exporters/jaeger/span_to_jaeger.ts). */

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
  const memory = x.memory;
  const encode = x.encode;
  let u8: Uint8Array = new Uint8Array(0);
  let i32: Int32Array = new Int32Array(0);
  /** Word index just past the usable memory (minus slack). */
  let capWords = 0;

  const internBase = align(x.heapBase() + SLACK, 16);
  const internEnd = internBase + INTERN_BYTES;
  let internTop = internBase;
  const internMap = new Map<string, number>();
  const entryAddr = new Int32Array(INTERN_MAX_ENTRIES);
  const entryLen = new Int32Array(INTERN_MAX_ENTRIES);
  let entries = 0;
  let resets = 0;

  // Per slot, the last two strings seen there and their intern entries (-1: not interned;
  // values use only the first way).
  const slotStr0: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  const slotStr1: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  const slotEntry0 = new Int32Array(SLOTS).fill(-1);
  const slotEntry1 = new Int32Array(SLOTS).fill(-1);

  // Per tag position (the i-th tag of a span's sorted metadata, then of its events' fields):
  // the last key and value there, and the intern entry of that whole tag (-1: none yet).
  const tagKey: (string | undefined)[] = new Array(TAG_SLOTS).fill(undefined);
  const tagValue: unknown[] = new Array(TAG_SLOTS).fill(undefined);
  const tagEntry = new Int32Array(TAG_SLOTS).fill(-1);
  /** The tag position of the next tag in the current span. */
  let tagSlot = 0;
  // The same for the tags of Jaeger spans (encodeSpans): the last tag's fields at a position.
  const jTags: JaegerTagMemo[] = [];
  for (let i = 0; i < TAG_SLOTS; i++) jTags.push(newJaegerTagMemo());

  /** Interned bytes referenced by this call (they add to the output bound). */
  let refBytes = 0;
  /** The string slot of the next string in the current span. */
  let slot = 0;

  /** Takes fresh views when the memory's buffer changed (it does on every growth). */
  function refresh(): void {
    const buffer = memory.buffer;
    if (u8.buffer !== buffer || u8.byteLength !== buffer.byteLength) {
      u8 = new Uint8Array(buffer);
      i32 = new Int32Array(buffer);
    }
    capWords = ((buffer.byteLength - SLACK) >> 2) - 1;
  }

  /** Grows the memory (if needed) so that `[0, end)` plus slack is addressable. */
  function ensureBytes(end: number): void {
    const have = memory.buffer.byteLength;
    if (end + SLACK > have) {
      const want = Math.max(end + SLACK, have * 2);
      memory.grow(Math.ceil((want - have) / PAGE));
    }
    refresh();
  }

  /** Makes `ROOM` stage words free from word `p` on. */
  function room(p: number): void {
    if (p + ROOM > capWords) ensureBytes((p + ROOM) * 4);
  }

  function resetIntern(): void {
    resets++;
    internMap.clear();
    entries = 0;
    internTop = internBase;
    slotStr0.fill(undefined);
    slotStr1.fill(undefined);
    slotEntry0.fill(-1);
    slotEntry1.fill(-1);
    tagKey.fill(undefined);
    tagValue.fill(undefined);
    tagEntry.fill(-1);
    for (let i = 0; i < TAG_SLOTS; i++) jTags[i] = newJaegerTagMemo();
  }

  /** Stages an i64 as (hi, lo) at word `p`; returns the next word. */
  function i64(p: number, v: number | bigint | I64Parts): number {
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
  function utf8(s: string, at: number): number {
    const len = s.length;
    if (len <= ASCII_LOOP_MAX) {
      const b = u8;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[at + i] = c;
      }
      if (i === len) return len;
    }
    return textEncoder.encodeInto(s, u8.subarray(at, at + 3 * len)).written;
  }

  /** Stages a string inline: its byte length, then its bytes, padded to a word. */
  function inline(p: number, s: string): number {
    const len = s.length;
    const words = 1 + ((3 * len + 3) >> 2);
    if (p + words + ROOM > capWords) ensureBytes((p + words + ROOM) * 4);
    let n = -1;
    if (len <= INLINE_ASCII_MAX) {
      // ASCII four characters a word store; a non-ASCII unit shows in `any`, and then the
      // words written are simply overwritten by TextEncoder.
      const w = i32;
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
      n = textEncoder.encodeInto(s, u8.subarray(at, at + 3 * len)).written;
    }
    i32[p] = n;
    return p + 1 + ((n + 3) >> 2);
  }

  /** Stages a reference to intern entry `e`. */
  function ref(p: number, e: number): number {
    const len = entryLen[e]!;
    i32[p] = ~len;
    i32[p + 1] = entryAddr[e]!;
    refBytes += len;
    return p + 2;
  }

  /** The intern entry of `s`, made if needed; -1 when it cannot be interned. */
  function intern(s: string): number {
    const found = internMap.get(s);
    if (found !== undefined) return found;
    const len = s.length;
    if (len > INTERN_MAX_CHARS || entries >= INTERN_MAX_ENTRIES) return -1;
    const at = internTop;
    if (at + 3 * len + SLACK > internEnd) return -1;
    const n = utf8(s, at);
    const e = entries++;
    entryAddr[e] = at;
    entryLen[e] = n;
    internTop = at + n;
    internMap.set(s, e);
    return e;
  }

  /** Stages a tag key or operation name at word `p` (after `room`): interned on first sight. */
  function key(p: number, s: string): number {
    const k = slot++;
    if (k >= SLOTS) return inline(p, s);
    // (A slot holds keys in some spans and values in others: an entry may be -1.)
    if (s === slotStr0[k] && slotEntry0[k]! >= 0) return ref(p, slotEntry0[k]!);
    if (s === slotStr1[k] && slotEntry1[k]! >= 0) {
      // alternating keys (spans of two kinds): swap the ways
      const e = slotEntry1[k]!;
      slotStr1[k] = slotStr0[k];
      slotEntry1[k] = slotEntry0[k]!;
      slotStr0[k] = s;
      slotEntry0[k] = e;
      return ref(p, e);
    }
    const e = intern(s);
    if (e < 0) return inline(p, s); // too long, or the table is full: not remembered
    slotStr1[k] = slotStr0[k];
    slotEntry1[k] = slotEntry0[k]!;
    slotStr0[k] = s;
    slotEntry0[k] = e;
    return ref(p, e);
  }

  /** Stages a string value at word `p` (after `room`): interned once it recurs at its slot. */
  function value(p: number, s: string): number {
    const k = slot++;
    if (k >= SLOTS) return inline(p, s);
    let e = slotEntry0[k]!;
    if (s === slotStr0[k]) {
      if (e < 0) {
        e = intern(s); // seen twice in a row here
        if (e < 0) return inline(p, s);
        slotEntry0[k] = e;
      }
      return ref(p, e);
    }
    slotStr0[k] = s;
    // When the slot held an interned string, this one may be interned too (at another slot).
    e = e >= 0 ? internMap.get(s) ?? -1 : -1;
    slotEntry0[k] = e;
    return e >= 0 ? ref(p, e) : inline(p, s);
  }

  function binary(p: number, b: Uint8Array): number {
    const n = b.length;
    const words = 1 + ((n + 3) >> 2);
    if (p + words + ROOM > capWords) ensureBytes((p + words + ROOM) * 4);
    i32[p] = n;
    u8.set(b, (p + 1) << 2);
    return p + words;
  }

  /** A tag from its field values (no property loads here: see `tag`). */
  const tagValues: TagFieldsWriter = (p, k, vType, vStr, vDouble, vBool, vLong, vBinary) => {
    room(p);
    // A tag equal to the one at its position in the previous span (same key and fields, no
    // binary, no i64 object) is staged as a reference to its bytes, encoded once.
    const t = tagSlot++;
    if (t < TAG_SLOTS && vBinary == null && typeof vLong !== "object") {
      const c = jTags[t]!;
      if (
        k === c.key && vType === c.vType && vStr === c.vStr && vBool === c.vBool &&
        vLong === c.vLong && vDouble === c.vDouble &&
        (typeof vDouble !== "number" || Object.is(vDouble, c.vDouble))
      ) {
        if (c.entry >= 0) return tagRef(p, c.entry);
        const end = jaegerTagBody(key(p, k), vType, vStr, vDouble, vBool, vLong, vBinary);
        const e = internTag(p, end);
        if (e < 0) return end;
        c.entry = e;
        return tagRef(p, e);
      }
      c.key = k;
      c.vType = vType;
      c.vStr = vStr;
      c.vDouble = vDouble;
      c.vBool = vBool;
      c.vLong = vLong;
      c.entry = -1;
    }
    return jaegerTagBody(key(p, k), vType, vStr, vDouble, vBool, vLong, vBinary);
  };

  /** A tag after its key: type, field mask and values. */
  function jaegerTagBody(
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
    i32[p] = vType;
    i32[p + 1] = mask;
    p += 2;
    if (mask === 0) return p;
    if (vStr != null) p = value(p, vStr);
    if (vDouble != null) {
      f64Scratch[0] = vDouble;
      i32[p] = i32Scratch[0]!;
      i32[p + 1] = i32Scratch[1]!;
      p += 2;
    }
    if (vLong != null) p = i64(p, vLong);
    if (vBinary != null) p = binary(p, vBinary);
    return p;
  }

  /** A tag from a JaegerTag (one property loader a value type: see _tag_loader.ts). */
  const tag = tagLoader(tagValues);

  function tagList(p: number, tags: readonly JaegerTag[]): number {
    const m = tags.length;
    room(p);
    i32[p++] = m;
    for (let i = 0; i < m; i++) p = tag(p, tags[i]!);
    return p;
  }

  function span(p: number, s: JaegerSpan): number {
    room(p);
    slot = 0;
    tagSlot = 0;
    p = i64(p, s.traceIdLow);
    p = i64(p, s.traceIdHigh);
    p = i64(p, s.spanId);
    p = i64(p, s.parentSpanId);
    p = key(p, s.operationName);
    const refs = s.references;
    if (refs != null) {
      const m = refs.length;
      i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const r = refs[i]!;
        room(p);
        i32[p] = r.refType;
        p = i64(p + 1, r.traceIdLow);
        p = i64(p, r.traceIdHigh);
        p = i64(p, r.spanId);
      }
      room(p);
    } else {
      i32[p++] = ABSENT;
    }
    i32[p] = s.flags;
    p = i64(p + 1, s.startTime);
    p = i64(p, s.duration);
    const tags = s.tags;
    if (tags != null) {
      p = tagList(p, tags);
      room(p);
    } else {
      i32[p++] = ABSENT;
    }
    const logs = s.logs;
    if (logs != null) {
      const m = logs.length;
      i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const log = logs[i]!;
        room(p);
        p = i64(p, log.timestamp);
        p = tagList(p, log.fields);
      }
    } else {
      i32[p++] = ABSENT;
    }
    return p;
  }

  // ---- Straight from our Span model: the mapping of exporters/jaeger/span_to_jaeger.ts
  // (IOx's), staged without making the Jaeger objects. The differential tests hold it to
  // `jsSpanEncoder.encodeSpans(spans.map(spanToJaeger))`, byte for byte.

  // The tags being staged, collected by the mapping (exporters/jaeger/_mapping.ts), and the
  // memo of their sorted order (one for span tags, one for event fields).
  const scratch = tagScratch();
  const metaKeys = scratch.keys;
  const metaValues = scratch.values;

  /** Stages a metadata entry as a tag, typed by the mapping (`tagKindOf`). */
  function metaTag(p: number, k: string, v: MetadataValue): number {
    room(p);
    p = key(p, k);
    switch (tagKindOf(v)) {
      case TagKind.STRING:
        i32[p] = V_STRING;
        i32[p + 1] = MASK_STR;
        return value(p + 2, v as string);
      case TagKind.LONG:
        i32[p] = V_LONG;
        i32[p + 1] = MASK_LONG;
        return i64(p + 2, v as number | bigint);
      case TagKind.DOUBLE:
        return doubleTag(p, doubleOf(v));
      case TagKind.BOOL:
        i32[p] = V_BOOL;
        i32[p + 1] = v ? MASK_BOOL | MASK_TRUE : MASK_BOOL;
        return p + 2;
      default:
        i32[p] = V_STRING;
        i32[p + 1] = MASK_STR;
        return value(p + 2, String(v));
    }
  }

  function doubleTag(p: number, v: number): number {
    i32[p] = V_DOUBLE;
    i32[p + 1] = MASK_DOUBLE;
    f64Scratch[0] = v;
    i32[p + 2] = i32Scratch[0]!;
    i32[p + 3] = i32Scratch[1]!;
    return p + 4;
  }

  const spanSort = new KeyOrder();
  const eventSort = new KeyOrder();

  /** Stages the `n` collected entries (from index 0) sorted by key. */
  function sortedTags(p: number, n: number, cache: KeyOrder): number {
    const order = cache.of(metaKeys, n);
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      p = cachedTag(p, metaKeys[j]!, metaValues[j]!);
    }
    return p;
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

  /**
   * Stages a metadata entry as a tag; a tag that repeats at its position (same key, same value,
   * as in the previous span) is encoded once into the intern arena and from then on staged as
   * a reference to its bytes.
   */
  function cachedTag(p: number, k: string, v: MetadataValue): number {
    const t = tagSlot++;
    if (t >= TAG_SLOTS) return metaTag(p, k, v);
    if (k === tagKey[t] && sameValue(v, tagValue[t])) {
      let e = tagEntry[t]!;
      if (e >= 0) return tagRef(p, e);
      const end = metaTag(p, k, v);
      e = internTag(p, end);
      if (e < 0) return end;
      tagEntry[t] = e;
      return tagRef(p, e);
    }
    tagKey[t] = k;
    tagValue[t] = v;
    tagEntry[t] = -1;
    return metaTag(p, k, v);
  }

  function tagRef(p: number, e: number): number {
    const len = entryLen[e]!;
    i32[p] = TAG_REF | len;
    i32[p + 1] = entryAddr[e]!;
    refBytes += len;
    return p + 2;
  }

  /** Encodes the tag staged at words [p, end) into the intern arena; -1 when it cannot. */
  function internTag(p: number, end: number): number {
    if (end - p > TAG_INTERN_MAX_WORDS || entries >= INTERN_MAX_ENTRIES) return -1;
    // Bytes <= 2 x staged + referenced interned strings (each <= 3 x INTERN_MAX_CHARS).
    const at = internTop;
    if (at + 8 * (end - p) + 6 * INTERN_MAX_CHARS + 64 > internEnd) return -1;
    const n = x.encodeTag(p << 2, at) - at;
    const e = entries++;
    entryAddr[e] = at;
    entryLen[e] = n;
    internTop = at + n;
    return e;
  }

  function traceSpan(p: number, s: Span): number {
    room(p);
    slot = 0;
    tagSlot = 0;
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
    p = key(p + 8, s.name);
    const links = ctx.links;
    const m = links.length;
    if (m > 0) {
      i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const l = links[i]!;
        room(p);
        const lt = l.traceId;
        i32[p] = 1; // FOLLOWS_FROM
        i32[p + 1] = lt.w2;
        i32[p + 2] = lt.w3;
        i32[p + 3] = lt.w0;
        i32[p + 4] = lt.w1;
        i32[p + 5] = l.spanId.hi;
        i32[p + 6] = l.spanId.lo;
        p += 7;
      }
      room(p);
    } else {
      i32[p++] = ABSENT;
    }
    i32[p] = ctx.sampled ? 1 : 0;
    p = i64(p + 1, micros(s.start));
    p = i64(p, durationMicros(s.start, s.end));

    const n = collectSpanTags(s, scratch);
    if (n > 0) {
      i32[p++] = n;
      p = sortedTags(p, n, spanSort);
      room(p);
    } else {
      i32[p++] = ABSENT;
    }

    const events = s.events;
    const e = events.length;
    if (e > 0) {
      i32[p++] = e;
      for (let i = 0; i < e; i++) {
        const ev = events[i]!;
        room(p);
        p = i64(p, micros(ev.time));
        const n = collectMetadata(ev.metadata, scratch);
        i32[p] = n + 1;
        p = cachedTag(p + 1, "event", ev.message);
        p = sortedTags(p, n, eventSort);
      }
    } else {
      i32[p++] = ABSENT;
    }
    return p;
  }

  /** Encodes what the staging function wrote for the `n` items; the result views memory. */
  function run<T>(items: readonly T[], stage: (p: number, item: T) => number): EncodedSpans {
    if (entries >= INTERN_MAX_ENTRIES || internTop > internEnd - 1024) resetIntern();
    const n = items.length;
    const endsBase = internEnd + SLACK;
    const stageBase = align(endsBase + 4 * n + SLACK, 8);
    ensureBytes(stageBase + 4096);
    refBytes = 0;
    let p = stageBase >> 2;
    for (let i = 0; i < n; i++) p = stage(p, items[i]!);
    const stageEnd = p << 2;
    const outBase = align(stageEnd + SLACK, 8);
    ensureBytes(outBase + 2 * (stageEnd - stageBase) + refBytes + 16 * n + 64);
    const outEnd = encode(stageBase, n, endsBase, outBase);
    // The WASM side never grows the memory; re-take the views anyway should anything have.
    refresh();
    return {
      bytes: u8.subarray(outBase, outEnd),
      ends: i32.subarray(endsBase >> 2, (endsBase >> 2) + n),
    };
  }

  const writeTraceSpans: WriteSpans = (spans, from, to, starts, ends, which, onError) => {
    if (entries >= INTERN_MAX_ENTRIES || internTop > internEnd - 1024) resetIntern();
    const n = Math.max(0, to - from);
    const endsBase = internEnd + SLACK;
    const stageBase = align(endsBase + 4 * n + SLACK, 8);
    ensureBytes(stageBase + 4096);
    refBytes = 0;
    let p = stageBase >> 2;
    let k = 0;
    for (let i = from; i < to; i++) {
      try {
        p = traceSpan(p, spans[i]!); // on a throw, p stays: the partial stage is overwritten
        which[k++] = i;
      } catch (e) {
        onError(e);
      }
    }
    const stageEnd = p << 2;
    const outBase = align(stageEnd + SLACK, 8);
    ensureBytes(outBase + 2 * (stageEnd - stageBase) + refBytes + 16 * k + 64);
    const outEnd = encode(stageBase, k, endsBase, outBase);
    refresh();
    const e32 = i32;
    const base = endsBase >> 2;
    let start = 0;
    for (let j = 0; j < k; j++) {
      const end = e32[base + j]!;
      starts[j] = start;
      ends[j] = end;
      start = end;
    }
    return { bytes: u8.subarray(outBase, outEnd), written: k };
  };

  const one: Span[] = [];
  function encodeTraceSpan(s: Span): Uint8Array {
    one[0] = s;
    try {
      return run(one, traceSpan).bytes;
    } finally {
      one.length = 0;
    }
  }

  ensureBytes(internEnd + SLACK + 64 * 1024);
  return {
    writeTraceSpans,
    encodeTraceSpan,
    encodeSpans: (spans) => run(spans, span),
    encodeTraceSpans: (spans) => run(spans, traceSpan),
    memoryBytes: () => memory.buffer.byteLength,
    internStats: () => ({ entries, bytes: internTop - internBase, resets }),
  };
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

/** Key lists longer than this are sorted every time. */
function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
