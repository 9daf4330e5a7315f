// The fused fast path of the "js" backend: compact-Thrift `Span` structs written straight from
// our Span model, by the mapping rules of _mapping.ts, byte for byte what `spanToJaeger` then
// `jsSpanEncoder` write (tests/exporters/jaeger/span_writer_test.ts holds it to that), but
// without building Jaeger spans, tags and id objects first: no allocation per span beyond what
// the strings need. The buffer and the compact primitives are those of _byte_buffer.ts, shared
// with js_span_encoder.ts.

import type { MetadataValue, Span } from "../../trace/span.ts";
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
import { ByteBuffer, SLACK } from "./_byte_buffer.ts";

// The tags of the span (or event) being written, collected by the mapping, and their order.
const scratch = tagScratch();
/**
 * Per sorted position, one cache for span tags and one for event fields: the value last written
 * there and its whole Tag's bytes if kept. Reset whenever the key order changes.
 */
interface SlotCache {
  order: KeyOrder;
  version: number;
  last: MetadataValue[];
  bytes: (Uint8Array | undefined)[];
  /** Per slot: whether the value changed last time (such a slot is not kept). */
  changed: boolean[];
}
function slotCache(): SlotCache {
  return { order: new KeyOrder(), version: -1, last: [], bytes: [], changed: [] };
}
const spanCache: SlotCache = slotCache();
const eventCache: SlotCache = slotCache();

/** This writer's own buffer: its results stay valid until its own next call. */
const out: ByteBuffer = new ByteBuffer(64 * 1024);

function double(p: number, v: number): number {
  out.buf[p] = 0x02; // vType DOUBLE
  out.buf[p + 1] = 0x27; // 4: vDouble
  out.view.setFloat64(p + 2, v, true);
  return p + 10;
}

/** A Tag struct: key, vType and the one value field its type names, typed by the mapping. */
function tag(p: number, key: string, value: MetadataValue): number {
  out.room(p, SLACK);
  out.buf[p] = 0x18; // 1: key
  p = out.str(p + 1, key);
  const b = out.buf;
  b[p++] = 0x15; // 2: vType
  switch (tagKindOf(value)) {
    case TagKind.STRING:
      b[p] = 0x00; // STRING
      b[p + 1] = 0x18; // 3: vStr
      p = out.str(p + 2, value as string);
      break;
    case TagKind.LONG:
      b[p] = 0x06; // LONG
      b[p + 1] = 0x46; // 6: vLong
      p = typeof value === "number"
        ? out.i64Number(p + 2, value)
        : out.i64BigInt(p + 2, value as bigint);
      break;
    case TagKind.DOUBLE:
      p = double(p, doubleOf(value));
      break;
    case TagKind.BOOL:
      b[p] = 0x04; // BOOL
      b[p + 1] = value ? 0x31 : 0x32; // 5: vBool
      p += 2;
      break;
    default:
      b[p] = 0x00;
      b[p + 1] = 0x18;
      p = out.str(p + 2, String(value));
  }
  out.buf[p] = 0; // stop (str leaves SLACK bytes free)
  return p + 1;
}

/**
 * The collected metadata, sorted by key, as tags. A slot whose value is the one written there
 * for the previous span of the same keys gets that Tag's bytes again: spans repeat most of their
 * values (a method, a status code, a component), and copying beats re-encoding. A slot whose
 * value keeps changing is simply encoded.
 */
function sortedTags(p: number, m: SlotCache, n: number): number {
  const keys = scratch.keys;
  const values = scratch.values;
  const idx = m.order.of(keys, n);
  if (m.version !== m.order.version) {
    m.version = m.order.version;
    m.last = new Array(n);
    m.bytes = new Array(n);
    m.changed = new Array(n).fill(false);
  }
  const last = m.last;
  const cached = m.bytes;
  const changed = m.changed;
  for (let i = 0; i < n; i++) {
    const j = idx[i]!;
    const value = values[j]!;
    const bytes = cached[i];
    if (bytes !== undefined && last[i] === value && typeof value !== "object") {
      const len = bytes.length;
      out.room(p, len + SLACK);
      // set() beats a byte loop even for these 20-30 bytes: 6 tags in 104 against 213 ns in
      // Node 20, 75 against 114 ns in Deno (a micro-benchmark of this copy alone).
      out.buf.set(bytes, p);
      p += len;
      continue;
    }
    const start = p;
    p = tag(p, keys[j]!, value);
    if (typeof value === "object") continue; // compared by identity: not worth keeping
    // Keep the bytes unless the value changed twice in a row (a value that differs in every
    // span, such as a request target, is not copied out for nothing).
    const same = last[i] === value;
    cached[i] = same || !changed[i] ? out.buf.slice(start, p) : undefined;
    changed[i] = !same;
    last[i] = value;
  }
  return p;
}

