/**
 * The pure-TypeScript encoder backend (`"js"`): Jaeger spans to compact-Thrift `Span` structs,
 * byte for byte as Apache Thrift writes them, into one reused growable buffer.
 *
 * This is the hot path of the exporter, written for speed rather than brevity: its own reused
 * buffer with the primitives of `_byte_buffer.ts` (shared with the fused writer of
 * `_span_writer.ts`), a local write position threaded through small helpers (which V8
 * inlines), constant field headers, ids from {@linkcode I64Parts} as 32-bit halves without
 * BigInt. `encodeEmitBatch` (through the struct writers over `CompactWriter`) is the plainer
 * reference; both are held to Apache Thrift's bytes by the conformance vectors.
 *
 * @module
 */

import type { EncodedSpans, SpanEncoderBackend } from "./span_encoder_backend.ts";
import type { I64, I64Parts, JaegerLog, JaegerSpan, JaegerTag } from "./thrift_model.ts";
import { ByteBuffer, SLACK } from "./_byte_buffer.ts";
import { i64RangeError } from "./_compact_writer.ts";
import { type TagFieldsWriter, tagLoader } from "./_tag_loader.ts";
import { encodeTraceSpan } from "./_span_writer.ts";

/** This encoder's own buffer: its results stay valid until its own next call. */
const out: ByteBuffer = new ByteBuffer(64 * 1024);
let ends = new Uint32Array(256);

function i64(p: number, v: I64): number {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) throw i64RangeError(v);
    return out.i64Number(p, v);
  }
  if (typeof v === "bigint") return out.i64BigInt(p, v);
  return out.i64Parts(p, (v as I64Parts).hi, (v as I64Parts).lo >>> 0);
}

/** A Tag struct from its field values (no property loads here: see `tag`). */
const tagValues: TagFieldsWriter = (p, key, vType, vStr, vDouble, vBool, vLong, vBinary) => {
  out.room(p, SLACK);
  out.buf[p] = 0x18; // 1: key (binary)
  p = out.str(p + 1, key);
  out.buf[p] = 0x15; // 2: vType (i32)
  p = out.i32(p + 1, vType);
  let last = 2;
  if (vStr != null) {
    out.buf[p] = 0x18; // 3: vStr
    p = out.str(p + 1, vStr);
    last = 3;
  }
  if (vDouble != null) {
    out.buf[p] = ((4 - last) << 4) | 0x07;
    out.view.setFloat64(p + 1, vDouble, true);
    p += 9;
    last = 4;
  }
  if (vBool != null) {
    out.buf[p++] = ((5 - last) << 4) | (vBool ? 0x01 : 0x02);
    last = 5;
  }
  if (vLong != null) {
    out.buf[p] = ((6 - last) << 4) | 0x06;
    p = i64(p + 1, vLong);
    last = 6;
  }
  if (vBinary != null) {
    out.buf[p] = ((7 - last) << 4) | 0x08;
    p = out.binary(p + 1, vBinary);
  }
  out.buf[p] = 0; // stop
  return p + 1;
};

/** A Tag struct from a JaegerTag (one property loader a value type: see _tag_loader.ts). */
const tag = tagLoader(tagValues);

function tags(p: number, list: readonly JaegerTag[]): number {
  const n = list.length;
  out.room(p, SLACK);
  p = out.listHeader(p, n);
  for (let i = 0; i < n; i++) p = tag(p, list[i]!);
  return p;
}

function log(p: number, l: JaegerLog): number {
  out.room(p, SLACK);
  out.buf[p] = 0x16; // 1: timestamp
  p = i64(p + 1, l.timestamp);
  out.buf[p] = 0x19; // 2: fields
  p = tags(p + 1, l.fields);
  out.room(p, SLACK);
  out.buf[p] = 0;
  return p + 1;
}

