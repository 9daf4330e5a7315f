/**
 * {@linkcode spanwireSpanOf}: the spanwire span behind an OpenTelemetry span.
 *
 * @module
 */

import type { Span as OtelSpanApi } from "@opentelemetry/api";
import type { Span } from "../trace/span.ts";
import { OtelSpan } from "./_otel_span.ts";

/**
 * The spanwire {@linkcode Span} an OpenTelemetry span records into: for a span of spanwire's
 * tracer that records (sampled), or the server span seen through `trace.getActiveSpan()`
 * inside a spanwire server layer. `undefined` for anything else (unsampled or remote spans,
 * other SDKs' spans).
 *
 * @param span The OpenTelemetry span.
 * @returns The spanwire span, if any.
 *
 * @example
 * ```ts
 * import { spanwireSpanOf, SpanwireTracerProvider } from "@spanwire/trace/otel";
 * import assert from "node:assert/strict";
 *
 * const tracer = new SpanwireTracerProvider({ collector: undefined }).getTracer("example");
 * const span = tracer.startSpan("work");
 * span.setAttribute("rows", 3);
 * assert.equal(spanwireSpanOf(span)?.metadata.get("rows"), 3);
 * ```
 */
export function spanwireSpanOf(span: OtelSpanApi): Span | undefined {
  return span instanceof OtelSpan ? span.span : undefined;
}
