/**
 * The pure-TypeScript encoder backend (`"js"`): Jaeger spans to compact-Thrift `Span` structs,
 * byte for byte as Apache Thrift writes them, into one reused growable buffer.
 *
 * @module
 */

import { CompactWriter } from "./_compact_writer.ts";
import { writeSpan } from "./_compact_structs.ts";
import type { EncodedSpans, SpanEncoderBackend } from "./span_encoder_backend.ts";
import type { JaegerSpan } from "./thrift_model.ts";

const writer = new CompactWriter(64 * 1024);
let ends = new Uint32Array(256);

function encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans {
  const n = spans.length;
  if (ends.length < n) {
    let cap = ends.length * 2;
    while (cap < n) cap *= 2;
    ends = new Uint32Array(cap);
  }
  const w = writer;
  w.reset();
  for (let i = 0; i < n; i++) {
    writeSpan(w, spans[i]!);
    ends[i] = w.pos;
  }
  return { bytes: w.buf.subarray(0, w.pos), ends: ends.subarray(0, n) };
}

/**
 * The pure-TypeScript {@linkcode SpanEncoderBackend} (name `"js"`). Its result is a view into
 * a buffer it reuses: valid until its next call (copy what you keep). If an i64 `number` is not
 * an integer in [-2^63, 2^63) it throws a `RangeError` (the batch encoder catches it).
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
export const jsSpanEncoder: SpanEncoderBackend = { name: "js", encodeSpans };