function span(p: number, s: JaegerSpan): number {
  out.room(p, SLACK);
  const b = out.buf;
  b[p] = 0x16; // 1: traceIdLow
  p = i64(p + 1, s.traceIdLow);
  b[p] = 0x16; // 2: traceIdHigh
  p = i64(p + 1, s.traceIdHigh);
  b[p] = 0x16; // 3: spanId
  p = i64(p + 1, s.spanId);
  b[p] = 0x16; // 4: parentSpanId
  p = i64(p + 1, s.parentSpanId);
  b[p] = 0x18; // 5: operationName
  p = out.str(p + 1, s.operationName);
  const refs = s.references;
  if (refs != null) {
    out.buf[p] = 0x19; // 6: references
    p = out.listHeader(p + 1, refs.length);
    for (let i = 0; i < refs.length; i++) {
      const r = refs[i]!;
      out.room(p, SLACK);
      out.buf[p] = 0x15; // 1: refType
      p = out.i32(p + 1, r.refType);
      out.buf[p] = 0x16; // 2: traceIdLow
      p = i64(p + 1, r.traceIdLow);
      out.buf[p] = 0x16; // 3: traceIdHigh
      p = i64(p + 1, r.traceIdHigh);
      out.buf[p] = 0x16; // 4: spanId
      p = i64(p + 1, r.spanId);
      out.buf[p++] = 0;
    }
    out.room(p, SLACK);
    out.buf[p] = 0x15; // 7: flags (delta 1 from 6)
  } else {
    out.buf[p] = 0x25; // 7: flags (delta 2 from 5)
  }
  p = out.i32(p + 1, s.flags);
  out.buf[p] = 0x16; // 8: startTime
  p = i64(p + 1, s.startTime);
  out.buf[p] = 0x16; // 9: duration
  p = i64(p + 1, s.duration);
  const t = s.tags;
  const logs = s.logs;
  if (t != null) {
    out.buf[p] = 0x19; // 10: tags
    p = tags(p + 1, t);
    if (logs != null) {
      out.room(p, SLACK);
      out.buf[p++] = 0x19; // 11: logs (delta 1 from 10)
    }
  } else if (logs != null) {
    out.buf[p++] = 0x29; // 11: logs (delta 2 from 9)
  }
  if (logs != null) {
    p = out.listHeader(p, logs.length);
    for (let i = 0; i < logs.length; i++) p = log(p, logs[i]!);
  }
  out.room(p, SLACK);
  out.buf[p] = 0; // stop
  return p + 1;
}

function encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans {
  const n = spans.length;
  if (ends.length < n) {
    let cap = ends.length * 2;
    while (cap < n) cap *= 2;
    ends = new Uint32Array(cap);
  }
  let p = 0;
  for (let i = 0; i < n; i++) {
    p = span(p, spans[i]!);
    ends[i] = p;
  }
  return { bytes: out.buf.subarray(0, p), ends: ends.subarray(0, n) };
}

/**
 * The pure-TypeScript {@linkcode SpanEncoderBackend} (name `"js"`): each span as a compact
 * `Span` struct, back to back, byte for byte as Apache Thrift writes them. Its result is a view
 * into a buffer it reuses: valid until its next call (copy what you keep). An i64 may be a
 * `number` (an integer in [-2^63, 2^63); anything else throws a `RangeError`, which the batch
 * encoder catches), a `bigint` (wrapped to 64 bits) or {@linkcode I64Parts}.
 *
 * @example
 * ```ts
 * import { jsSpanEncoder } from "@spanwire/trace/exporters/jaeger";
 * import assert from "node:assert/strict";
 *
 * const encoded = jsSpanEncoder.encodeSpans([{
 *   traceIdLow: { hi: 0, lo: 1 }, traceIdHigh: 0, spanId: { hi: 0xdeadbeef, lo: 2 },
 *   parentSpanId: 0, operationName: "GET /", flags: 1, startTime: 1_700_000_000_000_000,
 *   duration: 250,
 * }]);
 * assert.equal(encoded.ends.length, 1);
 * assert.equal(encoded.ends[0], encoded.bytes.length);
 * assert.equal(encoded.bytes.at(-1), 0); // the struct's stop byte
 * ```
 */
export const jsSpanEncoder: SpanEncoderBackend = { name: "js", encodeSpans, encodeTraceSpan };