/** Writes the compact `Span` struct of `span` at `p` (IOx's mapping); returns the end. */
function span(p: number, s: Span): number {
  const ctx = s.ctx;
  const t = ctx.traceId;
  out.room(p, SLACK);
  const b = out.buf;
  b[p] = 0x16; // 1: traceIdLow
  p = out.i64Parts(p + 1, t.w2, t.w3);
  b[p] = 0x16; // 2: traceIdHigh
  p = out.i64Parts(p + 1, t.w0, t.w1);
  const id = ctx.spanId;
  b[p] = 0x16; // 3: spanId
  p = out.i64Parts(p + 1, id.hi, id.lo);
  const parent = ctx.parentSpanId;
  b[p++] = 0x16; // 4: parentSpanId
  if (parent === undefined) b[p++] = 0;
  else p = out.i64Parts(p, parent.hi, parent.lo);
  b[p] = 0x18; // 5: operationName
  p = out.str(p + 1, s.name);
  const links = ctx.links;
  if (links.length > 0) {
    out.buf[p] = 0x19; // 6: references
    p = out.listHeader(p + 1, links.length);
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      out.room(p, SLACK);
      const bb = out.buf;
      bb[p] = 0x15; // 1: refType
      bb[p + 1] = 0x02; // FOLLOWS_FROM (zigzag 1)
      bb[p + 2] = 0x16; // 2: traceIdLow
      p = out.i64Parts(p + 3, l.traceId.w2, l.traceId.w3);
      bb[p] = 0x16; // 3: traceIdHigh
      p = out.i64Parts(p + 1, l.traceId.w0, l.traceId.w1);
      bb[p] = 0x16; // 4: spanId
      p = out.i64Parts(p + 1, l.spanId.hi, l.spanId.lo);
      bb[p++] = 0;
    }
    out.room(p, SLACK);
    out.buf[p++] = 0x15; // 7: flags (delta 1)
  } else {
    out.buf[p++] = 0x25; // 7: flags (delta 2)
  }
  out.buf[p++] = ctx.sampled ? 0x02 : 0x00;
  const start = s.start;
  const end = s.end;
  out.buf[p] = 0x16; // 8: startTime
  p = out.i64Number(p + 1, micros(start));
  out.buf[p] = 0x16; // 9: duration
  p = out.i64Number(p + 1, durationMicros(start, end));

  // 10: tags: the metadata, status and kind tags, sorted by key (_mapping.ts).
  const n = collectSpanTags(s, scratch);
  const events = s.events;
  out.room(p, SLACK);
  if (n > 0) {
    out.buf[p] = 0x19; // 10: tags
    p = out.listHeader(p + 1, n);
    p = sortedTags(p, spanCache, n);
    if (events.length > 0) {
      out.room(p, SLACK);
      out.buf[p++] = 0x19; // 11: logs (delta 1)
    }
  } else if (events.length > 0) {
    out.buf[p++] = 0x29; // 11: logs (delta 2)
  }
  if (events.length > 0) {
    p = out.listHeader(p, events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      out.room(p, SLACK);
      out.buf[p] = 0x16; // 1: timestamp
      p = out.i64Number(p + 1, micros(e.time));
      out.buf[p] = 0x19; // 2: fields
      const m = collectMetadata(e.metadata, scratch);
      p = out.listHeader(p + 1, m + 1);
      p = tag(p, "event", e.message);
      if (m > 0) p = sortedTags(p, eventCache, m);
      out.room(p, 1);
      out.buf[p++] = 0; // Log stop
    }
  }
  out.room(p, 1);
  out.buf[p++] = 0; // Span stop
  return p;
}

/**
 * A backend's fused path: `spans[from..to)` written straight from the span model into one byte
 * buffer: span `k` of the `written` ones is `bytes[starts[k]..ends[k])` and came from
 * `spans[which[k]]`; a span that cannot be encoded (a time beyond the i64 range) is skipped and
 * passed to `onError`. The buffer is valid until the next call. `writeSpans` below is the "js"
 * one; the "wasm" backend's `writeTraceSpans` has the same contract.
 */
export type WriteSpans = (
  spans: readonly Span[],
  from: number,
  to: number,
  starts: number[],
  ends: number[],
  which: number[],
  onError: (error: unknown) => void,
) => { bytes: Uint8Array; written: number };

const write: WriteSpans = (spans, from, to, starts, ends, which, onError) => {
  let p = 0;
  let k = 0;
  for (let i = from; i < to; i++) {
    try {
      const end = span(p, spans[i]!);
      starts[k] = p;
      ends[k] = end;
      which[k] = i;
      k++;
      p = end;
    } catch (e) {
      onError(e);
    }
  }
  return { bytes: out.buf, written: k };
};

/** The "js" {@linkcode WriteSpans}, into this module's buffer. */
export const writeSpans: WriteSpans = write;

/** One span's compact `Span` struct: a view of this module's buffer, valid until its next call. */
export function encodeTraceSpan(s: Span): Uint8Array {
  return out.buf.subarray(0, span(0, s));
}
