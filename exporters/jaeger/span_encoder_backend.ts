/**
 * The encoding backend seam of the Jaeger exporter: a backend turns Jaeger spans into their
 * compact-Thrift `Span` struct bytes, one call per batch. The pure-TypeScript backend (`"js"`)
 * is the reference; the WASM backend (`"wasm"`) is the fast path. The `BatchEncoder` packs the
 * bytes into `emitBatch` packets.
 *
 * @module
 */

import type { Span } from "../../trace/span.ts";
import type { JaegerSpan } from "./thrift_model.ts";

/**
 * The spans of one {@linkcode SpanEncoderBackend.encodeSpans} call, encoded back to back.
 *
 * @example Slice out span `i`
 * ```ts
 * import type { EncodedSpans } from "@spanwire/trace/exporters/jaeger";
 *
 * function spanBytes(encoded: EncodedSpans, i: number): Uint8Array {
 *   const start = i === 0 ? 0 : encoded.ends[i - 1]!;
 *   return encoded.bytes.subarray(start, encoded.ends[i]!);
 * }
 * ```
 */
export interface EncodedSpans {
  /**
   * The compact-Thrift `Span` structs (each ending with its stop byte), back to back. It may
   * be a view into the backend's memory, valid only until the backend's next call: copy what
   * you keep.
   */
  readonly bytes: Uint8Array;
  /** `ends[i]` is the offset in `bytes` just past span `i`; span `i` starts at `ends[i - 1]` (or 0). */
  readonly ends: ArrayLike<number>;
}

/**
 * Encodes Jaeger spans as compact-Thrift `Span` structs, byte for byte as Apache Thrift's
 * `TCompactProtocol` writes them.
 *
 * @example
 * ```ts
 * import type { JaegerSpan, SpanEncoderBackend } from "@spanwire/trace/exporters/jaeger";
 *
 * function totalBytes(backend: SpanEncoderBackend, spans: JaegerSpan[]): number {
 *   return backend.encodeSpans(spans).bytes.length;
 * }
 * ```
 */
export interface SpanEncoderBackend {
  /** The backend's name: `"js"` or `"wasm"`. */
  readonly name: string;
  /**
   * Encodes every span, in order.
   *
   * @param spans The spans.
   * @returns Their bytes and end offsets.
   */
  encodeSpans(spans: readonly JaegerSpan[]): EncodedSpans;
  /**
   * The fast path: one of our finished spans straight to its compact `jaeger.Span` struct, the
   * same bytes as `spanToJaeger` then `encodeSpans`, without making Jaeger objects. The export
   * pipeline calls it once per span, when the span finishes. Optional: a backend without it is
   * fed `spanToJaeger(span)` through `encodeSpans`.
   *
   * @param span A finished span.
   * @returns Its bytes: a view valid until the backend's next call.
   * @throws {RangeError} When a time is outside the i64 range.
   */
  encodeTraceSpan?(span: Span): Uint8Array;
}
