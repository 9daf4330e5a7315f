// spanwire's context of an OpenTelemetry span (ours: its context as is; another's: converted,
// once per span context object).

import type { Span as OtelSpanApi, SpanContext as OtelSpanContext } from "@opentelemetry/api";
import type { SpanContext } from "../trace/span_context.ts";
import { OtelSpan } from "./_otel_span.ts";
import { fromOtelSpanContext } from "./_span_context.ts";

const converted = new WeakMap<OtelSpanContext, SpanContext | null>();

/** spanwire's context of `span`, or `undefined` when its span context is not valid. */
export function spanwireContextOf(span: OtelSpanApi): SpanContext | undefined {
  if (span instanceof OtelSpan) return span.ctx;
  let sc: OtelSpanContext;
  try {
    sc = span.spanContext();
  } catch {
    return undefined;
  }
  if (sc === null || typeof sc !== "object") return undefined;
  let ctx = converted.get(sc);
  if (ctx === undefined) {
    ctx = fromOtelSpanContext(sc) ?? null;
    converted.set(sc, ctx);
  }
  return ctx ?? undefined;
}
