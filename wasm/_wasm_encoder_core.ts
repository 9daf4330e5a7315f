// The JS half of the "wasm" backend: walks the JaegerSpan objects once, writing the stage (the
// word stream wasm/assembly/encoder.ts documents) straight into the WASM memory, then crosses
// into WASM once for the whole batch.
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
// Strings: ASCII is written char code by char code (faster than TextEncoder.encodeInto for
// short strings); anything else goes through TextEncoder.encodeInto, so lone surrogates become
// U+FFFD exactly as the pure-TS encoder writes them. Strings that repeat are interned: each
// string position in a span ("slot": operation name, first tag key, first tag value, ...)
// remembers its last string; one seen twice in a row at its slot is copied once into the
// intern arena and from then on travels as (length, address), found by a `===` on the slot or
// a Map lookup when the slot changed. The intern table is bounded (entries and bytes) and is
// cleared when full at the start of a call.

import type { I64Parts, JaegerSpan, JaegerTag } from "../exporters/jaeger/thrift_model.ts";
import type { EncodedSpans } from "../exporters/jaeger/span_encoder_backend.ts";

/** The exports of the compiled module. */
export interface EncoderExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  encode(stage: number, count: number, ends: number, out: number): number;
}

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
/** Up to this many UTF-16 units, strings are tried as ASCII char by char. */
const ASCII_LOOP_MAX = 96;

const textEncoder = new TextEncoder();
const f64Scratch = new Float64Array(1);
const i32Scratch = new Int32Array(f64Scratch.buffer);

/** One WASM instance's encoder: the staging, its memory and its intern table. */
export interface WasmEncoderCore {
  /** Encodes the spans (one crossing into WASM); the result views the WASM memory. */
  encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans;
  /** The WASM memory's size in bytes. */
  memoryBytes(): number;
  /** The intern table: entries, bytes used, and how many times it was cleared. */
  internStats(): { entries: number; bytes: number; resets: number };
}

