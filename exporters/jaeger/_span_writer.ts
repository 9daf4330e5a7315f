// The fused fast path of the "js" backend: compact-Thrift `Span` structs written straight from
// our Span model, with the mapping of span_to_jaeger.ts, byte for byte what `spanToJaeger` then
// `jsSpanEncoder` write (tests/exporters/jaeger/span_writer_test.ts holds it to that), but
// without building Jaeger spans, tags and id objects first: no allocation per span beyond what
// the strings need. The buffer and the compact primitives are those of _byte_buffer.ts, shared
// with js_span_encoder.ts.

import { Float, type MetadataValue, type Span } from "../../trace/span.ts";
import { STATUS_DESCRIPTION_TAG } from "./span_to_jaeger.ts";
import { ByteBuffer, SLACK } from "./_byte_buffer.ts";

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

// Metadata of the span being written, in insertion order, then the sorted order.
const keys: string[] = [];
const values: MetadataValue[] = [];
let count = 0;
// The last key sequence and its sorted order, one memo for span tags and one for event fields
// (spans of one kind repeat their keys, and so do their events).
interface Memo {
  keys: string[];
  order: number[];
  /** Per sorted slot: the value last written there, and its whole Tag's bytes if kept. */
  last: MetadataValue[];
  bytes: (Uint8Array | undefined)[];
  /** Per slot: whether the value changed last time (such a slot is not kept). */
  changed: boolean[];
}
function memo(): Memo {
  return { keys: [], order: [], last: [], bytes: [], changed: [] };
}
const spanMemo: Memo = memo();
const eventMemo: Memo = memo();

function collect(value: MetadataValue, key: string): void {
  keys[count] = key;
  values[count] = value;
  count++;
}

/** The order (indices into keys/values) sorting the collected keys, stable. */
function order(memo: Memo): number[] {
  const n = count;
  const last = memo.keys;
  if (last.length === n) {
    let i = 0;
    while (i < n && keys[i] === last[i]) i++;
    if (i === n) return memo.order;
  }
  const idx: number[] = new Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 1; i < n; i++) {
    const x = idx[i]!;
    const k = keys[x]!;
    let j = i - 1;
    while (j >= 0 && keys[idx[j]!]! > k) {
      idx[j + 1] = idx[j]!;
      j--;
    }
    idx[j + 1] = x;
  }
  memo.keys = keys.slice(0, n);
  memo.order = idx;
  memo.last = new Array(n);
  memo.bytes = new Array(n);
  memo.changed = new Array(n).fill(false);
  return idx;
}

/** This writer's own buffer: its results stay valid until its own next call. */
const out: ByteBuffer = new ByteBuffer(64 * 1024);

function double(p: number, v: number): number {
  out.buf[p] = 0x02; // vType DOUBLE
  out.buf[p + 1] = 0x27; // 4: vDouble
  out.view.setFloat64(p + 2, v, true);
  return p + 10;
}

/** A Tag struct: key, vType and the one value field its type names, typed as metadata. */
function tag(p: number, key: string, value: MetadataValue): number {
  out.room(p, SLACK);
  out.buf[p] = 0x18; // 1: key
  p = out.str(p + 1, key);
  const b = out.buf;
  b[p++] = 0x15; // 2: vType
  switch (typeof value) {
    case "string":
      b[p] = 0x00; // STRING
      b[p + 1] = 0x18; // 3: vStr
      p = out.str(p + 2, value);
      break;
    case "number":
      if (Number.isSafeInteger(value)) {
        b[p] = 0x06; // LONG
        b[p + 1] = 0x46; // 6: vLong
        p = out.i64Number(p + 2, value);
      } else {
        p = double(p, value);
      }
      break;
    case "boolean":
      b[p] = 0x04; // BOOL
      b[p + 1] = value ? 0x31 : 0x32; // 5: vBool
      p += 2;
      break;
    case "bigint":
      if (value >= I64_MIN && value <= I64_MAX) {
        b[p] = 0x06;
        b[p + 1] = 0x46;
        p = out.i64BigInt(p + 2, value);
      } else {
        b[p] = 0x00;
        b[p + 1] = 0x18;
        p = out.str(p + 2, String(value));
      }
      break;
    default:
      if (value instanceof Float) {
        p = double(p, Number(value.value));
      } else {
        b[p] = 0x00;
        b[p + 1] = 0x18;
        p = out.str(p + 2, String(value));
      }
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
function sortedTags(p: number, m: Memo, n: number): number {
  const idx = order(m);
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
      const b = out.buf;
      for (let k = 0; k < len; k++) b[p + k] = bytes[k]!;
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
  const startOk = start !== undefined && Number.isFinite(start);
  out.buf[p] = 0x16; // 8: startTime
  p = out.i64Number(p + 1, startOk ? Math.floor(start) : 0);
  let duration = 0;
  if (startOk && end !== undefined && Number.isFinite(end)) {
    duration = Math.max(0, Math.trunc(end - start));
  }
  out.buf[p] = 0x16; // 9: duration
  p = out.i64Number(p + 1, duration);

  // 10: tags: the metadata plus the status, sorted by key.
  const metadata = s.metadata;
  const status = s.status;
  count = 0;
  metadata.forEach(collect);
  if (status !== "unknown") {
    const key = status === "ok" ? "ok" : "error";
    if (!metadata.has(key)) collect(true, key);
    const message = s.statusMessage;
    if (message !== undefined && !metadata.has(STATUS_DESCRIPTION_TAG)) {
      collect(message, STATUS_DESCRIPTION_TAG);
    }
  }
  const n = count;
  const events = s.events;
  out.room(p, SLACK);
  if (n > 0) {
    out.buf[p] = 0x19; // 10: tags
    p = out.listHeader(p + 1, n);
    p = sortedTags(p, spanMemo, n);
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
      p = out.i64Number(p + 1, Number.isFinite(e.time) ? Math.floor(e.time) : 0);
      out.buf[p] = 0x19; // 2: fields
      count = 0;
      e.metadata.forEach(collect);
      const m = count;
      p = out.listHeader(p + 1, m + 1);
      p = tag(p, "event", e.message);
      if (m > 0) p = sortedTags(p, eventMemo, m);
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
 * out.view: span `k` of the `written` ones is `bytes[starts[k]..ends[k])` and came from
 * `spans[which[k]]`; a span that cannot be encoded (a time beyond the i64 range) is skipped and
 * passed to `onError`. The out.view is valid until the next call. `writeSpans` below is the "js"
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
