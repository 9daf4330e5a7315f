/**
 * The WASM encoder backend (`"wasm"`): the compact-Thrift span encoding of the Jaeger exporter
 * run by the AssemblyScript module that `@spanwire/trace/wasm` loads. The JS half that drives it
 * (`_wasm_encoder_core.ts`: staging our spans, with the mapping of `_mapping.ts`, into the
 * module's memory) lives here, beside the other Jaeger writers; `wasm/` holds only the module
 * and its loader and imports nothing of the exporter.
 *
 * Where the module cannot load, every call falls back to the pure-TypeScript `"js"` encoder
 * (same bytes).
 *
 * @module
 */

import { loadEncoderModule } from "../../wasm/encoder_module.ts";
import type { Span } from "../../trace/span.ts";
import { jsSpanEncoder } from "./js_span_encoder.ts";
import { spanToJaeger } from "./span_to_jaeger.ts";
import type { EncodedSpans, SpanEncoderBackend } from "./span_encoder_backend.ts";
import type { JaegerSpan } from "./thrift_model.ts";
import {
  encodeTraceSpan as encodeTraceSpanJs,
  type WriteSpans,
  writeSpans,
} from "./_span_writer.ts";
import { createWasmEncoderCore, type WasmEncoderCore } from "./_wasm_encoder_core.ts";

let core: WasmEncoderCore | undefined;

/** The core over the loaded module (made once); false when running on the fallback. */
function ready(): boolean {
  if (core !== undefined) return true;
  const x = loadEncoderModule();
  if (x === undefined) return false;
  core = createWasmEncoderCore(x);
  return true;
}

function encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans {
  if (ready()) return core!.encodeSpans(spans);
  return jsSpanEncoder.encodeSpans(spans);
}

const writeTraceSpans: WriteSpans = (spans, from, to, starts, ends, which, onError) => {
  if (ready()) {
    return core!.writeTraceSpans(spans, from, to, starts, ends, which, onError);
  }
  return writeSpans(spans, from, to, starts, ends, which, onError); // the "js" fused writer
};

function encodeTraceSpan(span: Span): Uint8Array {
  if (ready()) return core!.encodeTraceSpan(span);
  return encodeTraceSpanJs(span); // the "js" fused writer
}

function encodeTraceSpans(spans: readonly Span[]): EncodedSpans {
  if (ready()) return core!.encodeTraceSpans(spans);
  return jsSpanEncoder.encodeSpans(spans.map(spanToJaeger));
}

/**
 * A {@linkcode SpanEncoderBackend} that also encodes our finished {@linkcode Span}s directly,
 * without making the Jaeger objects first.
 *
 * @example
 * ```ts
 * import { type WasmSpanEncoderBackend, wasmSpanEncoder } from "@spanwire/trace/exporters/jaeger";
 *
 * const backend: WasmSpanEncoderBackend = wasmSpanEncoder;
 * ```
 */
export interface WasmSpanEncoderBackend extends SpanEncoderBackend {
  /**
   * One span straight to its bytes (the pipeline's fast path; see
   * {@linkcode SpanEncoderBackend.encodeTraceSpan}).
   *
   * @param span A finished span.
   * @returns Its bytes, a view of the WASM memory valid until the next call.
   */
  encodeTraceSpan(span: Span): Uint8Array;
  /**
   * Encodes finished spans: the same bytes as `encodeSpans(spans.map(spanToJaeger))` (IOx's
   * mapping, see `spanToJaeger`), but without making the Jaeger spans, which is most of the
   * cost of that path. Throws where that path throws (a time beyond the i64 range).
   *
   * @param spans Finished spans.
   * @returns Their bytes and end offsets, a view valid until the next call.
   */
  encodeTraceSpans(spans: readonly Span[]): EncodedSpans;
  /**
   * Encodes `spans[from..to)` (the batch encoder's chunked fast path): the `written` spans it
   * could encode go into one byte view, span `k` being `bytes[starts[k]..ends[k])` from
   * `spans[which[k]]`; a span that cannot be encoded (a time beyond the i64 range) goes to
   * `onError` and is skipped. The bytes are those of `spanToJaeger` then `"js"`; the view is
   * valid until the next call.
   *
   * @param spans Finished spans.
   * @param from The first index.
   * @param to The index past the last.
   * @param starts Filled with each written span's start offset.
   * @param ends Filled with each written span's end offset.
   * @param which Filled with each written span's index in `spans`.
   * @param onError Called with the error of each span skipped.
   * @returns The bytes and how many spans were written.
   */
  writeTraceSpans(
    spans: readonly Span[],
    from: number,
    to: number,
    starts: number[],
    ends: number[],
    which: number[],
    onError: (error: unknown) => void,
  ): { bytes: Uint8Array; written: number };
}

/**
 * The WASM {@linkcode SpanEncoderBackend} (name `"wasm"`): byte for byte the output of the
 * `"js"` backend (and so of Apache Thrift), one crossing into WASM a batch. Its result is a
 * view into the WASM memory: valid until its next call (copy what you keep). Like `"js"`, it
 * throws a `RangeError` when an i64 `number` is not an integer in [-2^63, 2^63).
 *
 * Besides Jaeger spans ({@linkcode SpanEncoderBackend.encodeSpans}), it encodes our spans
 * directly ({@linkcode WasmSpanEncoderBackend.encodeTraceSpans}), which skips the conversion.
 *
 * @example
 * ```ts
 * import { wasmSpanEncoder } from "@spanwire/trace/exporters/jaeger";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const encoded = wasmSpanEncoder.encodeSpans([{
 *   traceIdLow: { hi: 0, lo: 1 }, traceIdHigh: 0, spanId: { hi: 0xdeadbeef, lo: 2 },
 *   parentSpanId: 0, operationName: "GET /", flags: 1, startTime: 1_700_000_000_000_000,
 *   duration: 250,
 * }]);
 * assert.equal(encoded.ends.length, 1);
 * assert.equal(encoded.ends[0], encoded.bytes.length);
 * assert.equal(encoded.bytes.at(-1), 0); // the struct's stop byte
 *
 * const span = Span.root("GET /").setMetadata("http.status_code", 200).ok();
 * const direct = wasmSpanEncoder.encodeTraceSpans([span]);
 * assert.equal(direct.ends.length, 1);
 * ```
 */
export const wasmSpanEncoder: WasmSpanEncoderBackend = {
  name: "wasm",
  encodeSpans,
  encodeTraceSpans,
  writeTraceSpans,
  encodeTraceSpan,
};
