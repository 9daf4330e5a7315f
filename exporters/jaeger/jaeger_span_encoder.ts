/**
 * {@linkcode JaegerSpanEncoder}: the Jaeger {@linkcode SpanEncoder} of the export pipeline. A
 * finished span becomes one compact `jaeger.Span` struct (IOx's mapping) through the backend's
 * fast path (`encodeTraceSpan`: the "js" fused writer, or the "wasm" module), or, for a backend
 * without it, `spanToJaeger` then `encodeSpans`. A span too large for a packet is trimmed
 * (`spanwire.trimmed=true`, longest values shortened, last logs dropped).
 *
 * @module
 */

import type { Span } from "../../trace/span.ts";
import type { SpanEncoder } from "../pipeline/span_protocol.ts";
import { trimToFit } from "./_trim.ts";
import type { SpanEncoderBackend } from "./span_encoder_backend.ts";
import { spanToJaeger } from "./span_to_jaeger.ts";

/**
 * The Jaeger span encoder over one backend.
 *
 * @example
 * ```ts
 * import { JaegerSpanEncoder, jsSpanEncoder, decodeEmitBatch, assembleEmitBatch, encodeProcess } from "@spanwire/trace/exporters/jaeger";
 * import { Span } from "@spanwire/trace/trace";
 * import assert from "node:assert/strict";
 *
 * const encoder = new JaegerSpanEncoder(jsSpanEncoder);
 * const bytes = encoder.encode(Span.root("GET /").ok()).slice();
 * const packet = assembleEmitBatch({ seqId: 0, processBytes: encodeProcess({ serviceName: "svc" }) }, [bytes]);
 * assert.equal(decodeEmitBatch(packet).batch.spans[0]!.operationName, "GET /");
 * ```
 */
export class JaegerSpanEncoder implements SpanEncoder {
  /** The backend writing the bytes. */
  readonly backend: SpanEncoderBackend;
  readonly #fast: ((span: Span) => Uint8Array) | undefined;

  /**
   * Makes an encoder.
   *
   * @param backend The span encoder backend.
   */
  constructor(backend: SpanEncoderBackend) {
    this.backend = backend;
    this.#fast = typeof backend.encodeTraceSpan === "function"
      ? backend.encodeTraceSpan.bind(backend)
      : undefined;
  }

  /**
   * Encodes one finished span.
   *
   * @param span The span.
   * @returns Its `jaeger.Span` struct (a view valid until the backend's next call).
   * @throws {RangeError} When a time is outside the i64 range.
   */
  encode(span: Span): Uint8Array {
    const fast = this.#fast;
    if (fast !== undefined) return fast(span);
    return this.backend.encodeSpans([spanToJaeger(span)]).bytes;
  }

  /**
   * A trimmed encoding of `span` of at most `maxBytes`, or `undefined` when none fits.
   *
   * @param span The span.
   * @param maxBytes The limit.
   * @returns The bytes, or `undefined`.
   */
  trim(span: Span, maxBytes: number): Uint8Array | undefined {
    const bytes = trimToFit(spanToJaeger(span), maxBytes, this.backend);
    return bytes.length <= maxBytes ? bytes : undefined;
  }
}