/** Makes the encoder over one instance of the module. */
export function createWasmEncoderCore(x: EncoderExports): WasmEncoderCore {
  const memory = x.memory;
  const encode = x.encode;
  let u8 = new Uint8Array(0);
  let i32 = new Int32Array(0);
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

  /** Per slot: the last string seen there. */
  const slotStr: (string | undefined)[] = new Array(SLOTS).fill(undefined);
  /** Per slot: the intern entry of that string, or -1 when it was staged inline. */
  const slotEntry = new Int32Array(SLOTS).fill(-1);

  /** Stage write position (word index) during a call. */
  let p = 0;
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

  /** Makes room for `words` more stage words. */
  function room(words: number): void {
    if (p + words > capWords) ensureBytes((p + words) * 4);
  }

  function resetIntern(): void {
    resets++;
    internMap.clear();
    entries = 0;
    internTop = internBase;
    slotStr.fill(undefined);
    slotEntry.fill(-1);
  }

  /** Stages an i64 as (hi, lo); room must have been made for 2 words. */
  function i64(v: number | bigint | I64Parts): void {
    if (typeof v === "object") {
      i32[p] = v.hi;
      i32[p + 1] = v.lo;
    } else if (typeof v === "number") {
      if ((v | 0) === v) {
        i32[p] = v >> 31;
        i32[p + 1] = v;
      } else {
        if (!Number.isInteger(v) || v < -TWO_63 || v >= TWO_63) {
          throw new RangeError(`Cannot encode i64: ${v} is not an integer in [-2^63, 2^63)`);
        }
        i32[p] = Math.floor(v / TWO_32);
        i32[p + 1] = v >>> 0;
      }
    } else {
      const u = BigInt.asUintN(64, v);
      i32[p] = Number(u >> 32n) | 0;
      i32[p + 1] = Number(u & 0xffffffffn) | 0;
    }
    p += 2;
  }

  /** Writes `s` as UTF-8 at byte address `at` (room for 3 bytes a unit); returns its length. */
  function utf8(s: string, at: number): number {
    const len = s.length;
    if (len <= ASCII_LOOP_MAX) {
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        u8[at + i] = c;
      }
      if (i === len) return len;
    }
    return textEncoder.encodeInto(s, u8.subarray(at, at + 3 * len)).written;
  }

  /** Stages a string inline: its byte length, then its bytes, padded to a word. */
  function inline(s: string): void {
    room(2 + ((3 * s.length + 3) >> 2));
    const n = utf8(s, (p + 1) << 2);
    i32[p] = n;
    p += 1 + ((n + 3) >> 2);
  }

  function ref(entry: number): void {
    room(2);
    const len = entryLen[entry]!;
    i32[p] = ~len;
    i32[p + 1] = entryAddr[entry]!;
    p += 2;
    refBytes += len;
  }

  /** Copies `s` into the intern arena; returns its entry, or -1 when it does not fit. */
  function intern(s: string): number {
    const len = s.length;
    if (len > INTERN_MAX_CHARS || entries >= INTERN_MAX_ENTRIES) return -1;
    const at = internTop;
    if (at + 3 * len + SLACK > internEnd) return -1;
    const n = utf8(s, at);
    const entry = entries++;
    entryAddr[entry] = at;
    entryLen[entry] = n;
    internTop = at + n;
    internMap.set(s, entry);
    return entry;
  }

  /** Stages a string, interned when it repeats at its slot. */
  function str(s: string): void {
    const k = slot++;
    if (k < SLOTS) {
      const e = slotEntry[k]!;
      if (s === slotStr[k]) {
        if (e >= 0) {
          ref(e);
          return;
        }
        // Seen twice in a row here: intern it if it is short and there is room.
        const entry = intern(s);
        if (entry >= 0) {
          slotEntry[k] = entry;
          ref(entry);
          return;
        }
      } else {
        slotStr[k] = s;
        if (e >= 0 || s.length <= 32) {
          // The slot held a stable string and changed, or the string is short: it may be
          // interned already (at another slot).
          const found = internMap.get(s);
          if (found !== undefined) {
            slotEntry[k] = found;
            ref(found);
            return;
          }
        }
        slotEntry[k] = -1;
      }
    }
    inline(s);
  }

  function binary(b: Uint8Array): void {
    const n = b.length;
    room(2 + ((n + 3) >> 2));
    i32[p] = n;
    u8.set(b, (p + 1) << 2);
    p += 1 + ((n + 3) >> 2);
  }

  function tagList(tags: readonly JaegerTag[]): void {
    const m = tags.length;
    room(1);
    i32[p++] = m;
    for (let i = 0; i < m; i++) {
      const tag = tags[i]!;
      str(tag.key);
      room(8);
      const vStr = tag.vStr;
      const vDouble = tag.vDouble;
      const vBool = tag.vBool;
      const vLong = tag.vLong;
      const vBinary = tag.vBinary;
      let mask = 0;
      if (vStr != null) mask |= 1;
      if (vDouble != null) mask |= 2;
      if (vBool != null) mask |= vBool ? 36 : 4;
      if (vLong != null) mask |= 8;
      if (vBinary != null) mask |= 16;
      i32[p] = tag.vType;
      i32[p + 1] = mask;
      p += 2;
      if (mask === 0) continue;
      if (vStr != null) str(vStr);
      if (vDouble != null) {
        room(2);
        f64Scratch[0] = vDouble;
        i32[p] = i32Scratch[0]!;
        i32[p + 1] = i32Scratch[1]!;
        p += 2;
      }
      if (vLong != null) {
        room(2);
        i64(vLong);
      }
      if (vBinary != null) binary(vBinary);
    }
  }

  function span(s: JaegerSpan): void {
    room(16);
    slot = 0;
    i64(s.traceIdLow);
    i64(s.traceIdHigh);
    i64(s.spanId);
    i64(s.parentSpanId);
    str(s.operationName);
    const refs = s.references;
    if (refs != null) {
      const m = refs.length;
      room(1 + 7 * m);
      i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const r = refs[i]!;
        i32[p++] = r.refType;
        i64(r.traceIdLow);
        i64(r.traceIdHigh);
        i64(r.spanId);
      }
    } else {
      room(1);
      i32[p++] = -1;
    }
    room(8);
    i32[p++] = s.flags;
    i64(s.startTime);
    i64(s.duration);
    const tags = s.tags;
    if (tags != null) {
      tagList(tags);
    } else {
      i32[p++] = -1;
    }
    const logs = s.logs;
    room(1);
    if (logs != null) {
      const m = logs.length;
      i32[p++] = m;
      for (let i = 0; i < m; i++) {
        const log = logs[i]!;
        room(2);
        i64(log.timestamp);
        tagList(log.fields);
      }
    } else {
      i32[p++] = -1;
    }
  }

  function encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans {
    if (entries >= INTERN_MAX_ENTRIES || internTop > internEnd - 1024) resetIntern();
    const n = spans.length;
    const endsBase = internEnd + SLACK;
    const stageBase = align(endsBase + 4 * n + SLACK, 8);
    ensureBytes(stageBase + 4096);
    p = stageBase >> 2;
    refBytes = 0;
    for (let i = 0; i < n; i++) span(spans[i]!);
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

  ensureBytes(internEnd + SLACK + 64 * 1024);
  return {
    encodeSpans,
    memoryBytes: () => memory.buffer.byteLength,
    internStats: () => ({ entries, bytes: internTop - internBase, resets }),
  };
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
